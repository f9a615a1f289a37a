import type { EmailSender, OutgoingEmail } from '../../application/ports/emailSender';

/**
 * Locally, every delivered invitation is also printed to the host's console with its link, so a
 * developer without a mail client can follow it.
 */
export function printingLinks(inner: EmailSender, log: (line: string) => void): EmailSender {
  return {
    async send(email: OutgoingEmail) {
      const result = await inner.send(email);
      const link = /https?:\/\/\S+\/api\/consent\/\S+/.exec(email.text)?.[0] ?? '(no link)';
      log(`invitation email to ${email.to} (${email.language}): ${link} [${result.deliveryId}]`);
      return result;
    },
  };
}
