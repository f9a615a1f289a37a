import type { Invitation } from '../../domain/invitations/invitation';
import type { Principal } from '../../domain/identity/principal';
import { actorOf, recordAudit } from '../audit/recordAudit';
import type { Dependencies } from '../dependencies';

/**
 * A `ConsentRefused` fact: someone who cannot accept a link opened it (`viewedOnly`) or tried to accept
 * it. Recorded once per person, link, reason and kind of attempt: anyone can open a link as often as
 * they like, and a row per attempt would let a person push every other fact out of the partner's and
 * the tenant's trail. What matters to them is that this person met this refusal, which one row says.
 */
export async function recordConsentRefusal(
  deps: Dependencies,
  principal: Principal,
  invitation: Invitation,
  code: string,
  attempt: 'viewed' | 'accept',
): Promise<void> {
  const actor = actorOf(principal);
  const who = principal.kind === 'partner-client' ? actor.id : `${principal.kind}/${principal.userId}`;
  await recordAudit(
    deps,
    'ConsentRefused',
    actor,
    {
      partnerId: invitation.partnerId,
      tenantId: principal.kind === 'customer-user' ? principal.tenantId : null,
    },
    { invitationId: invitation.id, code, ...(attempt === 'viewed' ? { viewedOnly: true } : {}) },
    { key: ['ConsentRefused', invitation.partnerId, invitation.id, who, code, attempt].join('|') },
  );
}
