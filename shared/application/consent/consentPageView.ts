import type { Principal } from '../../domain/identity/principal';
import { implicitlyAuthorizedProviders } from '../../domain/partners/partnerRules';
import type { Dependencies } from '../dependencies';
import type { ConsentEligibility } from './consentEligibility';
import { consentEligibility } from './consentEligibility';
import type { OpenedInvitation } from './openInvitationLink';
import { recordConsentRefusal } from './recordConsentRefusal';

/** What the consent page shows a signed-in person about an invitation they opened. */
export interface ConsentPageView {
  readonly eligibility: ConsentEligibility;
  /** The partners authorised together with this one (an indirect reseller's providers), by name. */
  readonly providerNames: readonly string[];
  /** The customer's domain, for a customer's account; undefined for anyone else (the page says so). */
  readonly tenantDomain: string | undefined;
}

/**
 * Whether this person may accept, with what the page names. A refusal shown is audited as one
 * (`viewedOnly`, once per person, link and reason): the trail records who opened the link and was turned away.
 */
export async function viewConsentPage(
  deps: Dependencies,
  principal: Principal,
  { invitation, partner }: OpenedInvitation,
): Promise<ConsentPageView> {
  const eligibility = consentEligibility(principal, invitation);
  if (!eligibility.eligible)
    await recordConsentRefusal(deps, principal, invitation, eligibility.code, 'viewed');
  const tenantDomain =
    principal.kind === 'customer-user'
      ? ((await deps.tenants.domainOf(principal.tenantId)) ?? principal.upn.split('@')[1])
      : undefined;
  return {
    eligibility,
    providerNames: await partnerNames(deps, implicitlyAuthorizedProviders(partner)),
    tenantDomain,
  };
}

/** Partners' names, in order; a partner no longer configured keeps its ID. */
export async function partnerNames(deps: Dependencies, ids: readonly string[]): Promise<string[]> {
  return Promise.all(ids.map(async (id) => (await deps.partners.get(id))?.name ?? id));
}
