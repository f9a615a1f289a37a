import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { consentStatus } from '../../shared/application/batches/consentStatus';
import { failChunk } from '../../shared/application/batches/failChunk';
import { finishWithLostChunks } from '../../shared/application/batches/finishWithLostChunks';
import { recordBatchProgress } from '../../shared/application/batches/recordBatchProgress';
import { registerChunk } from '../../shared/application/batches/registerChunk';
import {
  BatchRefSchema,
  CHECK_CONSENT_ACTIVITY,
  FAIL_CHUNK_ACTIVITY,
  FINISH_WITH_LOST_CHUNKS_ACTIVITY,
  FailChunkInputSchema,
  FinishWithLostChunksInputSchema,
  RECORD_PROGRESS_ACTIVITY,
  REGISTER_CHUNK_ACTIVITY,
  RecordProgressInputSchema,
  RegisterChunkInputSchema,
} from '../../shared/adapters/durable/batchOrchestrationContract';
import { services } from '../../shared/compositionRoot';

/** The batch orchestration's activities: all of its I/O, each input parsed, each safe to run twice. */
export async function checkBatchConsent(input: unknown, _context: InvocationContext): Promise<string> {
  const ref = BatchRefSchema.parse(input);
  return consentStatus((await services()).background.deps, ref.partnerId, ref.tenantId);
}

export async function registerDeviceChunk(input: unknown, _context: InvocationContext) {
  const { ref, chunkNo } = RegisterChunkInputSchema.parse(input);
  return registerChunk((await services()).background.batchDeps, ref, chunkNo);
}

export async function recordProgress(input: unknown, _context: InvocationContext): Promise<string> {
  const { ref, ...update } = RecordProgressInputSchema.parse(input);
  return (await recordBatchProgress((await services()).background.batchDeps, ref, update)).status;
}

export async function failDeviceChunk(input: unknown, _context: InvocationContext) {
  const { ref, chunkNo } = FailChunkInputSchema.parse(input);
  return failChunk((await services()).background.batchDeps, ref, chunkNo);
}

export async function finishBatchWithLostChunks(input: unknown, _context: InvocationContext) {
  const { ref, ...update } = FinishWithLostChunksInputSchema.parse(input);
  const batch = await finishWithLostChunks((await services()).background.batchDeps, ref, update);
  return { registered: batch.registered, failed: batch.failed };
}

df.app.activity(CHECK_CONSENT_ACTIVITY, { handler: checkBatchConsent });
df.app.activity(REGISTER_CHUNK_ACTIVITY, { handler: registerDeviceChunk });
df.app.activity(RECORD_PROGRESS_ACTIVITY, { handler: recordProgress });
df.app.activity(FAIL_CHUNK_ACTIVITY, { handler: failDeviceChunk });
df.app.activity(FINISH_WITH_LOST_CHUNKS_ACTIVITY, { handler: finishBatchWithLostChunks });
