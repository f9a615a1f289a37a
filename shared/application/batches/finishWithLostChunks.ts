import type { BatchRef, DeviceBatch } from '../../domain/batches/deviceBatch';
import type { BatchDependencies } from './batchDependencies';
import { recordBatchProgress } from './recordBatchProgress';

/**
 * The last resort of a batch with a chunk that could be neither registered nor closed by failChunk
 * (both kept failing): rather than stay `processing` for good, the batch ends `finished_with_errors`
 * with every device it did not register counted as failed, so that its counts add up to its total.
 * That chunk's devices have no outcome written (they read failed, see unwrittenOutcome), and any key an
 * attempt claimed for them is still held; see the README's batch section.
 */
export async function finishWithLostChunks(
  deps: Pick<BatchDependencies, 'batches' | 'audit' | 'clock' | 'newId'>,
  ref: BatchRef,
  update: { readonly registered: number; readonly at: string },
): Promise<DeviceBatch> {
  const found = await deps.batches.get(ref);
  if (!found) throw new Error(`Batch ${ref.batchId} of ${ref.partnerId} for ${ref.tenantId} does not exist`);
  return recordBatchProgress(deps, ref, {
    status: 'finished_with_errors',
    registered: update.registered,
    failed: found.value.total - update.registered,
    at: update.at,
  });
}
