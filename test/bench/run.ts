import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAzurite } from '../../infra/local/azurite';
import { TableClientFactory } from '../../shared/adapters/tables/tableClientFactory';
import { ApiClient } from '../support/apiClient';
import { giveConsent } from '../support/batchHelpers';
import { startLocalHostProcess } from '../support/localHostProcess';
import type { DeviceMix } from './deviceGenerators';
import { generateDevices } from './deviceGenerators';
import { cpuSeconds, median, now, peakRssMiB, percentile, poll } from './measure';
import type { BenchContext, BenchHost, BenchScenario } from './benchContext';
import { costScenario } from './costScenario';
import { growthScenario } from './growthScenario';
import { mixedLoadScenario } from './mixedLoad';
import { registerBatch, warmUp } from './registerBatch';
import { measureStorageBaseline } from './storageBaseline';

/**
 * `npm run bench` (or `-- --short` for CI): registration throughput against Azurite's raw write rate
 * measured in the same run, consent-to-run latency, validate throughput, the host's peak memory, and
 * the cold start of the entry point against @azure/functions alone. Prints a table and a JSON line and
 * writes both (full runs: test/bench/results/, short runs: test-artifacts/bench/). For finding
 * bottlenecks: `--sizes=20000:pkid,20000:hash` (only those registrations), `--cpu-prof` (the local host
 * writes a V8 profile into test-artifacts/profiles), `--storage=<connection string>` (an Azurite
 * started elsewhere, e.g. under `node --cpu-prof`; `--storage-pid=<pid>` to count its CPU time).
 */
type Json = Record<string, any>;

/** Scenarios beyond the registrations, each printed beside the baseline of the same run. */
const SCENARIOS: readonly BenchScenario[] = [mixedLoadScenario, growthScenario, costScenario];

const short = process.argv.includes('--short');
/** `--cpu-prof`: the host writes a V8 CPU profile on exit into test-artifacts/profiles (not committed). */
const profile = process.argv.includes('--cpu-prof');
/** `--sizes=20000:pkid,20000:hash`: only these registrations (and only registration), for targeted runs. */
/**
 * `--only=mixed,growth,cost`: only these scenarios (of SCENARIOS below), without the registrations and
 * the rest, for targeted runs; the result goes to stdout as JSON.
 */
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const sizesArg = process.argv.find((a) => a.startsWith('--sizes='))?.slice('--sizes='.length);
/**
 * Real hardware hashes are 4,000 characters: 15,000 of them (about 60 MB) is what one batch body of at
 * most 64 MiB holds, so the hash runs are that size rather than 20,000 or 100,000.
 */
const HASHES_PER_BODY = 15_000;
const SIZES: { devices: number; mix: DeviceMix }[] = sizesArg
  ? sizesArg.split(',').map((s) => {
      const [devices, mix] = s.split(':');
      return { devices: Number(devices), mix: (mix ?? 'pkid') as DeviceMix };
    })
  : short
    ? [
        { devices: 8_000, mix: 'pkid' },
        { devices: 8_000, mix: 'tuple' },
        { devices: 8_000, mix: 'hash' },
      ]
    : [
        { devices: 20_000, mix: 'pkid' },
        { devices: 20_000, mix: 'tuple' },
        { devices: HASHES_PER_BODY, mix: 'hash' },
        { devices: 20_000, mix: 'mixed' },
        { devices: 100_000, mix: 'pkid' },
        { devices: 100_000, mix: 'tuple' },
      ];
const CONSENT_RUNS = short ? 10 : 50;
const VALIDATE_DEVICES = short ? 2_000 : 10_000;
const BASELINE_ENTITIES = short || sizesArg || onlyArg ? 20_000 : 100_000;
const ADJACENT_BASELINE_ENTITIES = 10_000;
/** Transactions in flight: enough to keep Azurite (single-threaded) busy; the service, 8 chunks at once, has at least as many. */
const SERVICE_PARALLEL_TRANSACTIONS = 80;

const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  // `--storage=<connection string>`: an Azurite started elsewhere (e.g. under --cpu-prof to profile it).
  const storageArg = process.argv.find((a) => a.startsWith('--storage='))?.slice('--storage='.length);
  // `--storage-pid=<pid>`: that Azurite's process, so its CPU time and memory are read as the bench's own.
  const storagePid = process.argv.find((a) => a.startsWith('--storage-pid='))?.slice('--storage-pid='.length);
  const azurite = storageArg
    ? {
        connectionString: storageArg,
        tablePort: 'external',
        pid: storagePid ? Number(storagePid) : undefined,
        stop: () => Promise.resolve(),
      }
    : await startAzurite();
  running.add(() => azurite.stop());
  process.env.TEST_STORAGE_CONNECTION = azurite.connectionString;
  progress(`Azurite on ${azurite.tablePort}`);
  const profileDir = path.resolve(__dirname, '../../../test-artifacts/profiles');
  // Each registration runs on a host of its own, with tables of its own (a table prefix per host):
  // Azurite's cost per insert grows with the partition it lands in (LokiJS scans the partition for the
  // key), so registrations sharing a registry would each pay for the devices of the runs before it, an
  // emulator effect Azure does not have. Peak memory is taken per host.
  const startHost = async (options: { env?: Record<string, string> } = {}): Promise<BenchHost> => {
    const host = await startLocalHostProcess({
      env: { LOCAL_EVENT_LOOP_PROBE: 'true', ...options.env },
      ...(profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    });
    running.add(() => host.stop());
    const api = new ApiClient(host.baseUrl);
    const partner = await api.partnerToken('contoso-direct');
    return { host, api, partner, consentedTenant: () => consentedTenant(api, partner) };
  };
  const context: BenchContext = {
    short,
    connectionString: azurite.connectionString,
    storagePid: azurite.pid,
    startHost,
    baseline: (entities) =>
      measureStorageBaseline(azurite.connectionString, entities, SERVICE_PARALLEL_TRANSACTIONS),
    dropEveryTable: () => (storageArg ? Promise.resolve() : dropEveryTable(azurite.connectionString)),
    progress,
  };
  const results: Json = { machine: machine(), short, at: new Date().toISOString() };
  try {
    // Azurite's CPU time is the storage's cost, whatever else the machine runs: entities per CPU-second
    // of Azurite against devices per CPU-second of Azurite is a second, steadier ratio.
    const storageCpu = () => cpuSeconds(azurite.pid);
    const baselineCpuStart = storageCpu();
    results.baselineEntitiesPerSecond = await measureStorageBaseline(
      azurite.connectionString,
      BASELINE_ENTITIES,
      SERVICE_PARALLEL_TRANSACTIONS,
    );
    const baselineCpu = perCpuSecond(BASELINE_ENTITIES, baselineCpuStart, storageCpu());
    results.baselineEntitiesPerStorageCpuSecond = baselineCpu;

    if (onlyArg) {
      const names = onlyArg.split(',');
      for (const scenario of SCENARIOS.filter((x) => names.includes(x.name))) {
        results[scenario.name] = await scenario.run(context);
        await context.dropEveryTable();
        console.log(scenario.rows(results[scenario.name] as Json).join('\n'));
      }
      console.log(JSON.stringify(results));
      return;
    }
    const registration: Json[] = [];
    results.registration = registration;
    progress(`baseline ${Math.round(results.baselineEntitiesPerSecond as number)} entities/s`);
    let runId = 1;
    for (const size of SIZES) {
      // The machine may be shared: a baseline taken just before each registration puts the two side by side.
      const adjacentBaseline = await measureStorageBaseline(
        azurite.connectionString,
        ADJACENT_BASELINE_ENTITIES,
        SERVICE_PARALLEL_TRANSACTIONS,
      );
      // Generated before the host's last request: building thousands of real hardware hashes takes longer
      // than the host keeps an idle connection open, and the POST would then write into a closed socket.
      const devices = generateDevices(size.devices, size.mix, runId++);
      const bench = await startHost();
      const { host, api, partner } = bench;
      try {
        await warmUp(bench, 900 + runId);
        const tenant = await consentedTenant(api, partner);
        const batchId = `bench-${size.mix}-${size.devices}`;
        progress(`registering ${size.devices} ${size.mix}`);
        const start = now();
        const cpuStart = storageCpu();
        const { submitSeconds } = await registerBatch(api, partner, tenant.tenantId, batchId, devices);
        const seconds = (now() - start) / 1000;
        const perSecond = size.devices / seconds;
        const perCpu = perCpuSecond(size.devices, cpuStart, storageCpu());
        registration.push({
          ...size,
          seconds,
          submitSeconds,
          devicesPerSecond: perSecond,
          ofBaseline: perSecond / results.baselineEntitiesPerSecond,
          adjacentBaselineEntitiesPerSecond: adjacentBaseline,
          ofAdjacentBaseline: perSecond / adjacentBaseline,
          devicesPerStorageCpuSecond: perCpu,
          ofBaselineStorageCpu: perCpu !== undefined && baselineCpu ? perCpu / baselineCpu : undefined,
          peakHostRssMiB: host.pid ? peakRssMiB(host.pid) : undefined,
        });
        progress(
          `${Math.round(perSecond)} devices/s: ${(100 * (perSecond / adjacentBaseline)).toFixed(1)}% of ${Math.round(adjacentBaseline)}; ` +
            `storage CPU ${(100 * ((perCpu ?? NaN) / (baselineCpu ?? NaN))).toFixed(1)}%`,
        );
      } finally {
        await host.stop();
        // Azurite keeps every table in memory: the next baseline and registration start from an empty
        // store, as the first baseline did, rather than beside the rows of every run before them.
        // (Only an Azurite of the bench's own: one given with --storage may hold someone's data.)
        if (!storageArg) await dropEveryTable(azurite.connectionString);
      }
    }
    const largest = Math.max(...registration.map((x) => x.devices as number));
    results.peakHostRssMiB = Math.max(
      ...registration.filter((x) => x.devices === largest).map((x) => (x.peakHostRssMiB as number) ?? NaN),
    );
    results.peakHostRssDevices = largest;
    if (sizesArg) {
      console.log(JSON.stringify(results.registration));
      return;
    }
    const { host, api, partner } = await startHost();
    try {
      results.consentToRun = await consentLatency(api, partner);
      results.validate = await validateThroughput(api, partner);
    } finally {
      await host.stop();
    }
    await context.dropEveryTable();
    for (const scenario of SCENARIOS) {
      progress(`scenario ${scenario.name}`);
      results[scenario.name] = await scenario.run(context);
      await context.dropEveryTable();
    }
  } finally {
    await azurite.stop();
  }
  if (sizesArg || onlyArg) return;
  results.coldStart = coldStart();
  report(results);
}

async function dropEveryTable(connectionString: string): Promise<void> {
  const service = new TableClientFactory({ connectionString, allowInsecureHttp: true }).service();
  const names: string[] = [];
  for await (const table of service.listTables()) if (table.name) names.push(table.name);
  await Promise.all(names.map((name) => service.deleteTable(name)));
}

function perCpuSecond(count: number, from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined || to <= from ? undefined : count / (to - from);
}

async function consentedTenant(api: ApiClient, partner: string) {
  const tenant = await api.newTenant();
  await giveConsent(api, partner, tenant.admin);
  return tenant;
}

/** From the Accept response to the waiting batch leaving awaiting_consent. */
async function consentLatency(api: ApiClient, partner: string): Promise<Json> {
  const samples: number[] = [];
  for (let run = 0; run < CONSENT_RUNS; run++) {
    const tenant = await api.newTenant();
    const batchPath = `/api/v1/customers/${tenant.tenantId}/deviceBatches`;
    await api.request('POST', batchPath, {
      token: partner,
      json: { batchId: 'wait', devices: [{ productKey: String(9_000_000_000_000 + run) }] },
    });
    await poll(
      async () => (await api.request<Json>('GET', `${batchPath}/wait`, { token: partner })).body,
      (b) => b.status === 'awaiting_consent',
      30_000,
      10,
    );
    await giveConsent(api, partner, tenant.admin);
    const accepted = now();
    await poll(
      async () => (await api.request<Json>('GET', `${batchPath}/wait`, { token: partner })).body,
      (b) => b.status !== 'awaiting_consent',
      30_000,
      5,
    );
    samples.push(now() - accepted);
  }
  return {
    runs: samples.length,
    p50Ms: percentile(samples, 50),
    p95Ms: percentile(samples, 95),
    maxMs: Math.max(...samples),
  };
}

async function validateThroughput(api: ApiClient, partner: string): Promise<Json> {
  const tenant = await consentedTenant(api, partner);
  const devices = generateDevices(VALIDATE_DEVICES, 'mixed', 99);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = now();
    const res = await api.request('POST', `/api/v1/customers/${tenant.tenantId}/deviceBatches/validate`, {
      token: partner,
      json: { devices },
    });
    if (res.status !== 200) throw new Error(`validate: ${res.status}`);
    times.push(now() - start);
  }
  return {
    devices: VALIDATE_DEVICES,
    medianMs: median(times),
    devicesPerSecond: VALIDATE_DEVICES / (median(times) / 1000),
  };
}

/**
 * Load time in a fresh process, median of several runs (Node's own start-up excluded): @azure/functions
 * alone; the entry point the Functions host loads (package.json "main", under the local stand-in for
 * the worker's functions-core module); and the whole app, which the entry point loads on the first call.
 */
function coldStart(): Json {
  const root = path.resolve(__dirname, '../../..');
  const main = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string }).main;
  const core = "require('./dist/infra/local/functionsCore/installFunctionsCore').installFunctionsCore()";
  const scripts = {
    azureFunctionsMs: "require('@azure/functions')",
    entryPointMs: `${core};require('./${main}')`,
    wholeAppMs: `${core};require('./dist/functions/index')`,
  };
  const samples = new Map<string, number[]>(Object.keys(scripts).map((k) => [k, []]));
  // Interleaved, so that a busy moment on a shared machine weighs on each alike.
  for (let i = 0; i < 9; i++) {
    for (const [name, script] of Object.entries(scripts)) {
      const out = spawnSync(
        process.execPath,
        [
          '-e',
          `const t=process.hrtime.bigint();${script};console.log(Number(process.hrtime.bigint()-t)/1e6)`,
        ],
        {
          cwd: root,
          env: { ...process.env, STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' },
          encoding: 'utf8',
        },
      );
      samples.get(name)!.push(Number(out.stdout.trim().split('\n').pop()));
    }
  }
  const result: Json = { entryPoint: main };
  for (const [name, values] of samples) result[name] = median(values);
  result.ratio = result.entryPointMs / result.azureFunctionsMs;
  return result;
}

function machine(): Json {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

function report(r: Json): void {
  // Full runs are the committed record; short runs (CI, development) go with the other test output.
  const dir = path.resolve(
    __dirname,
    r.short ? '../../../test-artifacts/bench' : '../../../test/bench/results',
  );
  mkdirSync(dir, { recursive: true });
  const name = `${r.short ? 'short' : 'full'}-${(r.at as string).slice(0, 10)}`;
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(r, null, 2)}\n`);
  const fmt = (n: unknown, digits = 0) => (typeof n === 'number' ? n.toFixed(digits) : String(n));
  const pct = (n: unknown) => (typeof n === 'number' ? `${(100 * n).toFixed(1)}%` : 'n/a');
  const m = r.machine as Json;
  const lines = [
    `Benchmark (${r.short ? 'short' : 'full'}), ${r.at}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`,
    '',
    `| measure | value | against |`,
    `|---|---|---|`,
    `| storage baseline: Azurite inserts, 100-entity transactions, ${SERVICE_PARALLEL_TRANSACTIONS} in flight | ${fmt(r.baselineEntitiesPerSecond)} entities/s; ${fmt(r.baselineEntitiesPerStorageCpuSecond)} per Azurite CPU-second | |`,
    ...(r.registration as Json[]).map(
      (x) =>
        `| register ${x.devices} devices (${x.mix}), POST to \`finished\` | ${fmt(x.devicesPerSecond)} devices/s (${fmt(x.seconds, 1)} s, of which POST ${fmt(x.submitSeconds, 1)} s) | ${pct(x.ofBaseline)} of baseline; ${pct(x.ofAdjacentBaseline)} of one taken just before (${fmt(x.adjacentBaselineEntitiesPerSecond)}/s); ${pct(x.ofBaselineStorageCpu)} per Azurite CPU-second (target ≥ 40%) |`,
    ),
    `| consent to run, ${r.consentToRun.runs} runs | p50 ${fmt(r.consentToRun.p50Ms)} ms, p95 ${fmt(r.consentToRun.p95Ms)} ms, max ${fmt(r.consentToRun.maxMs)} ms | target p95 < 1000 ms |`,
    `| validate ${r.validate.devices} devices (mixed) in one call | ${fmt(r.validate.devicesPerSecond)} devices/s (${fmt(r.validate.medianMs)} ms) | |`,
    `| peak memory (RSS) of the local host, ${r.peakHostRssDevices}-device batch | ${fmt(r.peakHostRssMiB)} MiB | target < 1024 MiB |`,
    `| cold start: \`${r.coldStart.entryPoint}\` vs \`@azure/functions\` alone | ${fmt(r.coldStart.entryPointMs)} ms vs ${fmt(r.coldStart.azureFunctionsMs)} ms | ${fmt(r.coldStart.ratio, 2)}× (target < 3×) |`,
    `| whole app, loaded on the first call | ${fmt(r.coldStart.wholeAppMs)} ms | |`,
    ...SCENARIOS.flatMap((scenario) => scenario.rows(r[scenario.name] as Json)),
  ];
  const table = lines.join('\n');
  writeFileSync(path.join(dir, `${name}.md`), `${table}\n`);
  console.log(table);
  console.log(JSON.stringify(r));
  progress(`written to ${path.join(dir, name)}.{md,json}`);
}

/** What the bench started and must stop, also when it is stopped itself (Ctrl-C, SIGTERM). */
const running = new Set<() => Promise<void>>();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the local hosts and Azurite`);
    void Promise.allSettled([...running].map((stop) => stop())).finally(() =>
      process.exit(signal === 'SIGINT' ? 130 : 143),
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
