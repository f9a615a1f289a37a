import path from 'node:path';
import type { EmailSender } from '../../application/ports/emailSender';
import type { EmailConfig } from '../../config/config';
import { azureCredential } from '../azure/azureCredential';
import { AcsEmailSender } from './acsEmailSender';
import { printingLinks } from './consoleLinkEmailSender';
import { EmlFileEmailSender } from './emlFileEmailSender';
import { SmtpEmailSender } from './smtpEmailSender';

/** The email adapter the configuration names: ACS in Azure; locally SMTP or .eml files, links printed. */
export async function emailSenderFor(
  email: EmailConfig,
  managedIdentityClientId: string | undefined,
  log: (line: string) => void = (line) => console.log(line),
): Promise<EmailSender> {
  switch (email.delivery) {
    case 'acs':
      return new AcsEmailSender(
        email.endpoint,
        await azureCredential(managedIdentityClientId),
        email.senderAddress,
      );
    case 'smtp':
      return printingLinks(new SmtpEmailSender(email.smtpUrl, email.senderAddress), log);
    case 'files':
      return printingLinks(new EmlFileEmailSender(path.resolve(email.outboxDir), email.senderAddress), log);
  }
}
