import { createHash } from 'node:crypto';
import type { CustomerLanguage } from './customerLanguage';

/**
 * An invitation email in the outbox: written in the same transaction as its invitation (or, for an OEM's
 * reused link, on its own) and delivered afterwards, outside the request, exactly once.
 *
 * pending → sending (claimed by one dispatcher until `claimedUntil`) → sent; or → canceled when the
 * link died before delivery (withdrawn or expired: sending a dead link helps nobody); or → failed when
 * the delivery service refused it for good, or every allowed attempt failed. sent, canceled and failed
 * are final: nothing sends a final email again.
 */
export type InvitationEmailStatus = 'pending' | 'sending' | 'sent' | 'canceled' | 'failed';

/**
 * Why an attempt failed, as a stable code (what partners may see; the provider's own words never leave
 * the operators' telemetry). The first two are permanent: the service refused this message, and sending
 * it again would be refused again.
 */
export const INVITATION_EMAIL_FAILURE_CODES = [
  'RecipientRefused',
  'MessageRefused',
  'TemporarilyRefused',
  'DeliveryServiceUnavailable',
  'DeliveryFailed',
  'DeliveryInterrupted',
] as const;
export type InvitationEmailFailureCode = (typeof INVITATION_EMAIL_FAILURE_CODES)[number];

export interface InvitationEmail {
  /** Derived from the invitation and the recipient: the same email to the same person has one ID. */
  readonly id: string;
  readonly partnerId: string;
  readonly invitationId: string;
  readonly to: string;
  readonly language: CustomerLanguage;
  readonly status: InvitationEmailStatus;
  readonly createdAt: string;
  readonly attempts: number;
  readonly claimId: string | null;
  readonly claimedUntil: string | null;
  readonly sentAt: string | null;
  /** When it became failed (also the time of its audit fact, so recording that again meets the first). */
  readonly failedAt: string | null;
  /** The delivery service's own ID for the message (ACS operation, SMTP Message-ID, .eml file). */
  readonly deliveryId: string | null;
  /** The last failed attempt's classification; on a failed email, why it failed. */
  readonly lastError: InvitationEmailFailureCode | null;
  readonly canceledReason: string | null;
}

export interface InvitationEmailRef {
  readonly partnerId: string;
  readonly emailId: string;
}

export function invitationEmailId(invitationId: string, to: string): string {
  return createHash('sha256').update(`${invitationId}|${to.trim().toLowerCase()}`).digest('hex').slice(0, 32);
}

export function newInvitationEmail(
  invitation: { readonly id: string; readonly partnerId: string },
  to: string,
  language: CustomerLanguage,
  now: Date,
): InvitationEmail {
  return {
    id: invitationEmailId(invitation.id, to),
    partnerId: invitation.partnerId,
    invitationId: invitation.id,
    to: to.trim(),
    language,
    status: 'pending',
    createdAt: now.toISOString(),
    attempts: 0,
    claimId: null,
    claimedUntil: null,
    sentAt: null,
    failedAt: null,
    deliveryId: null,
    lastError: null,
    canceledReason: null,
  };
}

/** The durable instance that delivers this email: one per email, so starting it twice starts it once. */
export function invitationEmailInstanceId(ref: InvitationEmailRef): string {
  return `invitation-email-${ref.partnerId}-${ref.emailId}`;
}

/** Sent, canceled or failed: never to be sent (again). */
export const isFinal = (email: InvitationEmail) =>
  email.status === 'sent' || email.status === 'canceled' || email.status === 'failed';

/** Another dispatcher holds the email and its claim has not run out: it may be sending right now. */
export function isClaimedByAnother(email: InvitationEmail, claimId: string, now: Date): boolean {
  return (
    email.status === 'sending' &&
    email.claimId !== claimId &&
    email.claimedUntil !== null &&
    new Date(email.claimedUntil) > now
  );
}
