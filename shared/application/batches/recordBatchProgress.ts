import type { BatchRef, BatchStatus, DeviceBatch } from '../../domain/batches/deviceBatch';
import { TERMINAL_STATUSES, batchFactId } from '../../domain/batches/deviceBatch';
import { recordAudit } from '../audit/recordAudit';
import { VersionConflict } from '../ports/versioned';
import type { BatchDependencies } from './batchDependencies';

export interface BatchProgressUpdate {
  readonly status: BatchStatus;
  readonly registered?: number;
  readonly failed?: number;
  /** Times come from the orchestration (its replay-safe clock), not from the activity. */
  readonly at: string;
}

/**
 * Writes what the orchestration reports. A batch in a final status stays there, and replaying the same
 * update writes the same values. The completion is audited once per batch, and also when the batch is
 * already final: a crash between the final write and the audit is completed by the activity's retry,
 * which finds the batch final (before, that retry returned early and the completion was never recorded).
 */
export async function recordBatchProgress(
  deps: Pick<BatchDependencies, 'batches' | 'audit' | 'clock' | 'newId'>,
  ref: BatchRef,
  update: BatchProgressUpdate,
): Promise<DeviceBatch> {
  for (let attempt = 1; ; attempt++) {
    const found = await deps.batches.get(ref);
    if (!found)
      throw new Error(`Batch ${ref.batchId} of ${ref.partnerId} for ${ref.tenantId} does not exist`);
    const batch = found.value;
    if (TERMINAL_STATUSES.has(batch.status)) {
      await recordCompletion(deps, ref, batch);
      return batch;
    }
    const registered = update.registered ?? batch.registered;
    const failed = update.failed ?? batch.failed;
    const next: DeviceBatch = {
      ...batch,
      status: update.status,
      registered,
      failed,
      processed: registered + failed,
      startedAt: batch.startedAt ?? (update.status === 'processing' ? update.at : null),
      completedAt: TERMINAL_STATUSES.has(update.status) ? update.at : null,
    };
    try {
      await deps.batches.replace(next, found.version);
    } catch (error) {
      if (error instanceof VersionConflict && attempt < 8) continue;
      throw error;
    }
    if (TERMINAL_STATUSES.has(next.status)) await recordCompletion(deps, ref, next);
    return next;
  }
}

/** `DeviceBatchCompleted` with the final counts, once per batch however often it is recorded. */
async function recordCompletion(
  deps: Pick<BatchDependencies, 'audit' | 'clock' | 'newId'>,
  ref: BatchRef,
  batch: DeviceBatch,
): Promise<void> {
  await recordAudit(
    deps,
    'DeviceBatchCompleted',
    { kind: 'system', id: 'device-batch' },
    ref,
    {
      batchId: ref.batchId,
      status: batch.status,
      total: batch.total,
      registered: batch.registered,
      failed: batch.failed,
    },
    // The batch's own ID and completion time: a retry appends the same event, which the log keeps once.
    { id: `device-batch-completed-${batchFactId(ref)}`, at: batch.completedAt ?? batch.createdAt },
  );
}
