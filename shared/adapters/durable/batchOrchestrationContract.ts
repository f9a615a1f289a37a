import { z } from 'zod';
import { DeviceBatchStatusSchema } from '../../domain/batches/deviceBatch';

/** Names and payloads shared by the batch orchestration, its activities and whoever signals it. */
export const DEVICE_BATCH_ORCHESTRATION = 'deviceBatchOrchestration';
export const CHECK_CONSENT_ACTIVITY = 'checkBatchConsent';
export const REGISTER_CHUNK_ACTIVITY = 'registerDeviceChunk';
export const RECORD_PROGRESS_ACTIVITY = 'recordBatchProgress';
/** Closes a chunk whose registration failed every retry: its devices given back and written failed. */
export const FAIL_CHUNK_ACTIVITY = 'failDeviceChunk';
/** The last resort when even that failed: the batch ends with every device not registered counted failed. */
export const FINISH_WITH_LOST_CHUNKS_ACTIVITY = 'finishBatchWithLostChunks';
export const CONSENT_GIVEN_EVENT = 'ConsentGiven';
export const CONSENT_REVOKED_EVENT = 'ConsentRevoked';

export const BatchRefSchema = z.strictObject({
  tenantId: z.string().min(1),
  partnerId: z.string().min(1),
  batchId: z.string().min(1),
});

export const BatchOrchestrationInputSchema = BatchRefSchema.extend({
  chunkCount: z.number().int().min(0),
  deadline: z.iso.datetime(),
});
export type BatchOrchestrationInput = z.infer<typeof BatchOrchestrationInputSchema>;

export const RegisterChunkInputSchema = z.strictObject({
  ref: BatchRefSchema,
  chunkNo: z.number().int().min(0),
});
export type RegisterChunkInput = z.infer<typeof RegisterChunkInputSchema>;

/** failDeviceChunk takes the same input as registerDeviceChunk. */
export const FailChunkInputSchema = RegisterChunkInputSchema;

export const FailedChunkSchema = z.object({
  failed: z.number().int().min(0),
});

export const FinishWithLostChunksInputSchema = z.strictObject({
  ref: BatchRefSchema,
  /** Devices the chunks that completed registered; every other device of the batch counts failed. */
  registered: z.number().int().min(0),
  at: z.iso.datetime(),
});
export type FinishWithLostChunksInput = z.infer<typeof FinishWithLostChunksInputSchema>;

export const BatchCountsSchema = z.object({
  registered: z.number().int(),
  failed: z.number().int(),
});

export const ChunkResultSchema = z.object({
  registered: z.number().int(),
  failed: z.number().int(),
  canceled: z.boolean(),
});

export const RecordProgressInputSchema = z.strictObject({
  ref: BatchRefSchema,
  status: DeviceBatchStatusSchema,
  registered: z.number().int().optional(),
  failed: z.number().int().optional(),
  at: z.iso.datetime(),
});
export type RecordProgressInput = z.infer<typeof RecordProgressInputSchema>;
