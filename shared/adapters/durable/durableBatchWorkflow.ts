import type { DurableClient } from 'durable-functions';
import type { BatchWorkflow } from '../../application/ports/batchWorkflow';
import type { BatchRef } from '../../domain/batches/deviceBatch';
import { batchInstanceId } from '../../domain/batches/deviceBatch';
import type { BatchOrchestrationInput } from './batchOrchestrationContract';
import {
  CONSENT_GIVEN_EVENT,
  CONSENT_REVOKED_EVENT,
  DEVICE_BATCH_ORCHESTRATION,
} from './batchOrchestrationContract';

/** The batch workflow through the standard durable client, whichever engine serves it. */
export function durableBatchWorkflow(client: DurableClient): BatchWorkflow {
  const raise = async (ref: BatchRef, event: string) => {
    try {
      await client.raiseEvent(batchInstanceId(ref), event, { at: new Date().toISOString() });
    } catch (error) {
      // A batch that already finished (or never started) has nobody left to tell.
      if (!isGoneOrMissing(error)) throw error;
    }
  };
  return {
    async ensureStarted(ref, input) {
      const instanceId = batchInstanceId(ref);
      const status = await client.getStatus(instanceId).catch((error: unknown) => {
        if (isGoneOrMissing(error)) return undefined;
        throw error;
      });
      if (status?.runtimeStatus) return;
      const orchestrationInput: BatchOrchestrationInput = { ...pickRef(ref), ...input };
      await client.startNew(DEVICE_BATCH_ORCHESTRATION, { instanceId, input: orchestrationInput });
    },
    consentGiven: (ref) => raise(ref, CONSENT_GIVEN_EVENT),
    consentRevoked: (ref) => raise(ref, CONSENT_REVOKED_EVENT),
  };
}

const pickRef = (ref: BatchRef): BatchRef => ({
  tenantId: ref.tenantId,
  partnerId: ref.partnerId,
  batchId: ref.batchId,
});

function isGoneOrMissing(error: unknown): boolean {
  const text = error instanceof Error ? error.message : '';
  // The durable client reports HTTP outcomes only in its messages; 404 and 410 are the two it names.
  return /\b(404|410)\b|not found|already completed/i.test(text);
}
