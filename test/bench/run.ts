import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAzurite } from '../../infra/local/azurite';
import { ApiClient } from '../support/apiClient';
import { startLocalHostProcess } from '../support/localHostProcess';
import type { DeviceMix } from './deviceGenerators';
import { generateDevices } from './deviceGenerators';
import { median, now, peakRssMiB, percentile, poll } from './measure';
import { measureStorageBaseline } from './storageBaseline';

/**
 * `npm run bench` (or `-- --short` for CI): registration throughput against Azurite's raw write rate
 * measured in the same run, consent-to-run latency, validate throughput, the host's peak memory, and
 * the cold start of the entry point against @azure/functions alone. Prints a table and a JSON line.
 */
type Json = Record<string, any>;

const short = process.argv.includes('--short');
const SIZES: { devices: number; mix: DeviceMix }[] = short
  ? [
      { devices: 5_000, mix: 'pkid' },
      { devices: 3_000, mix: 'mixed' },
    ]
  : [
      { devices: 20_000, mix: 'pkid' },
      { devices: 20_000, mix: 'tuple' },
      { devices: 20_000, mix: 'hash' },
      { devices: 20_000, mix: 'mixed' },
      { devices: 100_000, mix: 'pkid' },
      { devices: 100_000, mix: 'mixed' },
    ];
const CONSENT_RUNS = short ? 10 : 50;
const VALIDATE_DEVICES = short ? 2_000 : 10_000;
const BASELINE_ENTITIES = short ? 10_000 : 100_000;
const SERVICE_PARALLEL_TRANSACTIONS = 40;

const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const azurite = await startAzurite();
  process.env.TEST_STORAGE_CONNECTION = azurite.connectionString;
  progress(`Azurite on ${azurite.tablePort}`);
  const host = await startLocalHostProcess();
  progress(`host at ${host.baseUrl}`);
  const api = new ApiClient(host.baseUrl);
  const results: Json = { machine: machine(), short, at: new Date().toISOString() };
  try {
    const partner = await api.partnerToken('contoso-direct');
    results.baselineEntitiesPerSecond = await measureStorageBaseline(
      azurite.connectionString,
      BASELINE_ENTITIES,
      SERVICE_PARALLEL_TRANSACTIONS,
    );

    const registration: Json[] = [];
    results.registration = registration;
    progress(`baseline ${Math.round(results.baselineEntitiesPerSecond as number)} entities/s`);
    let runId = 1;
    for (const size of SIZES) {
      const tenant = await consentedTenant(api, partner);
      const devices = generateDevices(size.devices, size.mix, runId++);
      const batchId = `bench-${size.mix}-${size.devices}`;
      progress(`registering ${size.devices} ${size.mix}`);
      const start = now();
      const res = await api.request<Json>('POST', `/api/v1/customers/${tenant.tenantId}/deviceBatches`, {
        token: partner,
        json: { batchId, devices },
      });
      if (res.status !== 202) throw new Error(`submit: ${res.status} ${res.text.slice(0, 300)}`);
      const done = await poll(
        async () =>
          (
            await api.request<Json>('GET', `/api/v1/customers/${tenant.tenantId}/deviceBatches/${batchId}`, {
              token: partner,
            })
          ).body,
        (b) => ['finished', 'finished_with_errors', 'canceled', 'expired'].includes(b.status as string),
        30 * 60_000,
        100,
      );
      const seconds = (now() - start) / 1000;
      if (done.status !== 'finished' || done.registered !== size.devices)
        throw new Error(`batch ended ${JSON.stringify(done)}`);
      const perSecond = size.devices / seconds;
      registration.push({
        ...size,
        seconds,
        devicesPerSecond: perSecond,
        ofBaseline: perSecond / results.baselineEntitiesPerSecond,
      });
    }
    results.peakHostRssMiB = host.pid ? peakRssMiB(host.pid) : undefined;
    results.consentToRun = await consentLatency(api, partner);
    results.validate = await validateThroughput(api, partner);
  } finally {
    await host.stop();
    await azurite.stop();
  }
  results.coldStart = coldStart();
  report(results);
}

async function consentedTenant(api: ApiClient, partner: string) {
  const tenant = await api.newTenant();
  const invitation = await api.request<Json>('POST', '/api/v1/invitations', {
    token: partner,
    json: { kind: 'reseller-relationship' },
  });
  const accepted = await api.request('POST', invitation.body.url as string, {
    token: await api.userToken(tenant.admin),
    form: { consent: 'yes' },
    headers: { accept: 'application/json' },
  });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status}`);
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
    const invitation = await api.request<Json>('POST', '/api/v1/invitations', {
      token: partner,
      json: { kind: 'reseller-relationship' },
    });
    const adminToken = await api.userToken(tenant.admin);
    await api.request('POST', invitation.body.url as string, {
      token: adminToken,
      form: { consent: 'yes' },
      headers: { accept: 'application/json' },
    });
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

/** Load time of a module in a fresh process, median of several runs (Node's own start-up excluded). */
function coldStart(): Json {
  const root = path.resolve(__dirname, '../../..');
  const load = (script: string) => {
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) {
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
      samples.push(Number(out.stdout.trim().split('\n').pop()));
    }
    return median(samples);
  };
  const functionsAlone = load("require('@azure/functions')");
  const entryPoint = load(
    "require('./dist/infra/local/functionsCore/installFunctionsCore').installFunctionsCore();require('./dist/functions/index')",
  );
  return { azureFunctionsMs: functionsAlone, entryPointMs: entryPoint, ratio: entryPoint / functionsAlone };
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
  const fmt = (n: unknown, digits = 0) => (typeof n === 'number' ? n.toFixed(digits) : String(n));
  const lines = [
    `Benchmark (${r.short ? 'short' : 'full'}) on ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}`,
    '',
    `| measure | value | against |`,
    `|---|---|---|`,
    `| storage baseline (Azurite, 100-entity transactions, ${SERVICE_PARALLEL_TRANSACTIONS} in flight) | ${fmt(r.baselineEntitiesPerSecond)} entities/s | |`,
    ...(r.registration as Json[]).map(
      (x) =>
        `| register ${x.devices} devices (${x.mix}), POST to finished | ${fmt(x.devicesPerSecond)} devices/s (${fmt(x.seconds, 1)} s) | ${fmt(100 * x.ofBaseline, 1)}% of baseline (target ≥ 40%) |`,
    ),
    `| consent to run, ${r.consentToRun.runs} runs | p50 ${fmt(r.consentToRun.p50Ms)} ms, p95 ${fmt(r.consentToRun.p95Ms)} ms | target p95 < 1000 ms |`,
    `| validate ${r.validate.devices} devices | ${fmt(r.validate.devicesPerSecond)} devices/s (${fmt(r.validate.medianMs)} ms) | |`,
    `| peak memory of the local host | ${fmt(r.peakHostRssMiB)} MiB | target < 1024 MiB |`,
    `| cold start: entry point vs @azure/functions alone | ${fmt(r.coldStart.entryPointMs)} ms vs ${fmt(r.coldStart.azureFunctionsMs)} ms | ${fmt(r.coldStart.ratio, 2)}× (target < 3×) |`,
  ];
  const table = lines.join('\n');
  console.log(table);
  console.log(JSON.stringify(r));
  const dir = path.resolve(__dirname, '../../../test/bench/results');
  mkdirSync(dir, { recursive: true });
  const name = `${r.short ? 'short' : 'full'}-${(r.at as string).slice(0, 10)}`;
  writeFileSync(path.join(dir, `${name}.md`), `${table}\n`);
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(r, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
