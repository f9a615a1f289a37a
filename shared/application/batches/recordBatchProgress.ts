import type { BatchRef, BatchStatus, DeviceBatch } from '../../domain/batches/deviceBatch';
import { TERMINAL_STATUSES } from '../../domain/batches/deviceBatch';
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
 * update writes the same values.
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
    if (TERMINAL_STATUSES.has(batch.status)) return batch;
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
    if (TERMINAL_STATUSES.has(next.status)) {
      await recordAudit(deps, 'DeviceBatchCompleted', { kind: 'system', id: 'device-batch' }, ref, {
        batchId: ref.batchId,
        status: next.status,
        total: next.total,
        registered: next.registered,
        failed: next.failed,
      });
    }
    return next;
  }
}
