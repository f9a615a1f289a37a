import type { Dependencies } from '../dependencies';
import type { EmailSender } from '../ports/emailSender';
import type { InvitationEmailRenderer } from './invitationEmailContent';

/** What delivering an invitation email needs besides the invitation use cases' dependencies. */
export interface EmailDependencies extends Pick<
  Dependencies,
  | 'invitations'
  | 'partners'
  | 'emailOutbox'
  | 'emailDelivery'
  | 'clock'
  | 'newId'
  | 'links'
  | 'audit'
  | 'telemetry'
> {
  readonly sender: EmailSender;
  readonly renderer: InvitationEmailRenderer;
  /** How long one dispatcher holds an email while it sends; another may take over after that. */
  readonly claimSeconds: number;
}
