import type { ActivityMessage, EventMessage } from './messageStore';
import { WorkKeys } from './workKeys';
import { WorkTracker } from './workTracker';

/** An activity's result with the work item it answers (deleted in the same transaction). */
export interface ActivityCompletion {
  readonly result: EventMessage;
  readonly work: ActivityMessage;
}

export interface ActivityPoolOptions {
  readonly maxConcurrent: number;
  /** Runs one activity; the message reporting its outcome (TaskCompleted or TaskFailed). */
  readonly run: (work: ActivityMessage) => Promise<EventMessage>;
  /**
   * Writes a batch of one instance's completions (results put, work items removed) and returns the
   * results still wanted, which the pool then hands to `deliver`.
   */
  readonly write: (instanceId: string, completions: readonly ActivityCompletion[]) => Promise<EventMessage[]>;
  readonly deliver: (result: EventMessage) => void;
  /** Tracks result writes, which stop() waits for (a write landing later would race the next runtime). */
  readonly writes: WorkTracker;
  readonly log: (line: string) => void;
}

/** Results of one instance written per transaction at most (the table's batch limit is 100 actions). */
const COMPLETION_BATCH = 50;

/**
 * The activities of every instance, run with bounded parallelism. Each work item is known from the
 * moment it is queued until its result is written, so one delivered twice (the poll, a reload) runs
 * once; results are written in batches per instance when a fan-out completes in bursts.
 */
export class ActivityPool {
  readonly #options: ActivityPoolOptions;
  readonly #queue: ActivityMessage[] = [];
  /** Queued, running, or with a result being written. */
  readonly #known = new WorkKeys<true>();
  readonly #completions = new Map<string, ActivityCompletion[]>();
  readonly #flushing = new Set<string>();
  /** Runs are tracked apart from writes: stop() abandons them instead of waiting. */
  readonly #runs = new WorkTracker();
  #running = 0;
  #stopped = false;

  constructor(options: ActivityPoolOptions) {
    this.#options = options;
  }

  enqueue(work: ActivityMessage): void {
    if (this.#stopped || this.#known.has(work.instanceId, work.id)) return;
    this.#known.set(work.instanceId, work.id, true);
    this.#queue.push(work);
    this.#pump();
  }

  isKnown(instanceId: string, id: string): boolean {
    return this.#known.has(instanceId, id);
  }

  /** Ids of an instance's activities not finished yet (removed from storage if the instance ends). */
  outstanding(instanceId: string): string[] {
    return this.#known.idsOf(instanceId);
  }

  /** Forgets one work item: if it is still queued it will not run. */
  forget(instanceId: string, id: string): void {
    this.#known.delete(instanceId, id);
  }

  forgetInstance(instanceId: string): void {
    this.#known.deleteInstance(instanceId);
  }

  get busy(): boolean {
    return this.#queue.length > 0 || this.#running > 0 || this.#flushing.size > 0;
  }

  whenQuiet(): Promise<void> {
    return this.#runs.whenQuiet();
  }

  stop(): void {
    this.#stopped = true;
  }

  #pump(): void {
    while (!this.#stopped && this.#running < this.#options.maxConcurrent) {
      const work = this.#queue.shift();
      if (!work) return;
      // Dropped meanwhile (the instance finished or was reloaded).
      if (!this.#known.has(work.instanceId, work.id)) continue;
      this.#running++;
      void this.#runs
        .track(
          async () => {
            const result = await this.#options.run(work);
            if (!this.#stopped) this.#queueCompletion({ result, work });
          },
          (error) => this.#options.log(`durable: activity ${work.name} could not run: ${describe(error)}`),
        )
        .finally(() => {
          this.#running--;
          this.#pump();
        });
    }
  }

  #queueCompletion(completion: ActivityCompletion): void {
    const instanceId = completion.work.instanceId;
    const queue = this.#completions.get(instanceId) ?? [];
    queue.push(completion);
    this.#completions.set(instanceId, queue);
    if (this.#flushing.has(instanceId)) return;
    this.#flushing.add(instanceId);
    void this.#options.writes
      .track(
        () => this.#flush(instanceId),
        (error) => {
          // The work items stay in storage; the poll re-runs them (at-least-once).
          this.#options.log(`durable: writing activity results of ${instanceId} failed: ${describe(error)}`);
          this.#completions.delete(instanceId);
        },
      )
      .finally(() => this.#flushing.delete(instanceId));
  }

  async #flush(instanceId: string): Promise<void> {
    for (;;) {
      const queue = this.#completions.get(instanceId);
      if (!queue || queue.length === 0 || this.#stopped) {
        this.#completions.delete(instanceId);
        return;
      }
      const items = queue.splice(0, COMPLETION_BATCH);
      const wanted = await this.#options.write(instanceId, items);
      // Forgotten before delivery: the episode it triggers asks which activities are outstanding.
      for (const { work } of items) this.#known.delete(instanceId, work.id);
      for (const result of wanted) this.#options.deliver(result);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
