import type { Invitation } from '../../domain/invitations/invitation';
import type { Versioned } from './versioned';

export interface InvitationRepository {
  create(invitation: Invitation): Promise<void>;
  get(partnerId: string, invitationId: string): Promise<Versioned<Invitation> | undefined>;
  listByPartner(partnerId: string): Promise<Invitation[]>;
  /** Throws VersionConflict when the invitation changed since `version`. */
  replace(invitation: Invitation, version: string): Promise<void>;
}
