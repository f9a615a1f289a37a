/**
 * Tells whatever waits on a customer's consent (device batches) that it was given or withdrawn.
 * Called after the relationship is written; a failure here never undoes the consent.
 */
export interface ConsentEvents {
  consentGiven(partnerIds: readonly string[], tenantId: string): Promise<void>;
  consentRevoked(partnerIds: readonly string[], tenantId: string): Promise<void>;
}

export const noConsentEvents: ConsentEvents = {
  consentGiven: () => Promise.resolve(),
  consentRevoked: () => Promise.resolve(),
};
