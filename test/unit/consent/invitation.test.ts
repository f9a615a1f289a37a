import { DomainError } from '../../../shared/domain/domainError';
import { GLOBAL_ADMINISTRATOR_ROLE } from '../../../shared/domain/invitations/adminRoles';
import type { Invitation } from '../../../shared/domain/invitations/invitation';
import {
  assertInvitationUsable,
  invitationState,
  invitationWarnings,
} from '../../../shared/domain/invitations/invitation';

const INTUNE_ADMINISTRATOR = '3a2c62db-5318-420d-8d74-23affee5d9d5';

const invitation = (overrides: Partial<Invitation> = {}): Invitation => ({
  id: '00000000-0000-4000-8000-000000000001',
  partnerId: 'contoso-direct',
  kind: 'reseller-relationship',
  delegatedAdmin: null,
  customerEmail: null,
  createdAt: '2025-03-01T10:00:00.000Z',
  expiresAt: '2025-05-30T10:00:00.000Z',
  withdrawnAt: null,
  tokenHash: 'ab'.repeat(32),
  ...overrides,
});

function goneCode(inv: Invitation, now: Date): string {
  try {
    assertInvitationUsable(inv, now);
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'gone') return error.code;
    throw error;
  }
  throw new Error('expected the invitation to be unusable');
}

describe('invitation', () => {
  describe('state', () => {
    it('when now is before the expiry and nothing was withdrawn, then it is active and usable', () => {
      const now = new Date('2025-05-30T09:59:59.999Z');

      expect(invitationState(invitation(), now)).toBe('active');
      expect(() => assertInvitationUsable(invitation(), now)).not.toThrow();
    });

    it('when now is exactly the expiry, then it is expired', () => {
      expect(invitationState(invitation(), new Date('2025-05-30T10:00:00.000Z'))).toBe('expired');
    });

    it('when now is after the expiry, then using it is gone with InvitationExpired', () => {
      expect(goneCode(invitation(), new Date('2025-06-01T00:00:00.000Z'))).toBe('InvitationExpired');
    });

    it('when it was withdrawn, then using it is gone with InvitationWithdrawn, even before expiry', () => {
      const withdrawn = invitation({ withdrawnAt: '2025-03-02T00:00:00.000Z' });
      const now = new Date('2025-03-03T00:00:00.000Z');

      expect(invitationState(withdrawn, now)).toBe('withdrawn');
      expect(goneCode(withdrawn, now)).toBe('InvitationWithdrawn');
    });

    it('when it was withdrawn and has also expired, then it reads as withdrawn', () => {
      const withdrawn = invitation({ withdrawnAt: '2025-03-02T00:00:00.000Z' });

      expect(invitationState(withdrawn, new Date('2026-01-01T00:00:00.000Z'))).toBe('withdrawn');
    });
  });

  describe('warnings', () => {
    it('when Global Administrator is among the delegated roles, then the partner is warned', () => {
      const warnings = invitationWarnings({
        roles: [INTUNE_ADMINISTRATOR, GLOBAL_ADMINISTRATOR_ROLE],
        duration: 'P90D',
      });

      expect(warnings).toEqual([
        {
          code: 'GlobalAdministratorRequested',
          message: expect.stringMatching(/least-privileged/) as string,
        },
      ]);
    });

    it('when the Global Administrator role ID is in upper case, then the partner is still warned', () => {
      const warnings = invitationWarnings({
        roles: [GLOBAL_ADMINISTRATOR_ROLE.toUpperCase()],
        duration: 'P1D',
      });

      expect(warnings.map((w) => w.code)).toEqual(['GlobalAdministratorRequested']);
    });

    it('when only least-privileged roles are asked for, then there is no warning', () => {
      expect(invitationWarnings({ roles: [INTUNE_ADMINISTRATOR], duration: 'P90D' })).toEqual([]);
    });

    it('when no delegated admin is asked for, then there is no warning', () => {
      expect(invitationWarnings(null)).toEqual([]);
    });
  });
});
