import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import type { RecordProgressInput } from '../../shared/adapters/durable/batchOrchestrationContract';
import {
  BatchOrchestrationInputSchema,
  CHECK_CONSENT_ACTIVITY,
  CONSENT_GIVEN_EVENT,
  CONSENT_REVOKED_EVENT,
  ChunkResultSchema,
  DEVICE_BATCH_ORCHESTRATION,
  RECORD_PROGRESS_ACTIVITY,
  REGISTER_CHUNK_ACTIVITY,
} from '../../shared/adapters/durable/batchOrchestrationContract';

/**
 * One device batch, from submission to its final status:
 * awaiting_consent (consent raced against the deadline timer) → processing (chunks registered with
 * bounded parallelism, progress recorded after each) → finished / finished_with_errors, or expired, or
 * canceled when consent is revoked. Deterministic: time from currentUtcDateTime, all I/O in activities.
 */
export const PARALLEL_CHUNKS = 8;
const chunkRetry = new df.RetryOptions(1000, 5);
chunkRetry.backoffCoefficient = 2;
chunkRetry.maxRetryIntervalInMilliseconds = 30_000;

export const deviceBatchOrchestration: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = BatchOrchestrationInputSchema.parse(context.df.getInput());
  const ref = { tenantId: input.tenantId, partnerId: input.partnerId, batchId: input.batchId };
  const now = () => context.df.currentUtcDateTime.toISOString();
  const record = (update: Omit<RecordProgressInput, 'ref' | 'at'>) =>
    context.df.callActivity(RECORD_PROGRESS_ACTIVITY, {
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
    deadline.cancel();
  }

  const revoked = context.df.waitForExternalEvent(CONSENT_REVOKED_EVENT);
  let registered = 0;
  let failed = 0;
  const inFlight: Task[] = [];
  context.df.setCustomStatus({ status: 'processing', registered, failed });
  // Raced with the revocation so that one raised early (already in history) is seen before any chunk starts.
  if (
    (yield context.df.Task.any([record({ status: 'processing', registered, failed }), revoked])) === revoked
  ) {
    return yield* cancel();
  }

  let next = 0;
  while (next < input.chunkCount || inFlight.length > 0) {
    // Task.any settles only when a child completes after it was built: tasks (or the revocation) that
    // completed while the orchestration awaited something else are taken without waiting.
    if (revoked.isCompleted) return yield* cancel();
    while (inFlight.length < PARALLEL_CHUNKS && next < input.chunkCount) {
      inFlight.push(
        context.df.callActivityWithRetry(REGISTER_CHUNK_ACTIVITY, chunkRetry, { ref, chunkNo: next++ }),
      );
    }
    let done = inFlight.find((task) => task.isCompleted || task.isFaulted);
    if (!done) {
      done = (yield context.df.Task.any([...inFlight, revoked])) as Task;
      if (done === revoked) return yield* cancel();
    }
    inFlight.splice(inFlight.indexOf(done), 1);
    if (done.isFaulted)
      throw done.result instanceof Error
        ? done.result
        : new Error(`Chunk registration failed: ${String(done.result)}`);
    const result = ChunkResultSchema.parse(done.result);
    if (result.canceled) return yield* cancel();
    registered += result.registered;
    failed += result.failed;
    yield record({ status: 'processing', registered, failed });
    context.df.setCustomStatus({ status: 'processing', registered, failed });
  }

  const status = failed > 0 ? 'finished_with_errors' : 'finished';
  yield record({ status, registered, failed });
  context.df.setCustomStatus({ status, registered, failed });
  return { status, registered, failed };

  function* cancel() {
    // Chunks still running check consent again after claiming and give their devices back when it is
    // gone; waiting for them makes the recorded counts final.
    for (const task of inFlight) {
      try {
        const result = ChunkResultSchema.parse(yield task);
        registered += result.registered;
        failed += result.failed;
      } catch {
        // A chunk that failed registered nothing it kept.
      }
    }
    yield record({ status: 'canceled', registered, failed });
    context.df.setCustomStatus({ status: 'canceled', registered, failed });
    return { status: 'canceled', registered, failed };
  }
};

df.app.orchestration(DEVICE_BATCH_ORCHESTRATION, deviceBatchOrchestration);
