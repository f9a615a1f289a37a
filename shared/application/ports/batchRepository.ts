import type { BatchRef, DeviceBatch, SubmissionRef } from '../../domain/batches/deviceBatch';
import type { DeviceOutcome, StagedDevice } from '../../domain/batches/stagedDevice';
import type { Versioned } from './versioned';

export interface BatchRepository {
  /**
   * Keyed insert: throws VersionConflict when the batchId is taken. The batch's tenant is in
   * `tenantsWithBatches` from then on, even if this fails part way (a retried submission writes it again).
   */
  create(batch: DeviceBatch): Promise<void>;
  get(ref: BatchRef): Promise<Versioned<DeviceBatch> | undefined>;
  /** Throws VersionConflict when the batch changed since `version`. */
  replace(batch: DeviceBatch, version: string): Promise<void>;
  /** Batches of this partner and tenant that have not reached a final status. */
  listOpen(tenantId: string, partnerId: string): Promise<DeviceBatch[]>;
  /** Every batch of this partner for this tenant, whatever its status (the portal's listing). */
  listByPartner(tenantId: string, partnerId: string): Promise<DeviceBatch[]>;
  /**
   * Every tenant this partner has sent batches to, with or without a relationship (so the portal finds
   * batches waiting for a consent); a tenant may be listed whose only batch was never written.
   */
  tenantsWithBatches(partnerId: string): Promise<string[]>;
}

/**
 * The devices of a submission, kept in chunks until they are registered, under the submission's batch
 * and body fingerprint: what one body stages never touches what another stages.
 */
export interface DeviceStaging {
  /** Writing the same chunks again (a retried submission) leaves them as they were. */
  writeChunks(submission: SubmissionRef, chunks: readonly (readonly StagedDevice[])[]): Promise<void>;
  readChunk(submission: SubmissionRef, chunkNo: number): Promise<StagedDevice[]>;
  /** Removes what a submission staged (one that lost its batchId to another body); idempotent. */
  discard(submission: SubmissionRef): Promise<void>;
}

export interface DeviceOutcomePage {
  readonly items: DeviceOutcome[];
  readonly continuationToken: string | null;
}

/** Per-device outcomes of a batch, one row per device, written chunk by chunk. */
export interface DeviceOutcomeStore {
  /** Idempotent: writing a chunk's outcomes again overwrites them with the same values. */
  writeChunk(ref: BatchRef, chunkNo: number, outcomes: readonly DeviceOutcome[]): Promise<void>;
  readChunk(ref: BatchRef, chunkNo: number): Promise<DeviceOutcome[]>;
  /** Removes a chunk's outcomes (its devices read as pending again); deregistration marks stay. */
  clearChunk(ref: BatchRef, chunkNo: number): Promise<void>;
  /** Records that a device of the batch was deregistered (idempotent); reads then carry `deregisteredAt`. */
  markDeregistered(ref: BatchRef, chunkNo: number, index: number, at: string): Promise<void>;
}
