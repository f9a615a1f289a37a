import { notFound } from '../../domain/domainError';
import type { Invitation } from '../../domain/invitations/invitation';
import { assertInvitationUsable } from '../../domain/invitations/invitation';
import { parseInvitationToken, tokenMatchesHash } from '../../domain/invitations/invitationToken';
import type { Partner } from '../../domain/partners/partner';
import type { Dependencies } from '../dependencies';

export interface OpenedInvitation {
  readonly invitation: Invitation;
  readonly partner: Partner;
}

const deadLink = () =>
  notFound(
    'InvitationLinkNotFound',
    'This invitation link is not valid. Check that the whole link was copied, or ask the partner for a new one.',
  );

/** A link that is malformed, tampered with or unknown is simply not found; a used-up one is gone. */
export async function openInvitationLink(deps: Dependencies, token: string): Promise<OpenedInvitation> {
  const parsed = parseInvitationToken(token);
  if (!parsed) throw deadLink();
  const found = await deps.invitations.get(parsed.partnerId, parsed.invitationId);
  if (!found || !tokenMatchesHash(token, found.value.tokenHash)) throw deadLink();
  const partner = await deps.partners.get(found.value.partnerId);
  if (!partner) throw deadLink();
  assertInvitationUsable(found.value, deps.clock.now());
  return { invitation: found.value, partner };
}
