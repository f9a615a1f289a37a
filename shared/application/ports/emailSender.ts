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
