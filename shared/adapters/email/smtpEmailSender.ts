import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { EmailSender, OutgoingEmail } from '../../application/ports/emailSender';
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
    const info = (await this.#transport.sendMail(mailOptions(email, this.senderAddress))) as {
      messageId: string;
    };
    return { deliveryId: info.messageId };
  }

  close(): void {
    this.#transport.close();
  }
}
