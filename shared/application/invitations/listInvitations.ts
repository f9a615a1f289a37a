import type { PartnerPrincipal } from '../../domain/identity/principal';
import type { Dependencies } from '../dependencies';
import { partnerOf } from '../partnerOf';
import type { CreatedInvitation } from './createInvitation';
import { present } from './createInvitation';

export async function listInvitations(
  deps: Dependencies,
  principal: PartnerPrincipal,
): Promise<CreatedInvitation[]> {
  const partner = await partnerOf(deps, principal);
  const invitations = await deps.invitations.listByPartner(partner.id);
  return invitations
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((invitation) => present(deps, invitation, false));
}
