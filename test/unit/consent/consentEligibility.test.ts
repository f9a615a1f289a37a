import { consentEligibility } from '../../../shared/application/consent/consentEligibility';
import type { Principal } from '../../../shared/domain/identity/principal';
import type { Invitation } from '../../../shared/domain/invitations/invitation';
import { customerUser } from '../../support/inMemoryPorts';

const HELPDESK_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';

const invitation = (kind: Invitation['kind']): Invitation => ({
  id: '00000000-0000-4000-8000-000000000001',
  partnerId: kind === 'oem-authorization' ? 'adatum-oem' : 'contoso-direct',
  kind,
  delegatedAdmin: null,
  customerEmail: null,
  createdAt: '2025-03-01T10:00:00.000Z',
  expiresAt: '2025-05-30T10:00:00.000Z',
  withdrawnAt: null,
  tokenHash: 'ab'.repeat(32),
});

const federatedAdmin = customerUser({ upn: 'it-admin@tailspintoys.com', cloudNative: false });
const helpdesk = customerUser({
  upn: 'helpdesk@tailspin.onmicrosoft.com',
  roleIds: [HELPDESK_ADMINISTRATOR],
});

describe('consent eligibility', () => {
  it.each<[string, Principal, Invitation['kind']]>([
    ['a cloud-native Global Administrator opens a reseller link', customerUser(), 'reseller-relationship'],
    ['a federated Global Administrator opens a reseller link', federatedAdmin, 'reseller-relationship'],
    ['a cloud-native Global Administrator opens an OEM link', customerUser(), 'oem-authorization'],
  ])('when %s, then they may accept', (_label, principal, kind) => {
    expect(consentEligibility(principal, invitation(kind))).toEqual({ eligible: true });
  });

  it.each<[string, Principal, Invitation['kind'], string, RegExp]>([
    [
      'a Helpdesk Administrator opens a reseller link',
      helpdesk,
      'reseller-relationship',
      'GlobalAdministratorRequired',
      /Global Administrator/,
    ],
    [
      'a Helpdesk Administrator opens an OEM link',
      helpdesk,
      'oem-authorization',
      'GlobalAdministratorRequired',
      /Global Administrator/,
    ],
    [
      'a federated Global Administrator opens an OEM link',
      federatedAdmin,
      'oem-authorization',
      'CloudNativeAccountRequired',
      /onmicrosoft\.com/,
    ],
    [
      "a partner's portal user opens a link",
      { kind: 'partner-user', partnerId: 'contoso-direct', userId: 'u', upn: 'agent@contoso-direct.example' },
      'reseller-relationship',
      'CustomerAccountRequired',
      /customer's organisation/,
    ],
    [
      "a partner's API client opens a link",
      { kind: 'partner-client', partnerId: 'contoso-direct', clientId: 'c' },
      'reseller-relationship',
      'CustomerAccountRequired',
      /customer's organisation/,
    ],
  ])('when %s, then they may not, with %s and a reason', (_label, principal, kind, code, reason) => {
    const result = consentEligibility(principal, invitation(kind));

    expect(result).toEqual({ eligible: false, code, reason: expect.stringMatching(reason) as string });
  });
});
