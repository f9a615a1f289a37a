import { DomainError } from '../../../shared/domain/domainError';
import type { Principal } from '../../../shared/domain/identity/principal';
import {
  assertCustomerUser,
  assertGlobalAdministrator,
  assertPartner,
  assertPartnerClient,
  isCloudNativeAccount,
  isCloudNativeUpn,
  isGlobalAdministrator,
} from '../../../shared/domain/identity/principal';
import { GLOBAL_ADMINISTRATOR_ROLE } from '../../../shared/domain/invitations/adminRoles';
import { customerUser } from '../../support/inMemoryPorts';

const HELPDESK_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';

const client: Principal = { kind: 'partner-client', partnerId: 'contoso-direct', clientId: 'app-1' };
const partnerUser: Principal = {
  kind: 'partner-user',
  partnerId: 'contoso-direct',
  userId: 'u1',
  upn: 'agent@contoso-direct.example',
};
const globalAdmin = customerUser();
const helpdesk = customerUser({
  upn: 'helpdesk@tailspin.onmicrosoft.com',
  roleIds: [HELPDESK_ADMINISTRATOR],
});

function forbiddenCode(action: () => void): string {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'forbidden') return error.code;
    throw error;
  }
  throw new Error('expected the guard to refuse');
}

describe('principal rules', () => {
  describe('cloud-native UPN', () => {
    it.each([
      'admin@tailspin.onmicrosoft.com',
      'Admin@Tailspin.OnMicrosoft.COM',
      ' admin@tail-spin2.onmicrosoft.com ',
    ])('when the UPN is %j, then it is cloud-native', (upn) => {
      expect(isCloudNativeUpn(upn)).toBe(true);
    });

    it.each([
      'it-admin@tailspintoys.com',
      'admin@tailspin.onmicrosoft.com.evil.example',
      'admin@sub.tailspin.onmicrosoft.com',
      'admin@onmicrosoft.com',
      'admin@tailspin.mail.onmicrosoft.com',
      'tailspin.onmicrosoft.com',
      '',
    ])('when the UPN is %j, then it is not cloud-native', (upn) => {
      expect(isCloudNativeUpn(upn)).toBe(false);
    });
  });

  describe('cloud-native account, from the claims', () => {
    const TENANT = '4f1c6a8e-2b7d-4c3a-9e51-7d2f0b9a6c13';
    const OTHER_TENANT = '9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94';
    const member = { tenantId: TENANT, upn: 'admin@tailspin.onmicrosoft.com' };

    it('when a member signs in with an onmicrosoft.com name and no idp, then it is cloud-native', () => {
      expect(isCloudNativeAccount(member)).toBe(true);
      expect(isCloudNativeAccount({ ...member, acct: 0 })).toBe(true);
    });

    it("when idp names the token's own tenant (v1 tokens), then it is still cloud-native", () => {
      expect(
        isCloudNativeAccount({ ...member, idp: `https://sts.windows.net/${TENANT.toUpperCase()}/` }),
      ).toBe(true);
    });

    it('when acct says guest, then an onmicrosoft.com name does not make it cloud-native', () => {
      expect(isCloudNativeAccount({ ...member, acct: 1 })).toBe(false);
    });

    it('when idp is another tenant (a B2B guest homed elsewhere), then it is not cloud-native', () => {
      expect(
        isCloudNativeAccount({
          tenantId: TENANT,
          upn: 'admin@wingtip.onmicrosoft.com',
          idp: `https://sts.windows.net/${OTHER_TENANT}/`,
        }),
      ).toBe(false);
    });

    it.each(['live.com', 'google.com', 'http://adfs.tailspintoys.com/adfs/services/trust'])(
      'when idp is %j, then it is not cloud-native',
      (idp) => {
        expect(isCloudNativeAccount({ ...member, idp })).toBe(false);
      },
    );

    it('when the name is a guest #EXT# name in the tenant domain, then it is not cloud-native', () => {
      expect(
        isCloudNativeAccount({ tenantId: TENANT, upn: 'alice_contoso.com#EXT#@tailspin.onmicrosoft.com' }),
      ).toBe(false);
    });

    it('when a member is named in a federated domain, then it is not cloud-native', () => {
      expect(isCloudNativeAccount({ tenantId: TENANT, upn: 'it-admin@tailspintoys.com', acct: 0 })).toBe(
        false,
      );
    });
  });

  describe('Global Administrator', () => {
    it('when the user holds the Global Administrator role among others, then it is one', () => {
      expect(
        isGlobalAdministrator(customerUser({ roleIds: [HELPDESK_ADMINISTRATOR, GLOBAL_ADMINISTRATOR_ROLE] })),
      ).toBe(true);
    });

    it('when the role ID is in upper case, then it is still recognised', () => {
      expect(
        isGlobalAdministrator(customerUser({ roleIds: [GLOBAL_ADMINISTRATOR_ROLE.toUpperCase()] })),
      ).toBe(true);
    });

    it('when the user holds only other roles, or none, then it is not one', () => {
      expect(isGlobalAdministrator(helpdesk)).toBe(false);
      expect(isGlobalAdministrator(customerUser({ roleIds: [] }))).toBe(false);
    });
  });

  describe('guards', () => {
    it('when a partner client calls a partner-client API, then it passes; others are refused', () => {
      expect(() => assertPartnerClient(client)).not.toThrow();
      expect(forbiddenCode(() => assertPartnerClient(partnerUser))).toBe('PartnerClientRequired');
      expect(forbiddenCode(() => assertPartnerClient(globalAdmin))).toBe('PartnerClientRequired');
    });

    it('when a partner client or user calls a partner API, then it passes; a customer is refused', () => {
      expect(() => assertPartner(client)).not.toThrow();
      expect(() => assertPartner(partnerUser)).not.toThrow();
      expect(forbiddenCode(() => assertPartner(globalAdmin))).toBe('PartnerRequired');
    });

    it('when a customer user calls a customer API, then it passes; partners are refused', () => {
      expect(() => assertCustomerUser(helpdesk)).not.toThrow();
      expect(forbiddenCode(() => assertCustomerUser(client))).toBe('CustomerAccountRequired');
      expect(forbiddenCode(() => assertCustomerUser(partnerUser))).toBe('CustomerAccountRequired');
    });

    it('when a Global Administrator calls an admin API, then it passes', () => {
      expect(() => assertGlobalAdministrator(globalAdmin)).not.toThrow();
    });

    it('when a customer user without the role calls an admin API, then it is told to ask a Global Administrator', () => {
      expect(forbiddenCode(() => assertGlobalAdministrator(helpdesk))).toBe('GlobalAdministratorRequired');
    });

    it('when a partner calls an admin API, then it is refused as not a customer account', () => {
      expect(forbiddenCode(() => assertGlobalAdministrator(partnerUser))).toBe('CustomerAccountRequired');
    });
  });
});
