import type { TokenCredential } from '@azure/core-auth';
import { EmailClient } from '@azure/communication-email';
import type { EmailClientOptions } from '@azure/communication-email';
import type { EmailSender, OutgoingEmail } from '../../application/ports/emailSender';

/**
 * Azure Communication Services Email with the app's managed identity. The outbox email's ID, shaped
 * as a GUID, is the send's Operation-Id: ACS treats a second send with the same operation ID as the
 * same operation (repeatability), so a retried delivery never makes a second message.
 */
export class AcsEmailSender implements EmailSender {
  readonly #client: EmailClient;

  constructor(
    endpoint: string,
    credential: TokenCredential,
    private readonly senderAddress: string,
    options: EmailClientOptions = {},
  ) {
    this.#client = new EmailClient(endpoint, credential, options);
  }

  async send(email: OutgoingEmail): Promise<{ deliveryId: string }> {
    const operationId = operationIdOf(email.idempotencyKey);
    const poller = await this.#client.beginSend(
      {
        senderAddress: this.senderAddress,
        recipients: { to: [{ address: email.to }] },
        content: { subject: email.subject, plainText: email.text, html: email.html },
        headers: { 'Content-Language': email.language },
      },
      { operationId },
    );
    const result = await poller.pollUntilDone();
    if (result.status !== 'Succeeded') {
      throw new Error(
        `ACS email ${operationId} ended ${result.status}: ${result.error?.message ?? 'no reason given'}`,
      );
    }
    return { deliveryId: result.id };
  }
}

/** ACS wants a GUID: the first 32 hex digits of the key (outbox IDs are 32 hex digits already). */
export function operationIdOf(idempotencyKey: string): string {
  const hex = idempotencyKey
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '')
    .padEnd(32, '0')
    .slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
