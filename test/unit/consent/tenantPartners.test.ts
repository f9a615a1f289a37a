import { acceptInvitation } from '../../../shared/application/consent/acceptInvitation';
import { getCustomer, listCustomers } from '../../../shared/application/customers/listCustomers';
import { createInvitation } from '../../../shared/application/invitations/createInvitation';
import {
  listTenantPartners,
  removeDelegatedAdmin,
  revokePartner,
} from '../../../shared/application/tenantAdmin/tenantPartners';
import { DomainError } from '../../../shared/domain/domainError';
import type { Partner } from '../../../shared/domain/partners/partner';
import type { InMemoryWorld } from '../../support/inMemoryPorts';
import {
  PARTNERS,
  TENANT_ID,
  customerUser,
  inMemoryWorld,
  partnerClient,
  tokenOf,
} from '../../support/inMemoryPorts';

const INTUNE_ADMINISTRATOR = '3a2c62db-5318-420d-8d74-23affee5d9d5';
const HELPDESK_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const OTHER_TENANT_ID = '9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94';

const admin = customerUser();
const helpdesk = customerUser({
  upn: 'helpdesk@tailspin.onmicrosoft.com',
  roleIds: [HELPDESK_ADMINISTRATOR],
});
const otherTenantAdmin = customerUser({ tenantId: OTHER_TENANT_ID, upn: 'admin@wingtip.onmicrosoft.com' });

async function accepted(
  world: InMemoryWorld,
  partner: Partner,
  options: { withDelegatedAdmin?: boolean; by?: typeof admin } = {},
): Promise<void> {
  const created = await createInvitation(world.deps, partnerClient(partner), {
    kind: partner.kind === 'oem' ? 'oem-authorization' : 'reseller-relationship',
    ...(options.withDelegatedAdmin
      ? { delegatedAdmin: { roles: [INTUNE_ADMINISTRATOR], duration: 'P90D' } }
      : {}),
  });
  await acceptInvitation(world.deps, tokenOf(created.url), options.by ?? admin, {
    consent: true,
    includeDelegatedAdmin: Boolean(options.withDelegatedAdmin),
  });
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

const statusOf = async (world: InMemoryWorld, partnerId: string, tenantId = TENANT_ID) =>
  (await world.deps.relationships.get(partnerId, tenantId))?.value;

describe('tenant administration', () => {
  let world: InMemoryWorld;
  beforeEach(() => {
    world = inMemoryWorld();
  });

  describe('listTenantPartners', () => {
    it('when a Global Administrator lists partners, then every relationship of the tenant is shown with its partner, OEMs and providers included', async () => {
      await accepted(world, PARTNERS.reseller);
      await accepted(world, PARTNERS.oem);
      await accepted(world, PARTNERS.direct, { by: otherTenantAdmin });

      const listed = await listTenantPartners(world.deps, admin);

      expect(
        listed.map((p) => [p.partner?.id, p.relationship.authorization, p.relationship.tenantId]),
      ).toEqual([
        ['adatum-oem', 'direct', TENANT_ID],
        ['fabrikam-distribution', 'indirect', TENANT_ID],
        ['northwind-reseller', 'direct', TENANT_ID],
      ]);
    });

    it('when a user who is not a Global Administrator lists partners, then it is refused', async () => {
      await accepted(world, PARTNERS.direct);

      expect((await refusal(listTenantPartners(world.deps, helpdesk))).code).toBe(
        'GlobalAdministratorRequired',
      );
    });

    it('when a partner lists tenant partners, then it is refused', async () => {
      expect((await refusal(listTenantPartners(world.deps, partnerClient(PARTNERS.direct)))).code).toBe(
        'CustomerAccountRequired',
      );
    });
  });

  describe('removeDelegatedAdmin', () => {
    it('when the Global Administrator removes delegated admin, then the roles go, the authorisation stays, and it is audited', async () => {
      await accepted(world, PARTNERS.direct, { withDelegatedAdmin: true });

      const updated = await removeDelegatedAdmin(world.deps, admin, 'contoso-direct');

      expect(updated).toMatchObject({ status: 'active', delegatedAdmin: null });
      expect(await statusOf(world, 'contoso-direct')).toMatchObject({
        status: 'active',
        delegatedAdmin: null,
      });
      expect(world.audit.ofType('DelegatedAdminRemoved')).toEqual([
        expect.objectContaining({
          partnerId: 'contoso-direct',
          tenantId: TENANT_ID,
          details: { roles: [INTUNE_ADMINISTRATOR] },
        }),
      ]);
    });

    it('when the partner has no delegated admin, then nothing is audited', async () => {
      await accepted(world, PARTNERS.direct);

      await removeDelegatedAdmin(world.deps, admin, 'contoso-direct');

      expect(world.audit.ofType('DelegatedAdminRemoved')).toEqual([]);
    });

    it('when a Helpdesk Administrator removes delegated admin, then it is refused and the roles stay', async () => {
      await accepted(world, PARTNERS.direct, { withDelegatedAdmin: true });

      expect((await refusal(removeDelegatedAdmin(world.deps, helpdesk, 'contoso-direct'))).code).toBe(
        'GlobalAdministratorRequired',
      );
      expect((await statusOf(world, 'contoso-direct'))?.delegatedAdmin).not.toBeNull();
    });

    it('when the tenant has no relationship with the partner, then it is not found', async () => {
      await accepted(world, PARTNERS.direct, { withDelegatedAdmin: true, by: otherTenantAdmin });

      const error = await refusal(removeDelegatedAdmin(world.deps, admin, 'contoso-direct'));

      expect(error).toMatchObject({ kind: 'notFound', code: 'PartnerRelationshipNotFound' });
      expect((await statusOf(world, 'contoso-direct', OTHER_TENANT_ID))?.delegatedAdmin).not.toBeNull();
    });
  });

  describe('revokePartner', () => {
    it('when a direct CSP with delegated admin is revoked, then it is revoked, its roles go, it is audited and announced', async () => {
      await accepted(world, PARTNERS.direct, { withDelegatedAdmin: true });
      world.clock.advanceDays(1);

      const revoked = await revokePartner(world.deps, admin, 'contoso-direct');

      expect(revoked).toMatchObject({
        status: 'revoked',
        revokedAt: '2025-03-02T10:00:00.000Z',
        delegatedAdmin: null,
      });
      expect(await statusOf(world, 'contoso-direct')).toEqual(revoked);
      expect(world.audit.ofType('RelationshipRevoked')).toEqual([
        expect.objectContaining({
          partnerId: 'contoso-direct',
          tenantId: TENANT_ID,
          details: { relationship: 'reseller', authorization: 'direct' },
        }),
      ]);
      expect(world.consentEvents.revoked).toEqual([{ partnerIds: ['contoso-direct'], tenantId: TENANT_ID }]);
    });

    it("when an OEM is revoked, then the OEM's authorisation ends and consentRevoked names the OEM", async () => {
      await accepted(world, PARTNERS.oem);

      await revokePartner(world.deps, admin, 'adatum-oem');

      expect(await statusOf(world, 'adatum-oem')).toMatchObject({ relationship: 'oem', status: 'revoked' });
      expect(world.consentEvents.revoked).toEqual([{ partnerIds: ['adatum-oem'], tenantId: TENANT_ID }]);
    });

    it("when an indirect reseller is revoked, then the provider's indirect authorisation it brought is revoked too", async () => {
      await accepted(world, PARTNERS.reseller);

      await revokePartner(world.deps, admin, 'northwind-reseller');

      expect(await statusOf(world, 'northwind-reseller')).toMatchObject({ status: 'revoked' });
      expect(await statusOf(world, 'fabrikam-distribution')).toMatchObject({
        status: 'revoked',
        viaResellerIds: [],
        revokedAt: '2025-03-01T10:00:00.000Z',
      });
      expect(world.consentEvents.revoked).toEqual([
        { partnerIds: ['northwind-reseller', 'fabrikam-distribution'], tenantId: TENANT_ID },
      ]);
      expect(world.audit.ofType('IndirectAuthorizationRevoked')).toEqual([
        expect.objectContaining({
          partnerId: 'fabrikam-distribution',
          tenantId: TENANT_ID,
          details: { viaResellerId: 'northwind-reseller' },
        }),
      ]);
    });

    it('when one of two resellers bringing the same provider is revoked, then the provider stays authorised via the other', async () => {
      await accepted(world, PARTNERS.reseller);
      await accepted(world, PARTNERS.otherReseller);

      await revokePartner(world.deps, admin, 'northwind-reseller');

      expect(await statusOf(world, 'fabrikam-distribution')).toMatchObject({
        status: 'active',
        viaResellerIds: ['proseware-reseller'],
      });
      expect(world.consentEvents.revoked).toEqual([
        { partnerIds: ['northwind-reseller'], tenantId: TENANT_ID },
      ]);
      expect(world.audit.ofType('IndirectAuthorizationRevoked')).toEqual([]);
    });

    it('when both resellers are revoked one after the other, then the provider is revoked with the second', async () => {
      await accepted(world, PARTNERS.reseller);
      await accepted(world, PARTNERS.otherReseller);

      await revokePartner(world.deps, admin, 'northwind-reseller');
      await revokePartner(world.deps, admin, 'proseware-reseller');

      expect(await statusOf(world, 'fabrikam-distribution')).toMatchObject({
        status: 'revoked',
        viaResellerIds: [],
      });
      expect(world.consentEvents.revoked).toEqual([
        { partnerIds: ['northwind-reseller'], tenantId: TENANT_ID },
        { partnerIds: ['proseware-reseller', 'fabrikam-distribution'], tenantId: TENANT_ID },
      ]);
    });

    it("when a reseller is revoked in one tenant, then the provider's authorisation in another tenant is untouched", async () => {
      await accepted(world, PARTNERS.reseller);
      await accepted(world, PARTNERS.reseller, { by: otherTenantAdmin });

      await revokePartner(world.deps, admin, 'northwind-reseller');

      expect(await statusOf(world, 'fabrikam-distribution', OTHER_TENANT_ID)).toMatchObject({
        status: 'active',
      });
      expect(await statusOf(world, 'northwind-reseller', OTHER_TENANT_ID)).toMatchObject({
        status: 'active',
      });
    });

    it('when a revoked partner is revoked again, then nothing more is audited or announced', async () => {
      await accepted(world, PARTNERS.reseller);
      await revokePartner(world.deps, admin, 'northwind-reseller');
      const auditedBefore = world.audit.events.length;
      world.clock.advanceDays(1);

      const again = await revokePartner(world.deps, admin, 'northwind-reseller');

      expect(again.revokedAt).toBe('2025-03-01T10:00:00.000Z');
      expect(world.audit.events).toHaveLength(auditedBefore);
      expect(world.consentEvents.revoked).toHaveLength(1);
    });

    it('when the reseller is accepted again after revocation, then the reseller and provider are active again, accepted anew', async () => {
      await accepted(world, PARTNERS.reseller);
      await revokePartner(world.deps, admin, 'northwind-reseller');
      world.clock.advanceDays(2);

      await accepted(world, PARTNERS.reseller);

      expect(await statusOf(world, 'fabrikam-distribution')).toMatchObject({
        status: 'active',
        revokedAt: null,
        acceptedAt: '2025-03-03T10:00:00.000Z',
        viaResellerIds: ['northwind-reseller'],
      });
    });

    it('when a Helpdesk Administrator revokes, then it is refused and nothing changes', async () => {
      await accepted(world, PARTNERS.reseller);

      expect((await refusal(revokePartner(world.deps, helpdesk, 'northwind-reseller'))).code).toBe(
        'GlobalAdministratorRequired',
      );
      expect(await statusOf(world, 'northwind-reseller')).toMatchObject({ status: 'active' });
      expect(world.consentEvents.revoked).toEqual([]);
    });

    it('when the tenant has no relationship with the partner, then it is not found', async () => {
      expect(await refusal(revokePartner(world.deps, admin, 'contoso-direct'))).toMatchObject({
        kind: 'notFound',
        code: 'PartnerRelationshipNotFound',
      });
    });
  });

  describe("the partner's customer list", () => {
    it('when a partner lists its customers, then it sees each tenant that authorised it, directly or not', async () => {
      await accepted(world, PARTNERS.reseller);
      world.clock.advanceDays(1);
      await accepted(world, PARTNERS.reseller, { by: otherTenantAdmin });

      const customers = await listCustomers(world.deps, partnerClient(PARTNERS.provider));

      expect(customers.map((c) => [c.tenantId, c.authorization])).toEqual([
        [OTHER_TENANT_ID, 'indirect'],
        [TENANT_ID, 'indirect'],
      ]);
    });

    it('when a partner asks for a tenant that never authorised it, then it is not found', async () => {
      await accepted(world, PARTNERS.direct);

      expect(await refusal(getCustomer(world.deps, partnerClient(PARTNERS.oem), TENANT_ID))).toMatchObject({
        code: 'CustomerNotFound',
      });
      expect(
        await getCustomer(world.deps, partnerClient(PARTNERS.direct), TENANT_ID.toUpperCase()),
      ).toMatchObject({
        partnerId: 'contoso-direct',
      });
    });
  });
});
