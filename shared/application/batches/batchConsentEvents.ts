import type { ConsentEvents } from '../ports/consentEvents';
import type { BatchRepository } from '../ports/batchRepository';
import type { BatchWorkflow } from '../ports/batchWorkflow';

/**
 * Consent given or revoked reaches every open batch of those partners for that tenant: waiting batches
 * start, running ones stop. Batches that did not wait ignore the signal.
 */
export function batchConsentEvents(batches: BatchRepository, workflow: BatchWorkflow): ConsentEvents {
  const signal = async (
    partnerIds: readonly string[],
    tenantId: string,
    send: (ref: { tenantId: string; partnerId: string; batchId: string }) => Promise<void>,
  ) => {
    for (const partnerId of partnerIds) {
      const open = await batches.listOpen(tenantId, partnerId);
      await Promise.all(open.map((batch) => send(batch)));
    }
  };
  return {
    consentGiven: (partnerIds, tenantId) => signal(partnerIds, tenantId, (ref) => workflow.consentGiven(ref)),
    consentRevoked: (partnerIds, tenantId) =>
      signal(partnerIds, tenantId, (ref) => workflow.consentRevoked(ref)),
  };
}
