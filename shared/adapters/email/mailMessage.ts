import type Mail from 'nodemailer/lib/mailer';
import type { OutgoingEmail } from '../../application/ports/emailSender';

/**
 * The one message nodemailer builds for SMTP and for .eml files: both parts, the language, and a
 * Message-ID derived from the outbox email, so every attempt at the same email is the same message.
 */
export function messageIdOf(email: OutgoingEmail, senderAddress: string): string {
  const domain = senderAddress.split('@')[1] ?? 'partner-consent.local';
  return `<invitation-${email.idempotencyKey}@${domain}>`;
}

export function mailOptions(email: OutgoingEmail, senderAddress: string): Mail.Options {
  return {
    from: senderAddress,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: messageIdOf(email, senderAddress),
    headers: { 'Content-Language': email.language },
  };
}
