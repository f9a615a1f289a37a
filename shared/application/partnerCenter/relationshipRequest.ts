import type { PartnerPrincipal } from '../../domain/identity/principal';
import { invitationState } from '../../domain/invitations/invitation';
import { assertMayInvite } from '../../domain/partners/partnerRules';
import type { Dependencies } from '../dependencies';
import { createInvitation, present } from '../invitations/createInvitation';
import { partnerOf } from '../partnerOf';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Partner Center's "request a reseller relationship" link: one link the partner sends to any customer,
 * without delegated admin permissions. It is the partner's newest DAP-free, email-less reseller-relationship
 * invitation that has at least a day to live, or a new one made by the invitation use case (so the same
 * rules apply: direct CSPs and indirect resellers have one; providers and OEMs are refused).
 */
export async function relationshipRequestUrl(
  deps: Dependencies,
  principal: PartnerPrincipal,
): Promise<string> {
  const partner = await partnerOf(deps, principal);
  assertMayInvite(partner, 'reseller-relationship');
  const now = deps.clock.now();
  const reusable = (await deps.invitations.listByPartner(partner.id))
    .filter(
      (i) =>
        i.kind === 'reseller-relationship' &&
        i.delegatedAdmin === null &&
        i.customerEmail === null &&
        invitationState(i, now) === 'active' &&
        new Date(i.expiresAt).getTime() - now.getTime() > DAY_MS,
    )
    .sort((a, b) => b.expiresAt.localeCompare(a.expiresAt))[0];
  if (reusable) return present(deps, reusable, false).url;
  return (await createInvitation(deps, principal, { kind: 'reseller-relationship' })).url;
}
