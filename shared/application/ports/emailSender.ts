import type { InvitationEmailFailureCode } from '../../domain/invitations/invitationEmail';

/** One message, rendered, ready for a delivery service. */
export interface OutgoingEmail {
  /** Stable per outbox email: the delivery service's duplicate guard where it has one. */
  readonly idempotencyKey: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** BCP 47 tag of the message's language (Content-Language). */
  readonly language: string;
}

/**
 * Delivers an email: Azure Communication Services in Azure; SMTP or .eml files locally. An adapter that
 * can refuse a second delivery of the same idempotency key does so and reports success.
 */
export interface EmailSender {
  send(email: OutgoingEmail): Promise<{ readonly deliveryId: string }>;
}

/**
 * A send the delivery service refused or could not take, classified by the adapter from the service's
 * status or reply code (never its wording). `permanent`: this message will be refused however often it
 * is sent (an SMTP 5xx to the recipient or the message, an ACS 4xx about the request), so the outbox
 * fails it at once; otherwise it is retried up to the outbox's limit. The message is for operators only.
 */
export class EmailSendFailed extends Error {
  override name = 'EmailSendFailed';

  constructor(
    readonly code: InvitationEmailFailureCode,
    readonly permanent: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
