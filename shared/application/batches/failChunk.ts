import type { BatchRef } from '../../domain/batches/deviceBatch';
import { deviceError } from '../../domain/devices';
import type { BatchDependencies } from './batchDependencies';
import { deviceOutcome, planChunk, releaseHeld, stagedChunk } from './registerChunk';

export interface FailedChunk {
  /** Every device of the chunk: none of them stays registered. */
  readonly failed: number;
}

/**
 * Closes a chunk whose registration failed every retry, so that the batch can still finish: gives back
 * every key its devices hold for this batch (an attempt may have claimed them before it failed), then
 * writes each device as failed with `ZtdDeviceRegistrationFailed`, which tells the partner to send it
 * again. Devices refused at submission keep their own error. Safe to run again: nothing is left to give
 * back, and the outcomes are written with the same values.
 */
export async function failChunk(
  deps: Pick<BatchDependencies, 'batches' | 'staging' | 'registry' | 'outcomes' | 'clock'>,
  ref: BatchRef,
  chunkNo: number,
): Promise<FailedChunk> {
  const staged = await stagedChunk(deps, ref, chunkNo);
  // Only the batch and the index identify an owner (sameOwner); the time is not compared.
  const { refused, claims } = planChunk(staged, ref, chunkNo, deps.clock.now().toISOString());
  const failed = deviceError('ZtdDeviceRegistrationFailed');
  const outcomes = [
    ...refused,
    ...claims.map(({ staged: item, device }) => deviceOutcome(item.index, device, 'failed', failed)),
  ].sort((a, b) => a.index - b.index);

  // Given back before the outcomes say so: a device never reads failed while this batch still holds it.
  await releaseHeld(deps, claims);
  await deps.outcomes.writeChunk(ref, chunkNo, outcomes);
  return { failed: outcomes.length };
}
