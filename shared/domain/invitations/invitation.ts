import { gone } from '../domainError';
import type { InvitationKind } from '../partners/partnerRules';
import { GLOBAL_ADMINISTRATOR_ROLE } from './adminRoles';

export interface DelegatedAdminRequest {
  readonly roles: readonly string[];
  readonly duration: string;
}

export interface Invitation {
  readonly id: string;
  readonly partnerId: string;
  readonly kind: InvitationKind;
  readonly delegatedAdmin: DelegatedAdminRequest | null;
  readonly customerEmail: string | null;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly withdrawnAt: string | null;
  /** SHA-256 of the link token; the token itself is never stored. */
  readonly tokenHash: string;
}

export interface InvitationWarning {
  readonly code: string;
  readonly message: string;
}

export function invitationWarnings(delegatedAdmin: DelegatedAdminRequest | null): InvitationWarning[] {
  if (delegatedAdmin?.roles.some((r) => r.toLowerCase() === GLOBAL_ADMINISTRATOR_ROLE)) {
    return [
      {
        code: 'GlobalAdministratorRequested',
        message:
          'Global Administrator is the most privileged role; ask for the least-privileged roles that do the job. Device registration needs no delegated roles at all.',
      },
    ];
  }
  return [];
}

export type InvitationState = 'active' | 'expired' | 'withdrawn';

export function invitationState(invitation: Invitation, now: Date): InvitationState {
  if (invitation.withdrawnAt) return 'withdrawn';
  return new Date(invitation.expiresAt) <= now ? 'expired' : 'active';
}

export function assertInvitationUsable(invitation: Invitation, now: Date): void {
  const state = invitationState(invitation, now);
  if (state === 'withdrawn') {
    throw gone(
      'InvitationWithdrawn',
      'The partner has withdrawn this invitation. Ask the partner for a new link.',
    );
  }
  if (state === 'expired') {
    throw gone('InvitationExpired', 'This invitation has expired. Ask the partner for a new link.');
  }
}
