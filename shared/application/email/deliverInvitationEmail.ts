import { invitationState } from '../../domain/invitations/invitation';
import type {
  InvitationEmail,
  InvitationEmailFailureCode,
  InvitationEmailRef,
} from '../../domain/invitations/invitationEmail';
import { isClaimedByAnother, isFinal } from '../../domain/invitations/invitationEmail';
import { implicitlyAuthorizedProviders } from '../../domain/partners/partnerRules';
import { recordAudit } from '../audit/recordAudit';
import { EmailSendFailed } from '../ports/emailSender';
import type { Versioned } from '../ports/versioned';
import { VersionConflict } from '../ports/versioned';
import type { EmailDependencies } from './emailDependencies';
import type { InvitationEmailContent } from './invitationEmailContent';

export type DeliveryOutcome =
  | { readonly outcome: 'sent'; readonly deliveryId: string }
  | { readonly outcome: 'already-sent' | 'canceled' | 'missing' }
  | { readonly outcome: 'failed'; readonly code: InvitationEmailFailureCode };

/** Another dispatcher holds the email and may be sending it now: try again after its claim. */
export class DeliveryInProgress extends Error {
  override name = 'DeliveryInProgress';
}

const MAX_CLAIM_RACES = 5;

/**
 * Attempts (claims) an email gets before it fails for good. The orchestration tries six times with
 * backoff (about two and a half minutes), then pauses 30 minutes: 24 is four such rounds, about two
 * hours. That rides out greylisting (minutes) and a relay outage of an hour or two, yet an address
 * that is only ever refused with a "try later" stops the same morning instead of being tried every 30
 * minutes until the link expires. A refusal the service calls permanent fails at the first attempt.
 */
export const MAX_DELIVERY_ATTEMPTS = 24;

/**
 * Delivers one queued invitation email, at most once however often it is called and by how many at a
 * time: a dispatcher first claims the email (ETag-guarded), sends with the email's ID as the delivery
 * service's idempotency key, then marks it sent with the claim's ETag. A dispatcher that finds it
 * claimed by another stands back (DeliveryInProgress, retried later); one that finds it sent does
 * nothing. A send that fails gives the claim back and throws, for the caller's retry; one the service
 * refused for good, or the last allowed attempt, makes the email failed (final, audited) instead.
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
    // Email rows are never deleted and a delivery starts only after its row is written: one that is not
    // there never will be, and retrying it would go on until the end of time.
    if (!current) return { outcome: 'missing' };
    const email = current.value;
    if (isFinal(email)) return await finalOutcome(deps, email);
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
    if (email.attempts >= MAX_DELIVERY_ATTEMPTS) {
      // Every allowed attempt was claimed, and the last one's dispatcher never reported back (a crash).
      const failed = await fail(deps, current, 'DeliveryInterrupted');
      if (failed) return failed;
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
    const failure = classified(error);
    deps.telemetry?.event('InvitationEmailAttemptFailed', {
      partnerId: email.partnerId,
      emailId: email.id,
      attempt: String(email.attempts),
      code: failure.code,
      permanent: String(failure.permanent),
      detail: failure.message.slice(0, 1000),
    });
    if (failure.permanent || email.attempts >= MAX_DELIVERY_ATTEMPTS) {
      const failed = await fail(deps, claimed, failure.code);
      if (failed) return failed;
      throw error; // the claim ran out and another dispatcher took the email over: the retry sees its outcome
    }
    // Give the claim back at once so that the retry need not wait for it to run out.
    await settle(deps, claimed, { status: 'pending', lastError: failure.code });
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

/** A send failure as the adapter classified it; anything unclassified is retried. */
function classified(error: unknown): EmailSendFailed {
  if (error instanceof EmailSendFailed) return error;
  return new EmailSendFailed('DeliveryFailed', false, error instanceof Error ? error.message : String(error));
}

/** Makes the email failed for good (ETag-guarded) and records it; undefined when it changed meanwhile. */
async function fail(
  deps: EmailDependencies,
  current: Versioned<InvitationEmail>,
  code: InvitationEmailFailureCode,
): Promise<DeliveryOutcome | undefined> {
  const failedAt = deps.clock.now().toISOString();
  if (!(await settle(deps, current, { status: 'failed', lastError: code, failedAt }))) return undefined;
  return await finalOutcome(deps, { ...current.value, status: 'failed', lastError: code, failedAt });
}

/**
 * What a final email's delivery came to. A failed one's audit fact is recorded again each time: its ID
 * and time come from the email, so the trail keeps one, and a crash between the "failed" write and the
 * fact is made good by the retry that follows.
 */
async function finalOutcome(deps: EmailDependencies, email: InvitationEmail): Promise<DeliveryOutcome> {
  switch (email.status) {
    case 'sent':
      return { outcome: 'already-sent' };
    case 'failed': {
      const code = email.lastError ?? 'DeliveryFailed';
      await recordAudit(
        {
          ...deps,
          newId: () => `invitation-email-failed-${email.id}`,
          clock: { now: () => new Date(email.failedAt ?? email.createdAt) },
        },
        'InvitationEmailFailed',
        { kind: 'system', id: 'invitation-email' },
        { partnerId: email.partnerId },
        { invitationId: email.invitationId, emailId: email.id, code, attempts: email.attempts },
      );
      return { outcome: 'failed', code };
    }
    default:
      return { outcome: 'canceled' };
  }
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
