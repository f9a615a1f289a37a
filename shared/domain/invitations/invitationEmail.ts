import { createHash } from 'node:crypto';
import type { CustomerLanguage } from './customerLanguage';

/**
 * An invitation email in the outbox: written in the same transaction as its invitation (or, for an OEM's
 * reused link, on its own) and delivered afterwards, outside the request, exactly once.
 *
 * pending → sending (claimed by one dispatcher until `claimedUntil`) → sent; or → canceled when the
 * link died before delivery (withdrawn or expired: sending a dead link helps nobody).
 */
export type InvitationEmailStatus = 'pending' | 'sending' | 'sent' | 'canceled';

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
  /** The delivery service's own ID for the message (ACS operation, SMTP Message-ID, .eml file). */
  readonly deliveryId: string | null;
  readonly lastError: string | null;
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
    deliveryId: null,
    lastError: null,
    canceledReason: null,
  };
}

/** The durable instance that delivers this email: one per email, so starting it twice starts it once. */
export function invitationEmailInstanceId(ref: InvitationEmailRef): string {
  return `invitation-email-${ref.partnerId}-${ref.emailId}`;
}

export const isDelivered = (email: InvitationEmail) => email.status === 'sent' || email.status === 'canceled';

/** Another dispatcher holds the email and its claim has not run out: it may be sending right now. */
export function isClaimedByAnother(email: InvitationEmail, claimId: string, now: Date): boolean {
  return (
    email.status === 'sending' &&
    email.claimId !== claimId &&
    email.claimedUntil !== null &&
    new Date(email.claimedUntil) > now
  );
}
