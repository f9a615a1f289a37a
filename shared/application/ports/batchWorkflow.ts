import type { BatchRef } from '../../domain/batches/deviceBatch';

/** Starts and signals the durable orchestration that runs a batch. */
export interface BatchWorkflow {
  /** Starts the batch's orchestration unless it already exists (a retried submission). */
  ensureStarted(ref: BatchRef, input: { chunkCount: number; deadline: string }): Promise<void>;
  consentGiven(ref: BatchRef): Promise<void>;
  consentRevoked(ref: BatchRef): Promise<void>;
}
