import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The line the probe prints: the bench finds it in the host's output. */
export const EVENT_LOOP_LINE = 'event-loop delay:';

/**
 * For the bench (`LOCAL_EVENT_LOOP_PROBE=true`): how long callbacks waited for this process's one event
 * loop. On each SIGUSR2 the host prints the delays seen since the previous signal (p50, p99 and max, in
 * ms) as one JSON line after {@link EVENT_LOOP_LINE}, and starts a new window. The first signal opens
 * the window the bench measures. A 10 ms sampling resolution is what Node's docs suggest as the default;
 * the histogram records how late each sample timer fired beyond it.
 */
export function reportEventLoopDelayOnSignal(): void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  process.on('SIGUSR2', () => {
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const window = {
      samples: histogram.count,
      p50Ms: ms(histogram.percentile(50)),
      p99Ms: ms(histogram.percentile(99)),
      maxMs: ms(histogram.max),
    };
    histogram.reset();
    console.log(`${EVENT_LOOP_LINE} ${JSON.stringify(window)}`);
  });
}
