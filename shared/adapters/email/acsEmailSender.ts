import type { TokenCredential } from '@azure/core-auth';
import { EmailClient } from '@azure/communication-email';
import type { EmailClientOptions } from '@azure/communication-email';
import type { EmailSender, OutgoingEmail } from '../../application/ports/emailSender';
import { EmailSendFailed } from '../../application/ports/emailSender';

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
    let result;
    try {
      const poller = await this.#client.beginSend(
        {
          senderAddress: this.senderAddress,
          recipients: { to: [{ address: email.to }] },
          content: { subject: email.subject, plainText: email.text, html: email.html },
          headers: { 'Content-Language': email.language },
        },
        { operationId },
      );
      result = await poller.pollUntilDone();
    } catch (error) {
      throw acsFailure(operationId, error);
    }
    if (result.status !== 'Succeeded') {
      throw new EmailSendFailed(
        'DeliveryFailed',
        false,
        `ACS email ${operationId} ended ${result.status}: ${result.error?.message ?? 'no reason given'}`,
      );
    }
    return { deliveryId: result.id };
  }
}

/**
 * Classifies by HTTP status: 400 and 422 mean ACS refused this request (an address or content it does
 * not accept), which a resend repeats; 408 and 429 are a service asking to wait; 401, 403 and 404 are
 * this app's configuration (identity, role, endpoint), retried so that a fix lets the email through;
 * anything else (5xx, no answer) is the service being unavailable. An operation ACS took and then
 * failed reaches here as a plain error with no status or code (the client polls inside beginSend), so
 * it cannot be told from a dropped connection without reading its wording: it is retried, within the
 * outbox's attempts.
 */
export function acsFailure(operationId: string, error: unknown): EmailSendFailed {
  // A RestError carries the HTTP status; a network failure has none.
  const { statusCode: status } = (error ?? {}) as { statusCode?: unknown };
  const detail = `ACS email ${operationId} failed${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${error instanceof Error ? error.message : String(error)}`;
  if (status === 400 || status === 422)
    return new EmailSendFailed('MessageRefused', true, detail, { cause: error });
  if (status === 408 || status === 429)
    return new EmailSendFailed('TemporarilyRefused', false, detail, { cause: error });
  if (status === 401 || status === 403 || status === 404)
    return new EmailSendFailed('DeliveryFailed', false, detail, { cause: error });
  return new EmailSendFailed('DeliveryServiceUnavailable', false, detail, { cause: error });
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
