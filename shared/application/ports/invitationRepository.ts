import type { Invitation } from '../../domain/invitations/invitation';
import type { InvitationEmail } from '../../domain/invitations/invitationEmail';
import type { Versioned } from './versioned';

export interface InvitationRepository {
  /** Keyed insert of the invitation and, in the same transaction, its email (neither exists without the other). */
  create(invitation: Invitation, email?: InvitationEmail): Promise<void>;
  get(partnerId: string, invitationId: string): Promise<Versioned<Invitation> | undefined>;
  listByPartner(partnerId: string): Promise<Invitation[]>;
  /** Throws VersionConflict when the invitation changed since `version`. */
  replace(invitation: Invitation, version: string): Promise<void>;
}
