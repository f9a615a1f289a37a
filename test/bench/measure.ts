/** Small measuring tools for the benchmark: a monotonic clock, percentiles, and a peak-RSS probe. */
import { readFileSync } from 'node:fs';

export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** Peak resident memory of a process (Linux VmHWM), in MiB; undefined where /proc is not readable. */
export const peakRssMiB = (pid: number): number | undefined => statusMiB(pid, 'VmHWM');

/** Resident memory of a process now (Linux VmRSS), in MiB; undefined where /proc is not readable. */
export const rssMiB = (pid: number | undefined): number | undefined =>
  pid === undefined ? undefined : statusMiB(pid, 'VmRSS');

function statusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 20,
): Promise<T> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms; last value ${JSON.stringify(value).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** CPU time a process has used (user + system, Linux /proc), in seconds; undefined elsewhere. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;
