import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import type {
  FinishWithLostChunksInput,
  RecordProgressInput,
  RegisterChunkInput,
} from '../../shared/adapters/durable/batchOrchestrationContract';
import {
  BatchCountsSchema,
  BatchOrchestrationInputSchema,
  CHECK_CONSENT_ACTIVITY,
  CONSENT_GIVEN_EVENT,
  CONSENT_REVOKED_EVENT,
  ChunkResultSchema,
  DEVICE_BATCH_ORCHESTRATION,
  FAIL_CHUNK_ACTIVITY,
  FINISH_WITH_LOST_CHUNKS_ACTIVITY,
  FailedChunkSchema,
  RECORD_PROGRESS_ACTIVITY,
  REGISTER_CHUNK_ACTIVITY,
} from '../../shared/adapters/durable/batchOrchestrationContract';

/**
 * One device batch, from submission to its final status:
 * awaiting_consent (consent raced against the deadline timer) → processing (chunks registered with
 * bounded parallelism, progress recorded after each once the next chunk has its slot) → finished /
 * finished_with_errors, or expired, or canceled when consent is revoked. A chunk that fails every
 * retry is closed by failDeviceChunk (its devices given back and written failed), so the batch still
 * reaches a final status.
 * Deterministic: time from currentUtcDateTime, all I/O in activities.
 */
export const PARALLEL_CHUNKS = 8;
const chunkRetry = new df.RetryOptions(1000, 5);
chunkRetry.backoffCoefficient = 2;
chunkRetry.maxRetryIntervalInMilliseconds = 30_000;
/**
 * Patient (attempts over about ten minutes, and the library waits one more interval before it gives
 * up): a chunk left unclosed leaves the batch without its devices' outcomes.
 */
const failChunkRetry = new df.RetryOptions(5000, 8);
failChunkRetry.backoffCoefficient = 2;
failChunkRetry.maxRetryIntervalInMilliseconds = 300_000;
/** A record that failed once would otherwise fail the orchestration and leave the batch where it was. */
const recordRetry = new df.RetryOptions(1000, 5);
recordRetry.backoffCoefficient = 2;
recordRetry.maxRetryIntervalInMilliseconds = 30_000;

interface RunningChunk {
  readonly chunkNo: number;
  readonly task: Task;
}

interface Counts {
  readonly registered: number;
  readonly failed: number;
}

export const deviceBatchOrchestration: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = BatchOrchestrationInputSchema.parse(context.df.getInput());
  const ref = { tenantId: input.tenantId, partnerId: input.partnerId, batchId: input.batchId };
  const now = () => context.df.currentUtcDateTime.toISOString();
  const record = (update: Omit<RecordProgressInput, 'ref' | 'at'>) =>
    context.df.callActivityWithRetry(RECORD_PROGRESS_ACTIVITY, recordRetry, {
      ref,
      at: now(),
      ...update,
    } satisfies RecordProgressInput);

  const consent = (yield context.df.callActivity(CHECK_CONSENT_ACTIVITY, ref)) as string;
  if (consent !== 'active') {
    context.df.setCustomStatus({ status: 'awaiting_consent' });
    yield record({ status: 'awaiting_consent' });
    const given = context.df.waitForExternalEvent(CONSENT_GIVEN_EVENT);
    const deadline = context.df.createTimer(new Date(input.deadline));
    const winner = (yield context.df.Task.any([given, deadline])) as Task;
    if (winner === deadline) {
      yield record({ status: 'expired' });
      context.df.setCustomStatus({ status: 'expired' });
      return { status: 'expired' };
    }
    // The deadline is never canceled. At 14 days it is a long timer (replay schema V3: 3-day
    // sub-timers past 6 days); canceling one only stops the extension's sub-timer loop, while the
    // library still adds a sub-timer when the one in flight fires, so every later sequence number
    // would be one apart and a progress record's completion would be lost. Left running, its
    // sub-timers fire harmlessly until the batch ends (an ended instance drops them).
  }

  const revoked = context.df.waitForExternalEvent(CONSENT_REVOKED_EVENT);
  let registered = 0;
  let failed = 0;
  /** Chunks that could be neither registered nor closed: their devices are in neither count. */
  let lostChunks = 0;
  const inFlight: RunningChunk[] = [];
  context.df.setCustomStatus({ status: 'processing', registered, failed });
  // Raced with the revocation so that one raised early (already in history) is seen before any chunk starts.
  if (
    (yield context.df.Task.any([record({ status: 'processing', registered, failed }), revoked])) === revoked
  ) {
    return yield* cancel();
  }

  let next = 0;
  /**
   * Fills every free slot, unless consent was revoked (the chunks running then are only waited for).
   * Returns the tasks it started: a task is scheduled only once it is yielded (see `alongside`).
   */
  const startChunks = (): Task[] => {
    const started: Task[] = [];
    while (!revoked.isCompleted && inFlight.length < PARALLEL_CHUNKS && next < input.chunkCount) {
      const chunkNo = next++;
      const task = context.df.callActivityWithRetry(REGISTER_CHUNK_ACTIVITY, chunkRetry, {
        ref,
        chunkNo,
      } satisfies RegisterChunkInput);
      inFlight.push({ chunkNo, task });
      started.push(task);
    }
    return started;
  };

  startChunks();
  while (inFlight.length > 0) {
    // Task.any settles only when a child completes after it was built: tasks (or the revocation) that
    // completed while the orchestration awaited something else are taken without waiting.
    if (revoked.isCompleted) return yield* cancel();
    let done = inFlight.find(({ task }) => task.isCompleted || task.isFaulted);
    if (!done) {
      const winner = (yield context.df.Task.any([...inFlight.map(({ task }) => task), revoked])) as Task;
      if (winner === revoked) return yield* cancel();
      done = inFlight.find(({ task }) => task === winner)!;
    }
    inFlight.splice(inFlight.indexOf(done), 1);
    let counts: Counts | undefined;
    let started: Task[] = [];
    if (done.task.isFaulted) {
      // The freed slot goes to the next chunk before this one is closed.
      counts = yield* closeFailedChunk(done.chunkNo, startChunks());
      if (!counts) lostChunks++;
    } else {
      const result = ChunkResultSchema.parse(done.task.result);
      if (result.canceled) return yield* cancel();
      // The freed slot goes to the next chunk before the progress record, not after it.
      started = startChunks();
      counts = result;
    }
    registered += counts?.registered ?? 0;
    failed += counts?.failed ?? 0;
    // Records go one at a time, in order: the counts they carry only grow.
    yield* alongside(started, record({ status: 'processing', registered, failed }));
    context.df.setCustomStatus({ status: 'processing', registered, failed });
  }

  if (lostChunks > 0) {
    const final = BatchCountsSchema.parse(
      yield context.df.callActivityWithRetry(FINISH_WITH_LOST_CHUNKS_ACTIVITY, recordRetry, {
        ref,
        registered,
        at: now(),
      } satisfies FinishWithLostChunksInput),
    );
    const status = 'finished_with_errors';
    context.df.setCustomStatus({ status, ...final });
    return { status, ...final };
  }
  const status = failed > 0 ? 'finished_with_errors' : 'finished';
  yield record({ status, registered, failed });
  context.df.setCustomStatus({ status, registered, failed });
  return { status, registered, failed };

  /**
   * Waits for `task`, scheduling the chunks just `started` with it. An activity is scheduled only when
   * the orchestrator yields its task, so yielding `task` alone would leave their slots idle until the
   * next wait for chunks.
   */
  function* alongside(started: readonly Task[], task: Task): Generator<Task, unknown, unknown> {
    // Settles with whichever finishes first; a chunk that does is taken by the main loop later.
    if (started.length > 0) yield context.df.Task.any([...started, task]);
    return yield task;
  }

  /**
   * Gives a chunk that failed every retry back and writes its devices failed; their count, or nothing
   * when even that failed every retry (the chunk is then lost: see finishWithLostChunks).
   */
  function* closeFailedChunk(
    chunkNo: number,
    started: readonly Task[] = [],
  ): Generator<Task, Counts | undefined, unknown> {
    try {
      const closing = context.df.callActivityWithRetry(FAIL_CHUNK_ACTIVITY, failChunkRetry, {
        ref,
        chunkNo,
      } satisfies RegisterChunkInput);
      const { failed: chunkFailed } = FailedChunkSchema.parse(yield* alongside(started, closing));
      return { registered: 0, failed: chunkFailed };
    } catch {
      return undefined;
    }
  }

  function* cancel() {
    // Chunks still running check consent again after claiming and give their devices back when it is
    // gone; waiting for them makes the recorded counts final. One that failed every retry may still
    // hold keys it claimed before consent went, so it is closed like any failed chunk.
    for (const { chunkNo, task } of inFlight) {
      let counts: Counts | undefined;
      try {
        counts = ChunkResultSchema.parse(yield task);
      } catch {
        counts = yield* closeFailedChunk(chunkNo);
      }
      registered += counts?.registered ?? 0;
      failed += counts?.failed ?? 0;
    }
    yield record({ status: 'canceled', registered, failed });
    context.df.setCustomStatus({ status: 'canceled', registered, failed });
    return { status: 'canceled', registered, failed };
  }
};

df.app.orchestration(DEVICE_BATCH_ORCHESTRATION, deviceBatchOrchestration);
