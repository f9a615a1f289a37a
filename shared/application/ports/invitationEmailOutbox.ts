import type { InvitationEmail, InvitationEmailRef } from '../../domain/invitations/invitationEmail';
import type { Versioned } from './versioned';

/**
 * Invitation emails waiting for delivery, kept beside their invitations (InvitationRepository.create
 * writes an invitation and its email together).
 */
export interface InvitationEmailOutbox {
  /** Queues an email for an invitation that already exists; VersionConflict when it is already queued. */
  add(email: InvitationEmail): Promise<void>;
  get(ref: InvitationEmailRef): Promise<Versioned<InvitationEmail> | undefined>;
  /** Returns the new version; VersionConflict when the email changed since `version`. */
  replace(email: InvitationEmail, version: string): Promise<string>;
  /**
   * Emails not yet final (sent, canceled, failed), queued before `queuedBefore`: what the sweeper
   * restarts. Runs every minute, so its cost must follow the number of such emails, never the number
   * of emails ever queued.
   */
  listUndelivered(queuedBefore: Date): Promise<InvitationEmail[]>;
}
