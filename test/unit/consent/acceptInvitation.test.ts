import type { AcceptCommand } from '../../../shared/application/consent/acceptInvitation';
import { acceptInvitation } from '../../../shared/application/consent/acceptInvitation';
import type { CreateInvitationCommand } from '../../../shared/application/invitations/createInvitation';
import { createInvitation } from '../../../shared/application/invitations/createInvitation';
import { withdrawInvitation } from '../../../shared/application/invitations/withdrawInvitation';
import { DomainError } from '../../../shared/domain/domainError';
import type { Partner } from '../../../shared/domain/partners/partner';
import type { InMemoryWorld } from '../../support/inMemoryPorts';
import {
  PARTNERS,
  TENANT_DOMAIN,
  TENANT_ID,
  customerUser,
  inMemoryWorld,
  partnerClient,
  tokenOf,
} from '../../support/inMemoryPorts';

const INTUNE_ADMINISTRATOR = '3a2c62db-5318-420d-8d74-23affee5d9d5';
const HELPDESK_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';

const admin = customerUser();
const helpdesk = customerUser({
  upn: 'helpdesk@tailspin.onmicrosoft.com',
  roleIds: [HELPDESK_ADMINISTRATOR],
});
const federatedAdmin = customerUser({ upn: 'it-admin@tailspintoys.com', cloudNative: false });
const YES: AcceptCommand = { consent: true, includeDelegatedAdmin: false };
const YES_WITH_DAP: AcceptCommand = { consent: true, includeDelegatedAdmin: true };
const DAP = { roles: [INTUNE_ADMINISTRATOR], duration: 'P90D' };

async function linkOf(
  world: InMemoryWorld,
  partner: Partner,
  command: CreateInvitationCommand = {
    kind: partner.kind === 'oem' ? 'oem-authorization' : 'reseller-relationship',
  },
): Promise<{ token: string; invitationId: string }> {
  const created = await createInvitation(world.deps, partnerClient(partner), command);
  world.audit.events.length = 0;
  return { token: tokenOf(created.url), invitationId: created.invitation.id };
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('acceptInvitation', () => {
  let world: InMemoryWorld;
  beforeEach(() => {
    world = inMemoryWorld();
  });

  describe('who may accept', () => {
    it('when a Helpdesk Administrator accepts, then it is refused with GlobalAdministratorRequired and the refusal is audited', async () => {
      const { token, invitationId } = await linkOf(world, PARTNERS.direct);

      const error = await refusal(acceptInvitation(world.deps, token, helpdesk, YES));

      expect(error.kind).toBe('forbidden');
      expect(error.code).toBe('GlobalAdministratorRequired');
      expect(world.audit.events).toEqual([
        expect.objectContaining({
          type: 'ConsentRefused',
          partnerId: 'contoso-direct',
          tenantId: TENANT_ID,
          actor: { kind: 'customer-user', id: 'helpdesk@tailspin.onmicrosoft.com' },
          details: { invitationId, code: 'GlobalAdministratorRequired' },
        }),
      ]);
    });

    it('when a Helpdesk Administrator is refused, then no relationship is written and no consent is announced', async () => {
      const { token } = await linkOf(world, PARTNERS.reseller);

      await refusal(acceptInvitation(world.deps, token, helpdesk, YES));

      expect(world.relationships.all()).toEqual([]);
      expect(world.consentEvents.given).toEqual([]);
    });

    it('when a federated Global Administrator accepts an OEM link, then it is refused with CloudNativeAccountRequired and nothing is written', async () => {
      const { token } = await linkOf(world, PARTNERS.oem);

      const error = await refusal(acceptInvitation(world.deps, token, federatedAdmin, YES));

      expect(error.code).toBe('CloudNativeAccountRequired');
      expect(world.relationships.all()).toEqual([]);
      expect(world.audit.ofType('ConsentRefused')).toHaveLength(1);
    });

    it("when a partner's account opens a link, then it is refused with CustomerAccountRequired, audited without a tenant", async () => {
      const { token } = await linkOf(world, PARTNERS.direct);

      const error = await refusal(acceptInvitation(world.deps, token, partnerClient(PARTNERS.direct), YES));

      expect(error.code).toBe('CustomerAccountRequired');
      expect(world.audit.events).toEqual([
        expect.objectContaining({ type: 'ConsentRefused', tenantId: null }),
      ]);
      expect(world.relationships.all()).toEqual([]);
    });

    it('when the Global Administrator does not tick Yes, then it is refused with ConsentNotGiven and nothing is written', async () => {
      const { token } = await linkOf(world, PARTNERS.direct);

      const error = await refusal(
        acceptInvitation(world.deps, token, admin, { consent: false, includeDelegatedAdmin: false }),
      );

      expect(error.kind).toBe('invalid');
      expect(error.code).toBe('ConsentNotGiven');
      expect(error.details).toEqual({ field: 'consent' });
      expect(world.relationships.all()).toEqual([]);
      expect(world.audit.ofType('ConsentAccepted')).toEqual([]);
      expect(world.consentEvents.given).toEqual([]);
    });
  });

  describe('the link', () => {
    it('when the secret of the link was altered, then the link is not found', async () => {
      const { token } = await linkOf(world, PARTNERS.direct);
      const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');

      expect((await refusal(acceptInvitation(world.deps, altered, admin, YES))).code).toBe(
        'InvitationLinkNotFound',
      );
    });

    it('when the link is garbage, then it is not found', async () => {
      expect((await refusal(acceptInvitation(world.deps, 'not-a-token', admin, YES))).kind).toBe('notFound');
    });

    it('when the link was withdrawn, then it is gone and nothing is written', async () => {
      const { token, invitationId } = await linkOf(world, PARTNERS.direct);
      await withdrawInvitation(world.deps, partnerClient(PARTNERS.direct), invitationId);

      const error = await refusal(acceptInvitation(world.deps, token, admin, YES));

      expect(error).toMatchObject({ kind: 'gone', code: 'InvitationWithdrawn' });
      expect(world.relationships.all()).toEqual([]);
    });

    it('when the link has expired, then it is gone', async () => {
      const { token } = await linkOf(world, PARTNERS.direct, {
        kind: 'reseller-relationship',
        expiresInDays: 2,
      });
      world.clock.advanceDays(2);

      expect(await refusal(acceptInvitation(world.deps, token, admin, YES))).toMatchObject({
        kind: 'gone',
        code: 'InvitationExpired',
      });
    });
  });

  describe('a direct CSP', () => {
    it('when the Global Administrator accepts, then the partner is authorised directly at once', async () => {
      const { token, invitationId } = await linkOf(world, PARTNERS.direct);

      const result = await acceptInvitation(world.deps, token, admin, YES);

      const stored = await world.deps.relationships.get('contoso-direct', TENANT_ID);
      expect(stored?.value).toEqual({
        partnerId: 'contoso-direct',
        tenantId: TENANT_ID,
        domain: TENANT_DOMAIN,
        relationship: 'reseller',
        authorization: 'direct',
        status: 'active',
        delegatedAdmin: null,
        acceptedAt: '2025-03-01T10:00:00.000Z',
        acceptedBy: 'admin@tailspin.onmicrosoft.com',
        revokedAt: null,
        invitationId,
        viaResellerIds: [],
      });
      expect(result.relationship).toEqual(stored?.value);
      expect(result.providers).toEqual([]);
      expect(world.consentEvents.given).toEqual([{ partnerIds: ['contoso-direct'], tenantId: TENANT_ID }]);
    });

    it('when the link asks for delegated admin and the admin keeps it, then the roles are granted for the duration asked', async () => {
      const { token } = await linkOf(world, PARTNERS.direct, {
        kind: 'reseller-relationship',
        delegatedAdmin: DAP,
      });

      await acceptInvitation(world.deps, token, admin, YES_WITH_DAP);

      expect((await world.deps.relationships.get('contoso-direct', TENANT_ID))?.value.delegatedAdmin).toEqual(
        {
          roles: [INTUNE_ADMINISTRATOR],
          duration: 'P90D',
          grantedAt: '2025-03-01T10:00:00.000Z',
          expiresAt: '2025-05-30T10:00:00.000Z',
        },
      );
      expect(world.audit.ofType('ConsentAccepted')[0]?.details).toMatchObject({
        delegatedRoles: [INTUNE_ADMINISTRATOR],
        delegatedAdminDeclined: false,
      });
    });

    it('when the link asks for delegated admin and the admin unticks it, then the relationship is accepted without roles', async () => {
      const { token } = await linkOf(world, PARTNERS.direct, {
        kind: 'reseller-relationship',
        delegatedAdmin: DAP,
      });

      await acceptInvitation(world.deps, token, admin, YES);

      const stored = await world.deps.relationships.get('contoso-direct', TENANT_ID);
      expect(stored?.value).toMatchObject({ status: 'active', delegatedAdmin: null });
      expect(world.audit.ofType('ConsentAccepted')[0]?.details).toMatchObject({
        delegatedRoles: [],
        delegatedAdminDeclined: true,
      });
    });

    it('when the link asks for no delegated admin, then keeping it grants nothing', async () => {
      const { token } = await linkOf(world, PARTNERS.direct);

      await acceptInvitation(world.deps, token, admin, YES_WITH_DAP);

      expect(
        (await world.deps.relationships.get('contoso-direct', TENANT_ID))?.value.delegatedAdmin,
      ).toBeNull();
    });

    it('when the same link is accepted twice, then there is one relationship and its acceptance time is the first', async () => {
      const { token } = await linkOf(world, PARTNERS.direct);
      await acceptInvitation(world.deps, token, admin, YES);
      world.clock.advanceDays(3);

      const second = await acceptInvitation(
        world.deps,
        token,
        customerUser({ upn: 'other-admin@tailspin.onmicrosoft.com' }),
        YES,
      );

      expect(world.relationships.all()).toHaveLength(1);
      expect(second.relationship.acceptedAt).toBe('2025-03-01T10:00:00.000Z');
      expect(second.relationship.acceptedBy).toBe('admin@tailspin.onmicrosoft.com');
      expect((await world.deps.relationships.get('contoso-direct', TENANT_ID))?.value.acceptedAt).toBe(
        '2025-03-01T10:00:00.000Z',
      );
    });

    it('when two accepts of the same link run at the same moment, then both succeed and one relationship is stored', async () => {
      const { token } = await linkOf(world, PARTNERS.direct);

      const results = await Promise.all([
        acceptInvitation(world.deps, token, admin, YES),
        acceptInvitation(world.deps, token, admin, YES),
      ]);

      expect(results.map((r) => r.relationship.status)).toEqual(['active', 'active']);
      expect(world.relationships.all()).toHaveLength(1);
    });

    it('when a link without roles is accepted while an earlier grant is active, then the earlier roles stay', async () => {
      const withDap = await linkOf(world, PARTNERS.direct, {
        kind: 'reseller-relationship',
        delegatedAdmin: DAP,
      });
      await acceptInvitation(world.deps, withDap.token, admin, YES_WITH_DAP);
      const without = await linkOf(world, PARTNERS.direct);

      await acceptInvitation(world.deps, without.token, admin, YES);

      expect(
        (await world.deps.relationships.get('contoso-direct', TENANT_ID))?.value.delegatedAdmin?.roles,
      ).toEqual([INTUNE_ADMINISTRATOR]);
    });

    it('when the tenant directory does not know the tenant, then the domain is taken from the UPN', async () => {
      const { token } = await linkOf(world, PARTNERS.direct);
      const stranger = customerUser({
        tenantId: '9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94',
        upn: 'admin@wingtip.onmicrosoft.com',
      });

      const result = await acceptInvitation(world.deps, token, stranger, YES);

      expect(result.relationship.domain).toBe('wingtip.onmicrosoft.com');
    });
  });

  describe('an OEM', () => {
    it('when a cloud-native Global Administrator accepts, then an OEM relationship without delegated admin is written', async () => {
      const { token } = await linkOf(world, PARTNERS.oem);

      await acceptInvitation(world.deps, token, admin, YES_WITH_DAP);

      expect((await world.deps.relationships.get('adatum-oem', TENANT_ID))?.value).toMatchObject({
        relationship: 'oem',
        authorization: 'direct',
        status: 'active',
        delegatedAdmin: null,
      });
    });
  });

  describe('an indirect reseller', () => {
    it('when the Global Administrator accepts, then the reseller is authorised directly and its provider indirectly, via the reseller', async () => {
      const { token } = await linkOf(world, PARTNERS.reseller);

      const result = await acceptInvitation(world.deps, token, admin, YES);

      expect((await world.deps.relationships.get('northwind-reseller', TENANT_ID))?.value).toMatchObject({
        authorization: 'direct',
        status: 'active',
        viaResellerIds: [],
      });
      const provider = await world.deps.relationships.get('fabrikam-distribution', TENANT_ID);
      expect(provider?.value).toEqual({
        partnerId: 'fabrikam-distribution',
        tenantId: TENANT_ID,
        domain: TENANT_DOMAIN,
        relationship: 'reseller',
        authorization: 'indirect',
        status: 'active',
        delegatedAdmin: null,
        acceptedAt: '2025-03-01T10:00:00.000Z',
        acceptedBy: 'admin@tailspin.onmicrosoft.com',
        revokedAt: null,
        invitationId: null,
        viaResellerIds: ['northwind-reseller'],
      });
      expect(result.providers).toEqual([provider?.value]);
    });

    it('when the reseller is accepted, then consent is announced for the reseller and the provider, and the provider grant is audited', async () => {
      const { token } = await linkOf(world, PARTNERS.reseller);

      await acceptInvitation(world.deps, token, admin, YES);

      expect(world.consentEvents.given).toEqual([
        { partnerIds: ['northwind-reseller', 'fabrikam-distribution'], tenantId: TENANT_ID },
      ]);
      expect(world.audit.ofType('IndirectAuthorizationGranted')).toEqual([
        expect.objectContaining({
          partnerId: 'fabrikam-distribution',
          tenantId: TENANT_ID,
          details: { viaResellerId: 'northwind-reseller' },
        }),
      ]);
    });

    it('when the reseller asks for delegated admin and it is kept, then only the reseller gets the roles, not the provider', async () => {
      const { token } = await linkOf(world, PARTNERS.reseller, {
        kind: 'reseller-relationship',
        delegatedAdmin: DAP,
      });

      await acceptInvitation(world.deps, token, admin, YES_WITH_DAP);

      expect(
        (await world.deps.relationships.get('northwind-reseller', TENANT_ID))?.value.delegatedAdmin,
      ).not.toBeNull();
      expect(
        (await world.deps.relationships.get('fabrikam-distribution', TENANT_ID))?.value.delegatedAdmin,
      ).toBeNull();
    });

    it('when a second reseller of the same provider is accepted later, then the provider lists both and keeps its first acceptance', async () => {
      const first = await linkOf(world, PARTNERS.reseller);
      await acceptInvitation(world.deps, first.token, admin, YES);
      world.clock.advanceDays(5);
      const second = await linkOf(world, PARTNERS.otherReseller);

      await acceptInvitation(world.deps, second.token, admin, YES);

      expect((await world.deps.relationships.get('fabrikam-distribution', TENANT_ID))?.value).toMatchObject({
        status: 'active',
        acceptedAt: '2025-03-01T10:00:00.000Z',
        viaResellerIds: ['northwind-reseller', 'proseware-reseller'],
      });
    });

    it("when the reseller's link is accepted twice, then the provider is listed via the reseller once", async () => {
      const { token } = await linkOf(world, PARTNERS.reseller);

      await acceptInvitation(world.deps, token, admin, YES);
      await acceptInvitation(world.deps, token, admin, YES);

      expect(world.relationships.all()).toHaveLength(2);
      expect(
        (await world.deps.relationships.get('fabrikam-distribution', TENANT_ID))?.value.viaResellerIds,
      ).toEqual(['northwind-reseller']);
    });

    it("when five accepts of the reseller's link run at once, then one provider row lists the reseller once", async () => {
      const { token } = await linkOf(world, PARTNERS.reseller);

      await Promise.all(Array.from({ length: 5 }, () => acceptInvitation(world.deps, token, admin, YES)));

      const providers = world.relationships.all().filter((r) => r.partnerId === 'fabrikam-distribution');
      expect(providers).toHaveLength(1);
      expect(providers[0]?.viaResellerIds).toEqual(['northwind-reseller']);
    });
  });
});
