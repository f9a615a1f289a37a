import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { consentStatus } from '../../shared/application/batches/consentStatus';
import { recordBatchProgress } from '../../shared/application/batches/recordBatchProgress';
import { registerChunk } from '../../shared/application/batches/registerChunk';
import {
  BatchRefSchema,
  CHECK_CONSENT_ACTIVITY,
  RECORD_PROGRESS_ACTIVITY,
  REGISTER_CHUNK_ACTIVITY,
  RecordProgressInputSchema,
  RegisterChunkInputSchema,
} from '../../shared/adapters/durable/batchOrchestrationContract';
import { services } from '../../shared/compositionRoot';

/** The batch orchestration's activities: all of its I/O, each input parsed, each safe to run twice. */
export async function checkBatchConsent(input: unknown, _context: InvocationContext): Promise<string> {
  const ref = BatchRefSchema.parse(input);
  return consentStatus((await services()).deps, ref.partnerId, ref.tenantId);
}

export async function registerDeviceChunk(input: unknown, _context: InvocationContext) {
  const { ref, chunkNo } = RegisterChunkInputSchema.parse(input);
  return registerChunk((await services()).batchDeps, ref, chunkNo);
}

export async function recordProgress(input: unknown, _context: InvocationContext): Promise<string> {
  const { ref, ...update } = RecordProgressInputSchema.parse(input);
  return (await recordBatchProgress((await services()).batchDeps, ref, update)).status;
}

df.app.activity(CHECK_CONSENT_ACTIVITY, { handler: checkBatchConsent });
df.app.activity(REGISTER_CHUNK_ACTIVITY, { handler: registerDeviceChunk });
df.app.activity(RECORD_PROGRESS_ACTIVITY, { handler: recordProgress });
