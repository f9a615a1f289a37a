import { TableClient, odata } from '@azure/data-tables';
import { randomBytes } from 'node:crypto';
import { HistoryEventType } from '../../infra/local/durable/historyEvents';
import { batchInstanceId } from '../../shared/domain/batches/deviceBatch';
import type { BenchHost, BenchScenario, Json } from './benchContext';
import { generateDevices } from './deviceGenerators';
import { now } from './measure';
import type {
  RequestCounts,
  RequestKind,
  StorageCounts,
  StorageCountingProxy,
  TableFamily,
} from './storageCountingProxy';
import { proxiedConnectionString, startStorageCountingProxy, tableEndpointOf } from './storageCountingProxy';

/**
 * Azure's published rates, and the billing rules they are applied by, in one place. Pay-as-you-go list
 * prices in USD (East US; the storage rate is the same in West Europe), read on 2026-12-05.
 *
 * The official pricing pages render their prices with script, and no copy of them with the figures was
 * readable from where this was written; the figures are the ones those pages publish as quoted by
 * records that cite them (a cost note "checked on July 22, 2026", modal.com's Functions pricing guide
 * of 2025-05-22). Check them against the pages before quoting a figure outside this repository.
 */
export const AZURE_RATES = {
  readAt: '2026-12-05',
  /**
   * Table storage, Standard general-purpose v2, LRS (infra/azure/modules/storage.bicep: StorageV2,
   * Standard_LRS): one price for every kind of table transaction (read, write, query, batch, delete).
   */
  tableTransactionUsdPer10k: 0.00036,
  tableSource: 'https://azure.microsoft.com/en-us/pricing/details/storage/tables/',
  /**
   * Flex Consumption, on demand (no always-ready instances are configured): GB-s of instance memory
   * while an instance runs at least one execution, and executions. Free grants (100,000 GB-s and
   * 250,000 executions a month per subscription) are not deducted: this is what one more batch adds.
   */
  flexOnDemandUsdPerGbSecond: 0.000026,
  flexOnDemandUsdPerMillionExecutions: 0.4,
  functionsSource: 'https://azure.microsoft.com/en-us/pricing/details/functions/',
  /** infra/azure/modules/functionApp.bicep: scaleAndConcurrency.instanceMemoryMB. */
  instanceMemoryGb: 2048 / 1024,
} as const;

/**
 * How requests become billed transactions.
 * - Each REST request is one transaction, so each page of a query (a continuation is a new request) is
 *   one: "Each individual Blob, Table and Queue REST request to the storage service is considered as a
 *   potential transaction for billing" (Azure Storage team, "Understanding Windows Azure Storage
 *   Billing – Bandwidth, Transactions, and Capacity", 2010-07-09,
 *   https://learn.microsoft.com/en-us/archive/blogs/windowsazurestorage/understanding-windows-azure-storage-billing-bandwidth-transactions-and-capacity).
 * - An entity group transaction is one: "an entity group transaction is billed as a single storage
 *   operation regardless of how many storage operations it contains" (Designing a Scalable
 *   Partitioning Strategy for Azure Table Storage,
 *   https://learn.microsoft.com/en-us/rest/api/storageservices/designing-a-scalable-partitioning-strategy-for-azure-table-storage).
 * - Failed requests are counted too (a 409 on an insert that finds its key taken is billable).
 */
const transactions = (c: Record<string, RequestCounts>): number =>
  Object.values(c).reduce((sum, k) => sum + k.requests, 0);

/**
 * The Durable Task Azure Storage provider's storage operations per orchestration event, from its
 * documented behaviour (learn.microsoft.com/azure/azure-functions/durable/durable-functions-azure-storage-provider,
 * ms.date 2026-01-14, and the task hub execution example in durable-functions-task-hubs): queues drive
 * every execution, the History table holds each instance's events (partition = instance ID, loaded
 * with a range query), the Instances table its status, a message over 45 KB goes to a blob.
 * - start: Instances row written, ExecutionStarted put on a control queue and later deleted (3);
 * - orchestrator episode: control-queue get (up to 32 messages a poll), history range query (1 page;
 *   0 when the instance stays cached), new history rows in one entity group transaction (up to 100),
 *   Instances row updated (4);
 * - activity: work-item put, get and delete; its result put on the control queue and deleted once an
 *   episode consumed it (5);
 * - timer or raised event: its message put and deleted (2).
 * This leaves out idle polling (below), blob lease renewals, and large-message blobs (our activities
 * pass batch references and counts, far under 45 KB).
 */
const DURABLE_AZURE_OPERATIONS = { start: 3, episode: 4, activity: 5, message: 2 } as const;
/**
 * Idle: in the Consumption and Premium plans the scale controller polls each control queue and the
 * work-item queue every 10 s, unconfigurably (same page, "Queue polling"); with the default 4
 * partitions that is 5 queues. Workers also poll with back-off up to 30 s while an instance runs.
 */
const IDLE_QUEUES = 5;
const IDLE_POLL_SECONDS = 10;
const SECONDS_PER_MONTH = 30 * 24 * 3600;

/** The batch (#15); the short run two chunks of 4,000, so chunks still run side by side. */
const FULL_DEVICES = 100_000;
const SHORT_DEVICES = 8_000;
const PRICED_DEVICES = 100_000;
/** Product keys of run N are N × 1,000,000 + i: clear of the other scenarios' devices. */
const RUN_ID = 700;
/** A partner's status page or script polling its batch; each poll is an HTTP execution and its reads. */
const POLL_MS = 1_000;
const FINAL = new Set(['finished', 'finished_with_errors', 'canceled', 'expired']);
const PARTNER = 'contoso-direct';

/**
 * The cost in Azure of registering 100,000 product-key devices in one batch (#15): the host's storage
 * goes through a counting proxy, so the app's table transactions are counted exactly; function
 * executions are the HTTP requests made plus the orchestrator episodes (OrchestratorStarted) and
 * activities (TaskScheduled) in the instance's history. The local durable runtime keeps its state in
 * three tables of its own and polls them, unlike Azure's provider (queues, tables and blobs): its
 * transactions are shown as measured, and Azure's are estimated from the episodes and activities with
 * the factors above.
 */
export const costScenario: BenchScenario = {
  name: 'cost',
  async run(context) {
    const devices = context.short ? SHORT_DEVICES : FULL_DEVICES;
    const tablePrefix = `cost${randomBytes(4).toString('hex')}`;
    const proxy = await startStorageCountingProxy({
      target: tableEndpointOf(context.connectionString),
      tablePrefix,
      taskHub: 'LocalHub',
    });
    try {
      const bench = await context.startHost({
        env: {
          STORAGE_CONNECTION_STRING: proxiedConnectionString(context.connectionString, proxy.tableEndpoint),
          TABLE_PREFIX: tablePrefix,
        },
      });
      try {
        context.progress(`cost: ${devices} devices through the storage counting proxy`);
        return await measureCost(bench, devices, proxy, context.connectionString, tablePrefix);
      } finally {
        await bench.host.stop();
      }
    } finally {
      await proxy.close();
    }
  },
  rows(r) {
    // Two significant digits, never in exponent form: a device costs millionths of a cent.
    const usd = (x: number) =>
      `$${x >= 0.01 || x <= 0 ? x.toFixed(4) : x.toFixed(1 - Math.floor(Math.log10(x)))}`;
    const n = (x: unknown, digits = 0) =>
      typeof x === 'number' && Number.isFinite(x)
        ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
        : 'n/a';
    const per = r.per100k as Json;
    const scaled =
      r.devices === PRICED_DEVICES
        ? ''
        : ` (measured on ${n(r.devices)}, scaled ×${n(PRICED_DEVICES / (r.devices as number), 1)})`;
    return [
      `| cost: register ${n(r.devices)} devices (pkid) in one batch, storage through a counting proxy | ` +
        `app tables: ${n(r.app.transactions)} transactions (${n(r.app.entity)} entity, ${n(r.app.query)} query pages, ${n(r.app.batch)} batches of ${n(r.app.batchSubOperations)} operations), ${n(r.app.rowsPerDevice, 3)} rows and ${n(r.app.transactionsPerDevice, 4)} transactions per device; ` +
        `durable: ${n(r.durable.episodes)} orchestrator episodes, ${n(r.durable.activities)} activities (local runtime's own tables: ${n(r.durable.localTransactions)} transactions); HTTP: 1 POST + ${n(r.http.statusPolls)} status polls every ${POLL_MS} ms (${n(r.http.transactionsPerPoll)} Table transaction(s) each, left out of the figures above) | ` +
        `${n(r.seconds, 1)} s POST to \`finished\` |`,
      `| cost in Azure of 100,000 devices${scaled}: Table transactions at $${AZURE_RATES.tableTransactionUsdPer10k}/10,000 (LRS), Flex Consumption on demand at $${AZURE_RATES.flexOnDemandUsdPerMillionExecutions}/million executions and $${AZURE_RATES.flexOnDemandUsdPerGbSecond}/GB-s (rates read ${AZURE_RATES.readAt}) | ` +
        `${usd(per.totalUsd)} (${usd(per.totalUsd / PRICED_DEVICES)} per device): app tables ${n(per.appTransactions)} transactions ${usd(per.appUsd)}; durable task hub about ${n(per.durableTransactions)} ${usd(per.durableUsd)}; ${n(per.executions)} executions ${usd(per.executionsUsd)}; ${n(per.gbSeconds)} GB-s ${usd(per.gbSecondsUsd)} | ` +
        `${n(r.app.rowsPerDevice, 3)} rows per device; durable transactions estimated (${DURABLE_AZURE_OPERATIONS.episode} per episode, ${DURABLE_AZURE_OPERATIONS.activity} per activity, queue ops at the table rate: a lower bound); GB-s as one ${AZURE_RATES.instanceMemoryGb * 1024} MB instance busy for this run's duration; idle queue polling ${n(r.idle.transactionsPerMonth)} transactions/month (${usd(r.idle.usdPerMonth)}) besides |`,
    ];
  },
};

async function measureCost(
  { api, partner, consentedTenant }: BenchHost,
  devices: number,
  proxy: StorageCountingProxy,
  connectionString: string,
  tablePrefix: string,
): Promise<Json> {
  const tenant = await consentedTenant();
  const batchId = `cost-${devices}`;
  const body = { batchId, devices: generateDevices(devices, 'pkid', RUN_ID) };
  const statusPath = `/api/v1/customers/${tenant.tenantId}/deviceBatches/${batchId}`;
  const status = () => api.request<Json>('GET', statusPath, { token: partner });

  // From here on every storage request is the batch's (start-up and consent are behind us).
  proxy.reset();
  const start = now();
  const res = await api.request('POST', `/api/v1/customers/${tenant.tenantId}/deviceBatches`, {
    token: partner,
    json: body,
  });
  if (res.status !== 202) throw new Error(`cost submit: ${res.status} ${res.text.slice(0, 300)}`);
  let statusPolls = 0;
  let last: Json = {};
  const deadline = start + 60 * 60_000;
  while (!FINAL.has(last.status as string)) {
    if (now() > deadline) throw new Error('cost: the batch did not finish within an hour');
    await new Promise((r) => setTimeout(r, POLL_MS));
    last = (await status()).body;
    statusPolls++;
  }
  const seconds = (now() - start) / 1000;
  if (last.status !== 'finished' || last.registered !== devices)
    throw new Error(`cost: batch ended ${JSON.stringify(last)}`);
  const run = proxy.counts();

  // What one status poll costs in storage, to take the bench's polling out of the batch's figures.
  proxy.reset();
  await status();
  const poll = proxy.counts();

  const history = await instanceHistory(connectionString, tablePrefix, {
    tenantId: tenant.tenantId,
    partnerId: PARTNER,
    batchId,
  });
  const count = (type: number) => history.filter((t) => t === type).length;
  const durable = {
    historyEvents: history.length,
    episodes: count(HistoryEventType.OrchestratorStarted),
    activities: count(HistoryEventType.TaskScheduled),
    timers: count(HistoryEventType.TimerCreated),
    events: count(HistoryEventType.EventRaised),
    localTransactions: transactions(run.byFamily.durable) - statusPolls * transactions(poll.byFamily.durable),
    localEntitiesWritten: written(run, 'durable'),
  };
  const durableAzureTransactions =
    DURABLE_AZURE_OPERATIONS.start +
    DURABLE_AZURE_OPERATIONS.episode * durable.episodes +
    DURABLE_AZURE_OPERATIONS.activity * durable.activities +
    DURABLE_AZURE_OPERATIONS.message * (durable.timers + durable.events);

  const appPoll = transactions(poll.byFamily.app);
  const appKind = (kind: RequestKind) =>
    run.byFamily.app[kind].requests - statusPolls * poll.byFamily.app[kind].requests;
  const app = {
    transactions: transactions(run.byFamily.app) - statusPolls * appPoll,
    entity: appKind('entity'),
    query: appKind('query'),
    batch: appKind('batch'),
    batchSubOperations: run.byFamily.app.batch.subOperations,
    failed: Object.values(run.byFamily.app).reduce((s, c) => s + c.failed, 0),
    entitiesWritten: written(run, 'app'),
    byTable: Object.fromEntries(
      Object.entries(run.byTable)
        .filter(([table]) => !table.startsWith('LocalHub'))
        .map(([table, kinds]) => [table, transactions(kinds)]),
    ),
    rowsPerDevice: written(run, 'app') / devices,
    transactionsPerDevice: (transactions(run.byFamily.app) - statusPolls * appPoll) / devices,
  };
  const http = { submit: 1, statusPolls, transactionsPerPoll: transactions(poll.byKind) };
  // The bench's polling is the partner's choice, not the batch's: executions count the one POST.
  const executions = http.submit + durable.episodes + durable.activities;
  const gbSeconds = AZURE_RATES.instanceMemoryGb * seconds;

  const scale = PRICED_DEVICES / devices;
  const tableUsd = (tx: number) => (tx * AZURE_RATES.tableTransactionUsdPer10k) / 10_000;
  const per100k = {
    appTransactions: app.transactions * scale,
    durableTransactions: durableAzureTransactions * scale,
    executions: executions * scale,
    gbSeconds: gbSeconds * scale,
    appUsd: tableUsd(app.transactions * scale),
    durableUsd: tableUsd(durableAzureTransactions * scale),
    executionsUsd: ((executions * scale) / 1e6) * AZURE_RATES.flexOnDemandUsdPerMillionExecutions,
    gbSecondsUsd: gbSeconds * scale * AZURE_RATES.flexOnDemandUsdPerGbSecond,
    totalUsd: 0,
  };
  per100k.totalUsd = per100k.appUsd + per100k.durableUsd + per100k.executionsUsd + per100k.gbSecondsUsd;
  const idleTransactions = (IDLE_QUEUES * SECONDS_PER_MONTH) / IDLE_POLL_SECONDS;
  return {
    devices,
    seconds,
    app,
    durable: { ...durable, azureTransactionsEstimate: durableAzureTransactions },
    http,
    executions,
    gbSeconds,
    per100k,
    idle: { transactionsPerMonth: idleTransactions, usdPerMonth: tableUsd(idleTransactions) },
    rates: AZURE_RATES,
    durableFactors: DURABLE_AZURE_OPERATIONS,
  };
}

const written = (counts: StorageCounts, family: TableFamily): number =>
  Object.values(counts.byFamily[family]).reduce((s, c) => s + c.entitiesWritten, 0);

/**
 * The batch's orchestration history as the local durable runtime stored it (its History table, read
 * directly, not through the proxy): the status API's showHistory leaves out the episode markers
 * (OrchestratorStarted, OrchestratorCompleted), as the extension's does, and those are what count
 * orchestrator executions.
 */
async function instanceHistory(
  connectionString: string,
  tablePrefix: string,
  ref: { tenantId: string; partnerId: string; batchId: string },
): Promise<number[]> {
  const client = TableClient.fromConnectionString(connectionString, `${tablePrefix}LocalHubHistory`, {
    allowInsecureConnection: true,
  });
  const types: number[] = [];
  const rows = client.listEntities<{ Event: string }>({
    queryOptions: { filter: odata`PartitionKey eq ${batchInstanceId(ref)}`, select: ['Event'] },
  });
  for await (const row of rows) types.push((JSON.parse(row.Event) as { EventType: number }).EventType);
  return types;
}
