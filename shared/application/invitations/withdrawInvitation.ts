import { notFound } from '../../domain/domainError';
import type { PartnerPrincipal } from '../../domain/identity/principal';
import { actorOf, recordAudit } from '../audit/recordAudit';
import type { Dependencies } from '../dependencies';
import { partnerOf } from '../partnerOf';
import { VersionConflict } from '../ports/versioned';

/** Makes the link dead. Withdrawing twice is harmless. */
export async function withdrawInvitation(
  deps: Dependencies,
  principal: PartnerPrincipal,
  invitationId: string,
): Promise<void> {
  const partner = await partnerOf(deps, principal);
  for (let attempt = 0; ; attempt++) {
    const found = await deps.invitations.get(partner.id, invitationId);
    if (!found)
      throw notFound('InvitationNotFound', `No invitation ${invitationId} exists for this partner.`);
    if (found.value.withdrawnAt) return;
    try {
      await deps.invitations.replace(
        { ...found.value, withdrawnAt: deps.clock.now().toISOString() },
        found.version,
      );
    } catch (error) {
      if (error instanceof VersionConflict && attempt < 5) continue;
      throw error;
    }
    await recordAudit(
      deps,
      'InvitationWithdrawn',
      actorOf(principal),
      { partnerId: partner.id },
      { invitationId },
    );
    return;
  }
}
