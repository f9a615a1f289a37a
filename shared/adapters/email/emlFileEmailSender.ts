import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { EmailSender, OutgoingEmail } from '../../application/ports/emailSender';
import { mailOptions } from './mailMessage';

/**
 * Local delivery without a mail server: each email becomes <dir>/<outbox email id>.eml, a complete
 * MIME message (nodemailer's stream transport) that any mail client opens. The file is created with
 * the exclusive flag, so a second delivery of the same email finds it there and writes nothing.
 */
export class EmlFileEmailSender implements EmailSender {
  readonly #transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    private readonly dir: string,
    private readonly senderAddress: string,
  ) {}

  fileOf(idempotencyKey: string): string {
    return path.join(this.dir, `${idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`);
  }

  async send(email: OutgoingEmail): Promise<{ deliveryId: string }> {
    const file = this.fileOf(email.idempotencyKey);
    const { message } = (await this.#transport.sendMail(mailOptions(email, this.senderAddress))) as {
      message: Buffer;
    };
    await mkdir(this.dir, { recursive: true });
    try {
      await writeFile(file, message, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return { deliveryId: file };
  }
}
