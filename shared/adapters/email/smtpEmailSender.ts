import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { EmailSender, OutgoingEmail } from '../../application/ports/emailSender';
import { EmailSendFailed } from '../../application/ports/emailSender';
import { mailOptions } from './mailMessage';

/**
 * Real SMTP delivery (nodemailer), locally to a development mail catcher (SMTP_URL, e.g.
 * smtp://localhost:1025). SMTP has no idempotency key: the stable Message-ID lets a mail client or
 * catcher spot a duplicate, and the outbox's claim and ETag-guarded "sent" keep dispatchers from
 * sending twice; a crash between the server's 250 and that write can still send one duplicate.
 */
export class SmtpEmailSender implements EmailSender {
  readonly #transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly senderAddress: string,
  ) {
    this.#transport = nodemailer.createTransport(smtpUrl);
  }

  async send(email: OutgoingEmail): Promise<{ deliveryId: string }> {
    try {
      const info = (await this.#transport.sendMail(mailOptions(email, this.senderAddress))) as {
        messageId: string;
      };
      return { deliveryId: info.messageId };
    } catch (error) {
      throw smtpFailure(error);
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/**
 * Classifies by the server's reply code and the command it answered (nodemailer's responseCode and
 * command): a 5xx to RCPT TO refuses this recipient and one to DATA this message, for good; any 4xx
 * asks to try later. A 5xx elsewhere (the greeting, AUTH, MAIL FROM) is about this app's account or
 * sender address, not this email: retried, so that a fixed configuration still delivers it. No reply
 * code at all is a connection that failed.
 */
export function smtpFailure(error: unknown): EmailSendFailed {
  const { responseCode, command } = (error ?? {}) as { responseCode?: unknown; command?: unknown };
  const detail = `SMTP delivery failed: ${error instanceof Error ? error.message : String(error)}`;
  const options = { cause: error };
  if (typeof responseCode !== 'number') {
    return new EmailSendFailed('DeliveryServiceUnavailable', false, detail, options);
  }
  if (responseCode >= 500 && command === 'RCPT TO')
    return new EmailSendFailed('RecipientRefused', true, detail, options);
  if (responseCode >= 500 && command === 'DATA')
    return new EmailSendFailed('MessageRefused', true, detail, options);
  if (responseCode >= 400 && responseCode < 500)
    return new EmailSendFailed('TemporarilyRefused', false, detail, options);
  return new EmailSendFailed('DeliveryFailed', false, detail, options);
}
