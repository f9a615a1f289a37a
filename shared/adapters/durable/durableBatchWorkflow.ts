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
  const statusOrNothing = (instanceId: string) =>
    client.getStatus(instanceId).catch((error: unknown) => {
      if (durableClientFailure(error) === 'noInstance') return undefined;
      throw error;
    });
  const raiseTo = async (instanceId: string, event: string): Promise<'sent' | 'noInstance'> => {
    try {
      // A finished instance answers 410, which the client takes as done.
      await client.raiseEvent(instanceId, event, { at: new Date().toISOString() });
      return 'sent';
    } catch (error) {
      if (durableClientFailure(error) !== 'noInstance') throw error;
      return 'noInstance';
    }
  };
  // No instance at all (a queued batch whose orchestration has not been started) is nothing to tell: it
  // reads consent itself when it starts, which is after the consent it would be told about was stored.
  const raise = async (ref: BatchRef, event: string) => {
    await raiseTo(batchInstanceId(ref), event);
  };
  return {
    async ensureStarted(ref, input) {
      const instanceId = batchInstanceId(ref);
      const status = await statusOrNothing(instanceId);
      if (status?.runtimeStatus) return;
      const orchestrationInput: BatchOrchestrationInput = { ...pickRef(ref), ...input };
      try {
        await client.startNew(DEVICE_BATCH_ORCHESTRATION, { instanceId, input: orchestrationInput });
      } catch (error) {
        // Started meanwhile by a concurrent submission of the same batch: that start is this one.
        if (durableClientFailure(error) !== 'alreadyExists') throw error;
      }
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

/**
 * What a durable client failure means. The client (durable-functions DurableClient.js) reports the
 * extension's answers only in messages: a raise event or terminate answered 404 rejects with
 * "No instance with ID '…' found.", a status answered 404 with "…replied with HTTP 404 response…",
 * and a start over a pending or running instance (HttpApiHandler's 500 carrying DTFx's
 * OrchestrationAlreadyExistsException) with "…unexpected status code: 500. Details: {…"ExceptionMessage":
 * "An Orchestration instance with the status Running already exists."…}".
 */
export function durableClientFailure(error: unknown): 'noInstance' | 'alreadyExists' | 'other' {
  const text = error instanceof Error ? error.message : '';
  if (/^No instance with ID '.*' found\.$/s.test(text) || /replied with HTTP 404 response/.test(text))
    return 'noInstance';
  if (
    /unexpected status code: 500\b.*An Orchestration instance with the status \w+ already exists\./s.test(
      text,
    )
  )
    return 'alreadyExists';
  return 'other';
}
