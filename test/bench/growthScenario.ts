import { TableClientFactory } from '../../shared/adapters/tables/tableClientFactory';
import type { BenchContext, BenchHost, BenchScenario, Json } from './benchContext';
import { generateDevices } from './deviceGenerators';
import { registerBatch, warmUp } from './registerBatch';
import { cpuSeconds, now, rssMiB } from './measure';

/** How the store grows: `steps` batches of `stepDevices`, then one of `measuredDevices` into the full store. */
interface GrowthPlan {
  readonly steps: number;
  readonly stepDevices: number;
  readonly measuredDevices: number;
}

/** The store of 500,000 devices (#15), in batches of 100,000, the product's largest. */
const FULL: GrowthPlan = { steps: 5, stepDevices: 100_000, measuredDevices: 20_000 };
/** Under a minute on the CI machine; 8,000 devices are two chunks, so chunks run side by side. */
const SHORT: GrowthPlan = { steps: 3, stepDevices: 16_000, measuredDevices: 8_000 };
/** Product keys of run N are N × 1,000,000 + i: these stay clear of the registrations' and the mixed load's. */
const RUN_ID = 600;
const ADJACENT_BASELINE_ENTITIES = 10_000;

/**
 * Registration as the store grows: product-key batches into new consented tenants on one host, whose
 * tables keep every earlier step's rows, up to 500,000 devices; then the same 20,000-device batch into
 * that full store that was first measured into an empty one (on a host of its own, its tables dropped
 * after). Each step is set beside a baseline taken just before it (a fresh table: if the baseline holds
 * while registration slows, the cost is in the tables that grew, not in the machine or Azurite's heap),
 * with Azurite's and the host's CPU per device, Azurite's resident memory, and the rows the store held.
 * Each step's monotonic start and end (ms, CLOCK_MONOTONIC as V8's profiler stamps samples) let a
 * `--cpu-prof` of Azurite be cut into steps.
 */
export const growthScenario: BenchScenario = {
  name: 'growth',
  async run(context) {
    const plan = context.short ? SHORT : FULL;
    const batch = (step: number, devices: number) => ({
      runId: RUN_ID + step,
      devices: generateDevices(devices, 'pkid', RUN_ID + step),
    });
    const steps: Json[] = [];

    context.progress(`growth: ${plan.measuredDevices} devices into an empty store`);
    const emptyHost = await context.startHost();
    try {
      await warmUp(emptyHost, RUN_ID - 1);
      steps.push(await measureStep(context, emptyHost, 'empty', batch(0, plan.measuredDevices)));
    } finally {
      await emptyHost.host.stop();
      await dropTables(context.connectionString, emptyHost.host.tablePrefix);
    }

    const bench = await context.startHost();
    try {
      await warmUp(bench, RUN_ID - 2);
      for (let step = 1; step <= plan.steps; step++) {
        context.progress(`growth: step ${step} of ${plan.steps}, ${plan.stepDevices} devices`);
        steps.push(await measureStep(context, bench, 'growth', batch(step, plan.stepDevices)));
      }
      // The same devices as the empty store's batch: only the store around them differs.
      context.progress(`growth: ${plan.measuredDevices} devices into the full store`);
      steps.push(await measureStep(context, bench, 'full', batch(0, plan.measuredDevices)));
    } finally {
      await bench.host.stop();
    }
    return { ...plan, steps };
  },
  rows(r) {
    const steps = r.steps as Json[];
    const n = (x: unknown, digits = 0) =>
      typeof x === 'number' && Number.isFinite(x)
        ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
        : 'n/a';
    const rows = steps.map(
      (s) =>
        `| growth: register ${n(s.devices)} devices (pkid) into a store holding ${n(s.storeDevicesBefore)} devices (${n(s.storeRowsBefore)} rows) | ` +
        `${n(s.devicesPerSecond)} devices/s (${n(s.seconds, 1)} s); Azurite ${n(s.storageCpuMsPerDevice, 3)} CPU-ms per device, host ${n(s.hostCpuMsPerDevice, 3)}; Azurite RSS ${n(s.storageRssMiBAfter)} MiB after | ` +
        `${pct(s.ofAdjacentBaseline)} of a baseline taken just before (${n(s.adjacentBaselineEntitiesPerSecond)}/s, Azurite ${n(s.adjacentBaselineStorageCpuMsPerEntity, 3)} CPU-ms per entity) |`,
    );
    const empty = steps.find((s) => s.label === 'empty');
    const full = steps.find((s) => s.label === 'full');
    if (empty && full)
      rows.push(
        `| growth: the same ${n(full.devices)} devices into a store holding ${n(full.storeDevicesBefore)} devices against an empty one | ` +
          `${n(full.devicesPerSecond)} against ${n(empty.devicesPerSecond)} devices/s (${pct(full.devicesPerSecond / empty.devicesPerSecond)}); Azurite ${n(full.storageCpuMsPerDevice, 3)} against ${n(empty.storageCpuMsPerDevice, 3)} CPU-ms per device | ` +
          `baselines just before: ${n(full.adjacentBaselineEntitiesPerSecond)} against ${n(empty.adjacentBaselineEntitiesPerSecond)}/s; ${pct(full.ofAdjacentBaseline)} against ${pct(empty.ofAdjacentBaseline)} of them |`,
      );
    return rows;
  },
};

const pct = (x: unknown) =>
  typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a';

/** One batch into a new consented tenant, POST to `finished`, with what the store held before it. */
async function measureStep(
  context: BenchContext,
  { host, api, partner, consentedTenant }: BenchHost,
  label: 'empty' | 'growth' | 'full',
  { runId, devices }: { runId: number; devices: Record<string, string>[] },
): Promise<Json> {
  // Counted and measured outside the step's window, so neither weighs on its figures.
  const store = await countRows(context.connectionString, host.tablePrefix);
  // The baseline writes a fresh table: if its Azurite CPU per entity holds while registration's grows,
  // the cost is in the tables that grew, not in Azurite's heap as a whole (or the machine).
  const baselineCpuStart = cpuSeconds(context.storagePid);
  const adjacentBaseline = await context.baseline(ADJACENT_BASELINE_ENTITIES);
  const baselineCpu = difference(baselineCpuStart, cpuSeconds(context.storagePid));
  const tenant = await consentedTenant();
  const batchId = `growth-${runId}`;
  const storageCpuStart = cpuSeconds(context.storagePid);
  const hostCpuStart = cpuSeconds(host.pid);
  const start = now();
  const { submitSeconds } = await registerBatch(api, partner, tenant.tenantId, batchId, devices);
  const end = now();
  const storageCpu = difference(storageCpuStart, cpuSeconds(context.storagePid));
  const hostCpu = difference(hostCpuStart, cpuSeconds(host.pid));
  const seconds = (end - start) / 1000;
  const devicesPerSecond = devices.length / seconds;
  const result = {
    label,
    devices: devices.length,
    storeDevicesBefore: store.devices,
    storeRowsBefore: store.rows,
    storeTablesBefore: store.tables,
    seconds,
    submitSeconds,
    devicesPerSecond,
    adjacentBaselineEntitiesPerSecond: adjacentBaseline,
    ofAdjacentBaseline: devicesPerSecond / adjacentBaseline,
    adjacentBaselineStorageCpuMsPerEntity:
      baselineCpu === undefined ? undefined : (1000 * baselineCpu) / ADJACENT_BASELINE_ENTITIES,
    storageCpuMsPerDevice: storageCpu === undefined ? undefined : (1000 * storageCpu) / devices.length,
    hostCpuMsPerDevice: hostCpu === undefined ? undefined : (1000 * hostCpu) / devices.length,
    storageRssMiBAfter: rssMiB(context.storagePid),
    monotonicStartMs: start,
    monotonicEndMs: end,
  };
  context.progress(
    `growth: ${Math.round(devicesPerSecond)} devices/s into ${store.devices} devices (${store.rows} rows), ` +
      `${pct(result.ofAdjacentBaseline)} of ${Math.round(adjacentBaseline)}/s; Azurite ` +
      `${result.storageCpuMsPerDevice?.toFixed(3)} CPU-ms per device, host ${result.hostCpuMsPerDevice?.toFixed(3)}`,
  );
  return result;
}

/** Submits a batch and polls its status, as a partner's script does, until it is final; it must finish whole. */
function difference(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : to - from;
}

/**
 * Rows in every table of the store, and devices in the host's index (one row per product key). A
 * listing, so it costs Azurite seconds at 500,000 rows; it runs between steps.
 */
async function countRows(
  connectionString: string,
  tablePrefix: string,
): Promise<{ rows: number; devices: number; tables: number }> {
  const tables = new TableClientFactory({ connectionString, allowInsecureHttp: true });
  let rows = 0;
  let devices = 0;
  let count = 0;
  for await (const table of tables.service().listTables()) {
    if (!table.name) continue;
    count++;
    const index = table.name.startsWith(`${tablePrefix}DeviceIndex`);
    for await (const page of tables
      .client(table.name)
      .listEntities({ queryOptions: { select: ['PartitionKey'] } })
      .byPage({ maxPageSize: 1000 })) {
      rows += page.length;
      if (index) devices += page.length;
    }
  }
  return { rows, devices, tables: count };
}

/** The tables of one host (its prefix), so the next host starts from a store without them. */
async function dropTables(connectionString: string, tablePrefix: string): Promise<void> {
  const service = new TableClientFactory({ connectionString, allowInsecureHttp: true }).service();
  const names: string[] = [];
  for await (const table of service.listTables())
    if (table.name?.startsWith(tablePrefix)) names.push(table.name);
  await Promise.all(names.map((name) => service.deleteTable(name)));
}
