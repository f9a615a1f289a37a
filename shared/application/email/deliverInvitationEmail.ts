import { notFound } from '../../domain/domainError';
import { invitationState } from '../../domain/invitations/invitation';
import type { InvitationEmail, InvitationEmailRef } from '../../domain/invitations/invitationEmail';
import { isClaimedByAnother, isDelivered } from '../../domain/invitations/invitationEmail';
import { implicitlyAuthorizedProviders } from '../../domain/partners/partnerRules';
import type { Versioned } from '../ports/versioned';
import { VersionConflict } from '../ports/versioned';
import type { EmailDependencies } from './emailDependencies';
import type { InvitationEmailContent } from './invitationEmailContent';

export type DeliveryOutcome =
  | { readonly outcome: 'sent'; readonly deliveryId: string }
  | { readonly outcome: 'already-sent' | 'canceled' };

/** Another dispatcher holds the email and may be sending it now: try again after its claim. */
export class DeliveryInProgress extends Error {
  override name = 'DeliveryInProgress';
}

const MAX_CLAIM_RACES = 5;

/**
 * Delivers one queued invitation email, at most once however often it is called and by how many at a
 * time: a dispatcher first claims the email (ETag-guarded), sends with the email's ID as the delivery
 * service's idempotency key, then marks it sent with the claim's ETag. A dispatcher that finds it
 * claimed by another stands back (DeliveryInProgress, retried later); one that finds it sent does
 * nothing. A send that fails gives the claim back and throws, for the caller's retry.
 *
 * The one window left: a crash after the service accepted the message and before it is marked sent.
 * Services with idempotency keys (ACS, the .eml folder) absorb the second send; plain SMTP cannot.
 */
export async function deliverInvitationEmail(
  deps: EmailDependencies,
  ref: InvitationEmailRef,
): Promise<DeliveryOutcome> {
  const claimId = deps.newId();
  for (let race = 0; race < MAX_CLAIM_RACES; race++) {
    const current = await deps.emailOutbox.get(ref);
    if (!current) throw notFound('InvitationEmailNotFound', `No invitation email ${ref.emailId} is queued.`);
    const email = current.value;
    if (isDelivered(email)) return { outcome: email.status === 'sent' ? 'already-sent' : 'canceled' };
    const now = deps.clock.now();
    if (isClaimedByAnother(email, claimId, now)) {
      throw new DeliveryInProgress(`Invitation email ${email.id} is being sent until ${email.claimedUntil}`);
    }

    const content = await contentOf(deps, email, now);
    if (typeof content === 'string') {
      const canceled = await settle(deps, current, { status: 'canceled', canceledReason: content });
      if (canceled) return { outcome: 'canceled' };
      continue;
    }

    const claimed: InvitationEmail = {
      ...email,
      status: 'sending',
      claimId,
      claimedUntil: new Date(now.getTime() + deps.claimSeconds * 1000).toISOString(),
      attempts: email.attempts + 1,
    };
    let claimVersion: string;
    try {
      claimVersion = await deps.emailOutbox.replace(claimed, current.version);
    } catch (error) {
      if (error instanceof VersionConflict) continue; // someone else moved first: look again
      throw error;
    }
    return await sendClaimed(deps, { value: claimed, version: claimVersion }, content);
  }
  throw new DeliveryInProgress(`Invitation email ${ref.emailId} keeps changing under this dispatcher`);
}

async function sendClaimed(
  deps: EmailDependencies,
  claimed: Versioned<InvitationEmail>,
  content: InvitationEmailContent,
): Promise<DeliveryOutcome> {
  const email = claimed.value;
  const rendered = deps.renderer.render(content);
  let deliveryId: string;
  try {
    ({ deliveryId } = await deps.sender.send({
      idempotencyKey: email.id,
      to: email.to,
      language: email.language,
      ...rendered,
    }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // Give the claim back at once so that the retry need not wait for it to run out.
    await settle(deps, claimed, { status: 'pending', lastError: reason.slice(0, 1000) });
    throw error;
  }
  // If the claim ran out and another dispatcher took over, this write loses; the message went out once
  // from here, and the other's send carries the same idempotency key.
  await settle(deps, claimed, {
    status: 'sent',
    sentAt: deps.clock.now().toISOString(),
    deliveryId,
    lastError: null,
  });
  return { outcome: 'sent', deliveryId };
}

/** An ETag-guarded final write that releases the claim; false when the email changed meanwhile. */
async function settle(
  deps: EmailDependencies,
  current: Versioned<InvitationEmail>,
  change: Partial<InvitationEmail>,
): Promise<boolean> {
  try {
    await deps.emailOutbox.replace(
      { ...current.value, ...change, claimId: null, claimedUntil: null },
      current.version,
    );
    return true;
  } catch (error) {
    if (error instanceof VersionConflict) return false;
    throw error;
  }
}

/** What the email says, or why it must not be sent (the link is dead). */
async function contentOf(
  deps: EmailDependencies,
  email: InvitationEmail,
  now: Date,
): Promise<InvitationEmailContent | string> {
  const invitation = (await deps.invitations.get(email.partnerId, email.invitationId))?.value;
  if (!invitation) return 'InvitationNotFound';
  const state = invitationState(invitation, now);
  if (state !== 'active') return state === 'withdrawn' ? 'InvitationWithdrawn' : 'InvitationExpired';
  const partner = await deps.partners.get(email.partnerId);
  if (!partner) return 'UnknownPartner';
  const providerNames = await Promise.all(
    implicitlyAuthorizedProviders(partner).map(async (id) => (await deps.partners.get(id))?.name ?? id),
  );
  return {
    language: email.language,
    partnerName: partner.name,
    partnerKind: partner.kind,
    kind: invitation.kind,
    providerNames,
    delegatedAdmin: invitation.delegatedAdmin,
    url: deps.links.url(deps.links.token(invitation.partnerId, invitation.id)),
    expiresAt: invitation.expiresAt,
  };
}
