import { resolvePrincipal } from '../../../shared/application/identity/resolvePrincipal';
import type { TokenClaims } from '../../../shared/application/identity/tokenClaims';
import { DomainError } from '../../../shared/domain/domainError';
import { GLOBAL_ADMINISTRATOR_ROLE } from '../../../shared/domain/invitations/adminRoles';
import { InMemoryPartnerDirectory, PARTNERS, TENANT_ID } from '../../support/inMemoryPorts';

const partners = new InMemoryPartnerDirectory(Object.values(PARTNERS));
const contoso = PARTNERS.direct;

async function refusal(claims: TokenClaims): Promise<DomainError> {
  try {
    await resolvePrincipal(partners, claims);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the claims to be refused');
}

describe('resolvePrincipal', () => {
  it("when an app token comes from a partner's tenant with a registered client ID, then it is that partner's client", async () => {
    const principal = await resolvePrincipal(partners, {
      tid: contoso.homeTenantId,
      sub: 'sp-object-id',
      idtyp: 'app',
      azp: 'contoso-direct-api-client',
    });

    expect(principal).toEqual({
      kind: 'partner-client',
      partnerId: 'contoso-direct',
      clientId: 'contoso-direct-api-client',
    });
  });

  it('when a v1 app token names its client in appid, then that client is used', async () => {
    const principal = await resolvePrincipal(partners, {
      tid: contoso.homeTenantId.toUpperCase(),
      sub: 'sp-object-id',
      appid: 'contoso-direct-api-client',
    });

    expect(principal).toMatchObject({ kind: 'partner-client', partnerId: 'contoso-direct' });
  });

  it("when an app token from a partner's tenant names an unregistered client, then it is refused with 401 UnknownApiClient", async () => {
    const error = await refusal({
      tid: contoso.homeTenantId,
      sub: 'sp-object-id',
      idtyp: 'app',
      azp: 'some-other-app',
    });

    expect(error.kind).toBe('unauthenticated');
    expect(error.code).toBe('UnknownApiClient');
  });

  it("when a client registered to another partner presents a token of this partner's tenant, then it is refused", async () => {
    const error = await refusal({
      tid: contoso.homeTenantId,
      sub: 'sp',
      idtyp: 'app',
      azp: 'northwind-reseller-api-client',
    });

    expect(error.code).toBe('UnknownApiClient');
  });

  it("when a user token comes from a partner's tenant, then it is a portal user of that partner", async () => {
    const principal = await resolvePrincipal(partners, {
      tid: PARTNERS.reseller.homeTenantId,
      sub: 'sub-1',
      oid: 'oid-1',
      preferred_username: 'Agent@Northwind-Reseller.example',
    });

    expect(principal).toEqual({
      kind: 'partner-user',
      partnerId: 'northwind-reseller',
      userId: 'oid-1',
      upn: 'agent@northwind-reseller.example',
    });
  });

  it('when a user token comes from any other tenant, then it is a customer user with its wids as role IDs', async () => {
    const principal = await resolvePrincipal(partners, {
      tid: TENANT_ID.toUpperCase(),
      sub: 'sub-2',
      oid: 'oid-2',
      upn: 'Admin@Tailspin.onmicrosoft.com',
      name: 'Tailspin Admin',
      wids: [GLOBAL_ADMINISTRATOR_ROLE.toUpperCase(), 'b79fbf4d-3ef9-4689-8143-76b194e85509'],
    });

    expect(principal).toEqual({
      kind: 'customer-user',
      tenantId: TENANT_ID,
      userId: 'oid-2',
      upn: 'admin@tailspin.onmicrosoft.com',
      displayName: 'Tailspin Admin',
      roleIds: [GLOBAL_ADMINISTRATOR_ROLE, 'b79fbf4d-3ef9-4689-8143-76b194e85509'],
      cloudNative: true,
    });
  });

  it('when a customer user has a federated UPN and no wids, then it is not cloud-native and holds no roles', async () => {
    const principal = await resolvePrincipal(partners, {
      tid: TENANT_ID,
      sub: 'sub-3',
      upn: 'it-admin@tailspintoys.com',
    });

    expect(principal).toMatchObject({
      kind: 'customer-user',
      userId: 'sub-3',
      roleIds: [],
      cloudNative: false,
    });
  });

  it('when an app-only token comes from a tenant that is no partner, then it is refused with UserTokenRequired', async () => {
    const error = await refusal({
      tid: TENANT_ID,
      sub: 'sp',
      idtyp: 'app',
      azp: 'contoso-direct-api-client',
    });

    expect(error.kind).toBe('unauthenticated');
    expect(error.code).toBe('UserTokenRequired');
  });

  it('when a token from a tenant that is no partner names no user, then it is refused', async () => {
    expect((await refusal({ tid: TENANT_ID, sub: 'sp' })).code).toBe('UserTokenRequired');
  });

  it('when a token claims idtyp app but also carries a UPN from a customer tenant, then it is still refused', async () => {
    const error = await refusal({
      tid: TENANT_ID,
      sub: 'sp',
      idtyp: 'app',
      upn: 'admin@tailspin.onmicrosoft.com',
    });

    expect(error.code).toBe('UserTokenRequired');
  });
  it('when a guest from another tenant signs in with its home onmicrosoft.com name, then it is not cloud-native', async () => {
    const principal = await resolvePrincipal(partners, {
      tid: TENANT_ID,
      sub: 'sub-4',
      preferred_username: 'admin@wingtip.onmicrosoft.com',
      wids: [GLOBAL_ADMINISTRATOR_ROLE],
      acct: 1,
      idp: 'https://sts.windows.net/9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94/',
    });

    expect(principal).toMatchObject({ kind: 'customer-user', tenantId: TENANT_ID, cloudNative: false });
  });

  describe("a partner's home tenant", () => {
    const reseller = PARTNERS.reseller;
    const member = { tid: reseller.homeTenantId, sub: 'sub-g', oid: 'oid-g' };

    it.each([
      ['acct 1', { preferred_username: 'ann@fabrikam.example', acct: 1 }],
      ['an #EXT# name', { upn: 'ann_fabrikam.example#EXT#@northwindreseller.onmicrosoft.com' }],
      [
        "another tenant's idp",
        { upn: 'ann@fabrikam.example', idp: 'https://sts.windows.net/9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94/' },
      ],
      ['a personal Microsoft account', { upn: 'ann@outlook.com', idp: 'live.com' }],
    ])(
      'when a guest (%s) signs in, then it is refused with 403 PartnerGuestRefused, not made a portal user',
      async (_what, claims) => {
        const error = await refusal({ ...member, ...claims });

        expect([error.kind, error.code]).toEqual(['forbidden', 'PartnerGuestRefused']);
      },
    );

    it("when a member whose organisation federates its sign-in signs in, then it is the partner's portal user", async () => {
      const principal = await resolvePrincipal(partners, {
        ...member,
        upn: 'agent@northwind-reseller.example',
        acct: 0,
        idp: 'http://adfs.northwind-reseller.example/adfs/services/trust',
      });

      expect(principal).toMatchObject({ kind: 'partner-user', partnerId: 'northwind-reseller' });
    });
  });

  describe('a tenant that is home to two partners', () => {
    const shared = new InMemoryPartnerDirectory([
      contoso,
      { ...PARTNERS.oem, homeTenantId: contoso.homeTenantId },
    ]);

    it('when a user of that tenant signs in, then it is refused with 403 PartnerTenantAmbiguous (neither partner is guessed)', async () => {
      const error = await resolvePrincipal(shared, {
        tid: contoso.homeTenantId,
        sub: 's',
        upn: 'agent@contoso-direct.example',
      }).catch((e: unknown) => e);

      expect(error).toMatchObject({ kind: 'forbidden', code: 'PartnerTenantAmbiguous' });
    });

    it.each([
      [contoso.apiClientIds[0]!, contoso.id],
      [PARTNERS.oem.apiClientIds[0]!, PARTNERS.oem.id],
    ])(
      'when API client %s of that tenant calls, then it is the client of the partner that registered it (%s)',
      async (clientId, partnerId) => {
        const principal = await resolvePrincipal(shared, {
          tid: contoso.homeTenantId,
          sub: 'sp',
          idtyp: 'app',
          azp: clientId,
        });

        expect(principal).toEqual({ kind: 'partner-client', partnerId, clientId });
      },
    );
  });
});
