import { EVENT_LOOP_LINE } from '../../infra/local/eventLoopProbe';
import { TableClientFactory } from '../../shared/adapters/tables/tableClientFactory';
import type { LocalHostProcess } from '../support/localHostProcess';
import type { BenchHost, BenchScenario, Json } from './benchContext';
import type { DeviceMix } from './deviceGenerators';
import { generateDevices } from './deviceGenerators';
import { now, percentile } from './measure';
import { registerBatch } from './registerBatch';

export interface MixedLoadOptions {
  /** Customers, each with one batch, all submitted at once. */
  readonly customers: number;
  readonly devicesPerCustomer: number;
  /** Partners' clients polling while the batches run, each one request at a time. */
  readonly readers: number;
  /** A reader's mean pause between the answer to one read and its next read (0: back to back). */
  readonly pollIntervalMs: number;
  /** How long the readers run alone first, on the same host and data: the reads' own baseline. */
  readonly readersAloneMs: number;
  readonly mix: DeviceMix;
  /** Distinguishes this scenario's devices from every other run's in the same store. */
  readonly runId: number;
  /**
   * The bench's storage: a few probes read a missing entity straight from it (no host in between) at the
   * readers' pace, so each phase also says what the storage alone takes to answer a point read.
   */
  readonly storageConnectionString: string;
}

/** Probes reading storage directly, beside the readers. */
const STORAGE_PROBES = 8;

/** A read slower than this is given up as failed (a browser or script would have given up sooner). */
const READ_TIMEOUT_MS = 10_000;
/** The issue's bar for one read: none may take longer. */
const SLOW_READ_MS = 2_000;
const FINAL = new Set(['finished', 'finished_with_errors', 'canceled', 'expired']);

type Phase = 'alone' | 'registering';
interface ProbeRead {
  readonly phase: Phase;
  readonly ms: number;
}
interface Read {
  readonly phase: Phase;
  readonly at: number;
  readonly ms: number;
  readonly ok: boolean;
  readonly kind: 'status' | 'customers';
  readonly failure?: string;
}

/**
 * What a partner feels while devices register: `readers` clients poll a batch's status and the
 * customer list in turn, as a status page and a script do, first alone (the reads' baseline, on the
 * same host and data) and then while `customers` batches, submitted at once, register. For each
 * phase: read latency (p50, p99, max, failures, reads over 2 s) and the host's event-loop delay (the
 * host runs with LOCAL_EVENT_LOOP_PROBE=true); for the second, the registration rate. The readers
 * also tell when every batch is final, so no other poller adds load.
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
  // One small batch per customer first, each to `finished`: the readers alone poll these, so both
  // phases read real batches, and the host has registered before it is measured.
  for (const [i, tenantId] of tenants.entries()) {
    const warm = generateDevices(10, options.mix, options.runId * 100 + 50 + i);
    await registerBatch(api, partner, tenantId, `warm-${i}`, warm);
  }
  let phase: Phase = 'alone';
  const statusPath = (i: number) =>
    `/api/v1/customers/${tenants[i]}/deviceBatches/${phase === 'alone' ? `warm-${i}` : bodies[i]!.batchId}`;

  const reads: Read[] = [];
  const lastSeen = new Map<number, Json>();
  /** When each batch's POST was answered: a status read that began before it may rightly find no batch. */
  const acceptedAt = new Map<number, number>();
  let stop = false;
  let nextBatch = 0;
  const reader = async (id: number) => {
    for (let n = 0; !stop; n++) {
      // Pollers are not in step with one another: each starts at a random moment and waits half to one
      // and a half times the interval, as independent clients would (in step, 64 reads land together).
      if (options.pollIntervalMs > 0) {
        const pause = n === 0 ? Math.random() : 0.5 + Math.random();
        await new Promise((r) => setTimeout(r, pause * options.pollIntervalMs));
      }
      // Half the reads are a batch's status (round robin over the batches), half the customer list.
      const kind = (id + n) % 2 === 0 ? 'status' : 'customers';
      const batch = nextBatch++ % tenants.length;
      const readPhase = phase;
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
        const ok =
          res.status === 200 ||
          (kind === 'status' &&
            readPhase === 'registering' &&
            res.status === 404 &&
            !(start > (acceptedAt.get(batch) ?? Infinity)));
        reads.push({
          phase: readPhase,
          at: start,
          ms: now() - start,
          ok,
          kind,
          ...(ok ? {} : { failure: `${res.status} ${body.code}` }),
        });
        if (kind === 'status' && readPhase === 'registering' && res.status === 200) lastSeen.set(batch, body);
      } catch (error) {
        reads.push({
          phase: readPhase,
          at: start,
          ms: now() - start,
          ok: false,
          kind,
          failure: (error as Error).name,
        });
      }
    }
  };

  const probeTable = await new TableClientFactory({
    connectionString: options.storageConnectionString,
    allowInsecureHttp: true,
  }).table(`probe${options.runId}`, 'request');
  const probeReads: ProbeRead[] = [];
  const probe = async (id: number) => {
    while (!stop) {
      await new Promise((r) => setTimeout(r, (0.5 + Math.random()) * Math.max(options.pollIntervalMs, 100)));
      const probePhase = phase;
      const start = now();
      await probeTable.getEntity('probe', `missing-${id}`).catch(() => undefined);
      probeReads.push({ phase: probePhase, ms: now() - start });
    }
  };

  signalHost(host); // opens the event-loop window of the readers alone
  const readers = [
    ...Array.from({ length: options.readers }, (_, id) => reader(id)),
    ...Array.from({ length: STORAGE_PROBES }, (_, id) => probe(id)),
  ];
  const aloneStart = now();
  await new Promise((r) => setTimeout(r, options.readersAloneMs));
  const aloneSeconds = (now() - aloneStart) / 1000;
  const eventLoopAlone = await hostEventLoopWindow(host); // and opens the next
  phase = 'registering';
  const start = now();
  const posts = await Promise.all(
    bodies.map(async (body, i) => {
      const res = await api.request('POST', `/api/v1/customers/${tenants[i]}/deviceBatches`, {
        token: partner,
        json: body,
      });
      acceptedAt.set(i, now());
      return res;
    }),
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
  return {
    ...options,
    devices: total,
    seconds,
    submitSeconds,
    devicesPerSecond: total / seconds,
    readersAlone: {
      storagePointRead: probeFigures(probeReads, 'alone'),
      ...readFigures(
        reads.filter((r) => r.phase === 'alone'),
        aloneStart,
        aloneSeconds,
      ),
      eventLoop: eventLoopAlone,
    },
    registering: {
      storagePointRead: probeFigures(probeReads, 'registering'),
      ...readFigures(
        reads.filter((r) => r.phase === 'registering'),
        start,
        seconds,
      ),
      eventLoop,
    },
  };
}

/** Latency figures of one phase's reads; `from` is the phase's start, for when the slowest began. */
function readFigures(reads: readonly Read[], from: number, seconds: number): Json {
  const latencies = reads.filter((r) => r.ok).map((r) => r.ms);
  const of = (kind: string) => reads.filter((r) => r.ok && r.kind === kind).map((r) => r.ms);
  return {
    reads: reads.length,
    readsPerSecond: reads.length / seconds,
    failedReads: reads.filter((r) => !r.ok).length,
    failures: countBy(reads.flatMap((r) => (r.failure ? [r.failure] : []))),
    readsOver2s: reads.filter((r) => r.ms > SLOW_READ_MS).length,
    /** When the slowest reads began, in seconds from the phase's start. */
    slowestReadsAtSeconds: [...reads]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((r) => Math.round((r.at - from) / 100) / 10),
    /** The slowest read begun in each second of the phase: when reads were slow. */
    slowestBySecond: slowestBySecond(reads, from),
    readP50Ms: percentile(latencies, 50),
    readP99Ms: percentile(latencies, 99),
    readMaxMs: Math.max(...reads.map((r) => r.ms)),
    statusReadP99Ms: percentile(of('status'), 99),
    customerListP99Ms: percentile(of('customers'), 99),
  };
}

/**
 * The issue's load (#15): 8 customers' batches of 12,500 product keys at once and 64 readers, in two
 * forms: readers that poll (250 ms between an answer and the next read, as a status page or a script
 * does; the targets are for this one) and readers back to back (each sends its next read the moment
 * the last is answered: the most this host can be asked, a stress figure). The short run: 8 × 1,000
 * with 16 polling readers. A storage baseline taken just before sets the registration rate beside
 * the storage's.
 */
export const mixedLoadScenario: BenchScenario = {
  name: 'mixedLoad',
  async run(context) {
    const common = {
      customers: 8,
      mix: 'pkid',
      readersAloneMs: context.short ? 2_000 : 5_000,
      storageConnectionString: context.connectionString,
    } as const;
    const variants: MixedLoadOptions[] = context.short
      ? [{ ...common, devicesPerCustomer: 1_000, readers: 16, pollIntervalMs: 250, runId: 500 }]
      : [
          { ...common, devicesPerCustomer: 12_500, readers: 64, pollIntervalMs: 250, runId: 500 },
          { ...common, devicesPerCustomer: 12_500, readers: 64, pollIntervalMs: 0, runId: 501 },
        ];
    const results: Json[] = [];
    for (const options of variants) {
      const baseline = await context.baseline(10_000);
      const bench = await context.startHost();
      try {
        context.progress(
          `mixed load: ${options.customers} × ${options.devicesPerCustomer}, ${options.readers} readers every ${options.pollIntervalMs} ms`,
        );
        const result = await measureMixedLoad(bench, options);
        results.push({
          ...result,
          adjacentBaselineEntitiesPerSecond: baseline,
          ofAdjacentBaseline: result.devicesPerSecond / baseline,
        });
      } finally {
        await bench.host.stop();
        await context.dropEveryTable();
      }
    }
    return { variants: results };
  },
  rows(r) {
    const ms = (n: unknown) => (typeof n === 'number' ? `${Math.round(n)} ms` : 'n/a');
    const reads = (x: Json) =>
      `${x.reads} reads (${Math.round(x.readsPerSecond)}/s), p50 ${ms(x.readP50Ms)}, p99 ${ms(x.readP99Ms)}, max ${ms(x.readMaxMs)}, ${x.failedReads} failed, ${x.readsOver2s} over 2 s; HTTP event-loop delay p99 ${ms(x.eventLoop?.p99Ms)}, max ${ms(x.eventLoop?.maxMs)}; a point read straight to storage meanwhile p50 ${ms(x.storagePointRead?.p50Ms)}, p99 ${ms(x.storagePointRead?.p99Ms)}, max ${ms(x.storagePointRead?.maxMs)}`;
    return (r.variants as Json[]).flatMap((v) => {
      const who = `${v.readers} readers ${v.pollIntervalMs ? `polling (${v.pollIntervalMs} ms between reads)` : 'back to back'}`;
      return [
        `| mixed load, ${who}, alone (${v.readersAloneMs / 1000} s, no registration) | ${reads(v.readersAlone)} | the reads' baseline |`,
        `| mixed load, ${who}, while ${v.customers} × ${v.devicesPerCustomer} devices (${v.mix}) register at once | ${Math.round(v.devicesPerSecond)} devices/s (${(v.seconds as number).toFixed(1)} s); ${reads(v.registering)} | ${(100 * v.ofAdjacentBaseline).toFixed(1)}% of a storage baseline taken just before (${Math.round(v.adjacentBaselineEntitiesPerSecond)}/s); targets: read p99 < 500 ms, none over 2 s or failed, event-loop p99 < 50 ms |`,
      ];
    });
  },
};

function probeFigures(reads: readonly ProbeRead[], phase: Phase): Json {
  const ms = reads.filter((r) => r.phase === phase).map((r) => r.ms);
  return { reads: ms.length, p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99), maxMs: Math.max(...ms) };
}

function slowestBySecond(reads: readonly Read[], from: number): number[] {
  const slowest: number[] = [];
  for (const r of reads) {
    const second = Math.floor((r.at - from) / 1000);
    slowest[second] = Math.max(slowest[second] ?? 0, Math.round(r.ms));
  }
  return Array.from(slowest, (ms) => ms ?? 0);
}

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
