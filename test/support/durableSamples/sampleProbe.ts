import type { TableClient } from '@azure/data-tables';

/**
 * What the sample activities report to the tests: attempt counts and observed concurrency. One
 * object per jest test file (jest gives every file its own module registry).
 */
export const sampleProbe = {
  running: 0,
  maxRunning: 0,
  attempts: new Map<string, number>(),
  /** Where `writeItem` records its side effect, one row per item. */
  sideEffects: undefined as { table: TableClient; runId: string } | undefined,
  /** Delay of `writeItem`, so a runtime can be stopped in the middle of a fan-out. */
  writeDelayMs: 0,
  reset(): void {
    this.running = 0;
    this.maxRunning = 0;
    this.attempts.clear();
    this.sideEffects = undefined;
    this.writeDelayMs = 0;
  },
  countAttempt(key: string): number {
    const count = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, count);
    return count;
  },
};
