/**
 * Counts work in flight so `idle()` can tell tests when nothing is runnable, and `stop()` can wait
 * for storage writes to settle (an abandoned write landing later would race the next runtime).
 */
export class WorkTracker {
  #busy = 0;
  #waiters: (() => void)[] = [];
  readonly #pending = new Set<Promise<unknown>>();

  /** Runs `work` as tracked; its failure is reported to `onError`, never thrown. */
  track(work: () => Promise<unknown>, onError: (error: unknown) => void): Promise<void> {
    this.#busy++;
    const promise = work()
      .then(
        () => undefined,
        (error: unknown) => onError(error),
      )
      .finally(() => {
        this.#pending.delete(promise);
        this.#busy--;
        if (this.#busy === 0) {
          const waiters = this.#waiters;
          this.#waiters = [];
          // Let follow-up work scheduled in the same tick register before declaring quiet.
          setImmediate(() => waiters.forEach((resolve) => resolve()));
        }
      });
    this.#pending.add(promise);
    return promise;
  }

  get busy(): number {
    return this.#busy;
  }

  whenQuiet(): Promise<void> {
    if (this.#busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }
}
