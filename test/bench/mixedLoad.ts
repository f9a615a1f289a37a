import { EVENT_LOOP_LINE } from '../../infra/local/eventLoopProbe';
import type { LocalHostProcess } from '../support/localHostProcess';
import type { BenchHost, BenchScenario, Json } from './benchContext';
import type { DeviceMix } from './deviceGenerators';
import { generateDevices } from './deviceGenerators';
import { now, percentile } from './measure';

export interface MixedLoadOptions {
  /** Customers, each with one batch, all submitted at once. */
  readonly customers: number;
  readonly devicesPerCustomer: number;
  /** Partners' clients polling while the batches run, each one request at a time. */
  readonly readers: number;
  readonly mix: DeviceMix;
  /** Distinguishes this scenario's devices from every other run's in the same store. */
  readonly runId: number;
}

/** A read slower than this is given up as failed (a browser or script would have given up sooner). */
const READ_TIMEOUT_MS = 10_000;
/** The bar for one read: none may take longer. */
const SLOW_READ_MS = 2_000;
const FINAL = new Set(['finished', 'finished_with_errors', 'canceled', 'expired']);

/**
 * What a partner feels while devices register: `customers` batches submitted at once (one per
 * consented customer), while `readers` clients poll a batch's status and the customer list in turn,
 * as a status page and a script do. Reports the registration rate, each read's latency (p50, p99, max,
 * failures and reads over 2 s) and the host's event-loop delay over the same window (the host runs
 * with LOCAL_EVENT_LOOP_PROBE=true). The readers also tell when every batch is final, so no other
 * poller adds load.
 */
export async function measureMixedLoad(
  { host, api, partner, consentedTenant }: BenchHost,
  options: MixedLoadOptions,
): Promise<Json> {
  const tenants: string[] = [];
  for (let i = 0; i < options.customers; i++) tenants.push((await consentedTenant()).tenantId);
  const bodies = tenants.map((_, i) => ({
    batchId: `mixed-${options.runId}-${i}`,
    devices: generateDevices(options.devicesPerCustomer, options.mix, options.runId * 100 + i),
  }));
  const statusPath = (i: number) => `/api/v1/customers/${tenants[i]}/deviceBatches/${bodies[i]!.batchId}`;

  const reads: { ms: number; ok: boolean; kind: 'status' | 'customers'; failure?: string }[] = [];
  const lastSeen = new Map<number, Json>();
  let stop = false;
  let nextBatch = 0;
  const reader = async (id: number) => {
    for (let n = 0; !stop; n++) {
      // Half the reads are a batch's status (round robin over the batches), half the customer list.
      const kind = (id + n) % 2 === 0 ? 'status' : 'customers';
      const batch = nextBatch++ % tenants.length;
      const start = now();
      try {
        const res = await fetch(
          `${host.baseUrl}${kind === 'status' ? statusPath(batch) : '/api/v1/customers'}`,
          {
            headers: { authorization: `Bearer ${partner}` },
            signal: AbortSignal.timeout(READ_TIMEOUT_MS),
          },
        );
        const body = (await res.json()) as Json;
        // A status read of a batch not yet accepted is a 404 until its POST answers; not a failure.
        const ok = res.status === 200 || (kind === 'status' && res.status === 404 && !lastSeen.has(batch));
        reads.push({ ms: now() - start, ok, kind, ...(ok ? {} : { failure: `${res.status} ${body.code}` }) });
        if (kind === 'status' && res.status === 200) lastSeen.set(batch, body);
      } catch (error) {
        reads.push({ ms: now() - start, ok: false, kind, failure: (error as Error).name });
      }
    }
  };

  signalHost(host); // opens the event-loop window
  const readers = Array.from({ length: options.readers }, (_, id) => reader(id));
  const start = now();
  const posts = await Promise.all(
    bodies.map((body, i) =>
      api.request('POST', `/api/v1/customers/${tenants[i]}/deviceBatches`, { token: partner, json: body }),
    ),
  );
  const refused = posts.find((p) => p.status !== 202);
  if (refused) {
    stop = true;
    throw new Error(`mixed load submit: ${refused.status} ${refused.text.slice(0, 300)}`);
  }
  const submitSeconds = (now() - start) / 1000;
  const deadline = now() + 60 * 60_000;
  while ([...tenants.keys()].some((i) => !FINAL.has(lastSeen.get(i)?.status as string))) {
    if (now() > deadline) throw new Error('mixed load: batches did not finish within an hour');
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (now() - start) / 1000;
  stop = true;
  await Promise.all(readers);
  const eventLoop = await hostEventLoopWindow(host);

  const total = options.customers * options.devicesPerCustomer;
  const registered = [...lastSeen.values()].reduce((sum, b) => sum + (b.registered as number), 0);
  if (registered !== total) throw new Error(`mixed load: ${registered} of ${total} registered`);
  const latencies = reads.filter((r) => r.ok).map((r) => r.ms);
  const of = (kind: string) => reads.filter((r) => r.ok && r.kind === kind).map((r) => r.ms);
  return {
    ...options,
    devices: total,
    seconds,
    submitSeconds,
    devicesPerSecond: total / seconds,
    reads: reads.length,
    failedReads: reads.filter((r) => !r.ok).length,
    failures: countBy(reads.flatMap((r) => (r.failure ? [r.failure] : []))),
    readsOver2s: reads.filter((r) => r.ms > SLOW_READ_MS).length,
    readP50Ms: percentile(latencies, 50),
    readP99Ms: percentile(latencies, 99),
    readMaxMs: Math.max(...reads.map((r) => r.ms)),
    statusReadP99Ms: percentile(of('status'), 99),
    customerListP99Ms: percentile(of('customers'), 99),
    eventLoop,
  };
}

/**
 * The issue's load (#15): 8 customers' batches of 12,500 product keys at once, 64 readers; the short
 * run 8 × 1,000 with 16. A baseline taken just before sets the registration rate beside the storage's.
 */
export const mixedLoadScenario: BenchScenario = {
  name: 'mixedLoad',
  async run(context) {
    const options: MixedLoadOptions = context.short
      ? { customers: 8, devicesPerCustomer: 1_000, readers: 16, mix: 'pkid', runId: 500 }
      : { customers: 8, devicesPerCustomer: 12_500, readers: 64, mix: 'pkid', runId: 500 };
    const baseline = await context.baseline(10_000);
    const bench = await context.startHost();
    try {
      context.progress(
        `mixed load: ${options.customers} × ${options.devicesPerCustomer}, ${options.readers} readers`,
      );
      const result = await measureMixedLoad(bench, options);
      return {
        ...result,
        adjacentBaselineEntitiesPerSecond: baseline,
        ofAdjacentBaseline: result.devicesPerSecond / baseline,
      };
    } finally {
      await bench.host.stop();
    }
  },
  rows(r) {
    const ms = (n: unknown) => (typeof n === 'number' ? `${Math.round(n)} ms` : 'n/a');
    return [
      `| mixed load: ${r.customers} × ${r.devicesPerCustomer} devices (${r.mix}) at once, ${r.readers} readers polling batch status and the customer list | ${Math.round(r.devicesPerSecond)} devices/s (${(r.seconds as number).toFixed(1)} s); ${r.reads} reads, p50 ${ms(r.readP50Ms)}, p99 ${ms(r.readP99Ms)}, max ${ms(r.readMaxMs)}, ${r.failedReads} failed, ${r.readsOver2s} over 2 s; HTTP event-loop delay p99 ${ms(r.eventLoop?.p99Ms)}, max ${ms(r.eventLoop?.maxMs)} | ${(100 * r.ofAdjacentBaseline).toFixed(1)}% of a baseline taken just before (${Math.round(r.adjacentBaselineEntitiesPerSecond)}/s); targets: read p99 < 500 ms, none over 2 s or failed, event-loop p99 < 50 ms |`,
    ];
  },
};

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function signalHost(host: LocalHostProcess): void {
  if (host.pid === undefined) throw new Error('the local host has no pid to signal');
  process.kill(host.pid, 'SIGUSR2');
}

/** Closes the host's event-loop window and reads what it printed for it. */
async function hostEventLoopWindow(host: LocalHostProcess): Promise<Json> {
  const before = host.output().split(EVENT_LOOP_LINE).length;
  signalHost(host);
  const deadline = now() + 10_000;
  for (;;) {
    const parts = host.output().split(EVENT_LOOP_LINE);
    if (parts.length > before) return JSON.parse(parts[parts.length - 1]!.split('\n')[0]!) as Json;
    if (now() > deadline)
      throw new Error('the local host printed no event-loop delay (LOCAL_EVENT_LOOP_PROBE?)');
    await new Promise((r) => setTimeout(r, 20));
  }
}
