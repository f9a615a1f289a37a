import { DEMO_PARTNERS, DEMO_TENANTS, TAILSPIN_TENANT_ID } from '../../../infra/local/demoData';
import type { AcceptResult } from '../../../shared/application/consent/acceptInvitation';
import { acceptInvitation } from '../../../shared/application/consent/acceptInvitation';
import { resolvePrincipal } from '../../../shared/application/identity/resolvePrincipal';
import { createInvitation } from '../../../shared/application/invitations/createInvitation';
import { withdrawInvitation } from '../../../shared/application/invitations/withdrawInvitation';
import type { Services } from '../../../shared/compositionRoot';
import { buildServices } from '../../../shared/compositionRoot';
import { parseConfig } from '../../../shared/config/config';
import type { CustomerUser, PartnerClient, Principal } from '../../../shared/domain/identity/principal';
import { GLOBAL_ADMINISTRATOR_ROLE } from '../../../shared/domain/invitations/adminRoles';
import { dropTables, rowsOf, testConnection, uniquePrefix } from './tableFixture';

/**
 * The real use cases on the real table adapters, wired by the composition root against Azurite, each
 * file with a table prefix of its own; principals come from dev-issued tokens as they do over HTTP.
 */
describe('concurrent acceptance (Azurite)', () => {
  let svc: Services;

  beforeAll(async () => {
    svc = await buildServices(
      parseConfig({
        STORAGE_CONNECTION_STRING: testConnection(),
        TABLE_PREFIX: uniquePrefix(),
        AUTH_MODE: 'dev',
      }),
    );
    for (const partner of DEMO_PARTNERS) await svc.partners.upsert(partner);
    for (const tenant of DEMO_TENANTS) await svc.devDirectory.upsertTenant(tenant);
  });
  afterAll(() => dropTables(svc.tables, svc.tableNames));

  async function principalOf(
    claims: Parameters<NonNullable<Services['devIssuer']>['issue']>[0],
  ): Promise<Principal> {
    const token = await svc.devIssuer!.issue(claims);
    return resolvePrincipal(svc.partners, await svc.verifier.verify(token));
  }

  const partnerClientOf = async (partnerId: string) =>
    (await principalOf({
      tid: DEMO_PARTNERS.find((p) => p.id === partnerId)!.homeTenantId,
      sub: `${partnerId}-api-client`,
      azp: `${partnerId}-api-client`,
      idtyp: 'app',
    })) as PartnerClient;

  const tailspinAdmin = async () =>
    (await principalOf({
      tid: TAILSPIN_TENANT_ID,
      sub: 'a0000000-0000-4000-8000-000000000001',
      oid: 'a0000000-0000-4000-8000-000000000001',
      upn: 'admin@tailspin.onmicrosoft.com',
      wids: [GLOBAL_ADMINISTRATOR_ROLE],
    })) as CustomerUser;

  async function linkOf(partnerId: string): Promise<{ token: string; invitationId: string }> {
    const created = await createInvitation(svc.deps, await partnerClientOf(partnerId), {
      kind: 'reseller-relationship',
    });
    return {
      token: created.url.slice(created.url.lastIndexOf('/') + 1),
      invitationId: created.invitation.id,
    };
  }

  it('when the principals are resolved from dev tokens, then they are the partner client and the Global Administrator', async () => {
    expect(await partnerClientOf('contoso-direct')).toEqual({
      kind: 'partner-client',
      partnerId: 'contoso-direct',
      clientId: 'contoso-direct-api-client',
    });
    expect(await tailspinAdmin()).toMatchObject({
      kind: 'customer-user',
      tenantId: TAILSPIN_TENANT_ID,
      cloudNative: true,
    });
  });

  it('when two accepts of the same link for the same tenant run at once, then both succeed and one relationship row exists', async () => {
    const { token, invitationId } = await linkOf('contoso-direct');
    const admin = await tailspinAdmin();

    const results: AcceptResult[] = await Promise.all([
      acceptInvitation(svc.deps, token, admin, { consent: true, includeDelegatedAdmin: false }),
      acceptInvitation(svc.deps, token, admin, { consent: true, includeDelegatedAdmin: false }),
    ]);

    expect(results.map((r) => r.relationship.status)).toEqual(['active', 'active']);
    const rows = await rowsOf(svc.tables, svc.tableNames.relationships, 'contoso-direct');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      rowKey: TAILSPIN_TENANT_ID,
      status: 'active',
      authorization: 'direct',
      domain: 'tailspin.onmicrosoft.com',
      invitationId,
    });
    // Both callers report the acceptance that was stored.
    expect(new Set(results.map((r) => r.relationship.acceptedAt))).toEqual(new Set([rows[0]?.acceptedAt]));
  });

  it("when five accepts of an indirect reseller's link run at once, then exactly one provider row exists, via that reseller", async () => {
    const { token } = await linkOf('northwind-reseller');
    const admin = await tailspinAdmin();

    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        acceptInvitation(svc.deps, token, admin, { consent: true, includeDelegatedAdmin: false }),
      ),
    );

    expect(results).toHaveLength(5);
    const resellerRows = await rowsOf(svc.tables, svc.tableNames.relationships, 'northwind-reseller');
    const providerRows = await rowsOf(svc.tables, svc.tableNames.relationships, 'fabrikam-distribution');
    expect(resellerRows).toHaveLength(1);
    expect(providerRows).toHaveLength(1);
    expect(providerRows[0]).toMatchObject({
      rowKey: TAILSPIN_TENANT_ID,
      status: 'active',
      authorization: 'indirect',
    });
    expect(JSON.parse(providerRows[0]?.viaResellerIds as string)).toEqual(['northwind-reseller']);
    const stored = await svc.deps.relationships.get('fabrikam-distribution', TAILSPIN_TENANT_ID);
    expect(stored?.value.viaResellerIds).toEqual(['northwind-reseller']);
  });

  it('when a link is withdrawn twice at once, then it is withdrawn, audited once, and can no longer be accepted', async () => {
    const { token, invitationId } = await linkOf('contoso-direct');
    const client = await partnerClientOf('contoso-direct');

    await Promise.all([
      withdrawInvitation(svc.deps, client, invitationId),
      withdrawInvitation(svc.deps, client, invitationId),
    ]);

    expect((await svc.deps.invitations.get('contoso-direct', invitationId))?.value.withdrawnAt).toEqual(
      expect.any(String),
    );
    const withdrawals = (await svc.deps.audit.list({ partnerId: 'contoso-direct' }, 100)).filter(
      (e) => e.type === 'InvitationWithdrawn' && e.details.invitationId === invitationId,
    );
    expect(withdrawals).toHaveLength(1);
    await expect(
      acceptInvitation(svc.deps, token, await tailspinAdmin(), {
        consent: true,
        includeDelegatedAdmin: false,
      }),
    ).rejects.toMatchObject({ kind: 'gone', code: 'InvitationWithdrawn' });
  });
});
