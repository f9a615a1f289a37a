import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * A partner's submission of devices for one customer tenant, identified by the partner's batchId. Its
 * statuses are listed here once: the API's contract, the orchestration's progress input and the portal
 * read this schema.
 */
export const DeviceBatchStatusSchema = z.enum([
  'queued',
  'awaiting_consent',
  'processing',
  'finished',
  'finished_with_errors',
  'expired',
  'canceled',
]);
export type BatchStatus = z.infer<typeof DeviceBatchStatusSchema>;
export const BATCH_STATUSES = DeviceBatchStatusSchema.options;

export const TERMINAL_STATUSES: ReadonlySet<BatchStatus> = new Set([
  'finished',
  'finished_with_errors',
  'expired',
  'canceled',
]);

export interface BatchRef {
  readonly tenantId: string;
  readonly partnerId: string;
  readonly batchId: string;
}

export interface DeviceBatch extends BatchRef {
  readonly status: BatchStatus;
  readonly total: number;
  /** Devices refused before registration (malformed, duplicated in the submission). */
  readonly prefailed: number;
  readonly registered: number;
  readonly failed: number;
  /** Devices whose outcome is known (registered or failed), for progress. */
  readonly processed: number;
  readonly chunkCount: number;
  /** SHA-256 of the submitted devices: the same batchId with another body is a conflict. */
  readonly fingerprint: string;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly consentDeadline: string;
}

/**
 * Where a submission's devices are staged: its batch and the fingerprint of its body. Two bodies sent
 * under one batchId at once stage side by side; the batch row's fingerprint names the one that is the
 * batch.
 */
export type SubmissionRef = BatchRef & Pick<DeviceBatch, 'fingerprint'>;

export const batchProgress = (batch: Pick<DeviceBatch, 'processed' | 'total' | 'status'>): number => {
  if (batch.status === 'finished' || batch.status === 'finished_with_errors') return 100;
  return batch.total === 0 ? 0 : Math.floor((100 * batch.processed) / batch.total);
};

/**
 * The durable orchestration instance of a batch: one per (tenant, partner, batchId), so a retry finds it.
 * Every part but the last carries its length, so that no two refs share an ID: joined by hyphens alone,
 * partner `contoso` with batch `direct-b1` and partner `contoso-direct` with batch `b1` were one
 * instance. The parts hold letters, digits, '.', '_' and '-' only, so the ID stays a valid durable
 * instance ID (no '/', '\\', '#', '?' or control characters).
 */
export const batchInstanceId = (ref: BatchRef): string =>
  `batch-${ref.tenantId.length}-${ref.tenantId}-${ref.partnerId.length}-${ref.partnerId}-${ref.batchId}`;

/**
 * A short ID for facts about a batch (its audit events): a hash of the unambiguous instance ID, so that
 * two batches never share one and the audit log's RowKey stays within its characters.
 */
export const batchFactId = (ref: BatchRef): string =>
  createHash('sha256').update(batchInstanceId(ref)).digest('hex').slice(0, 32);
