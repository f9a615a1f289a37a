import { ApiClient } from '../support/apiClient';
import type { LocalHostProcess } from '../support/localHostProcess';
import { startLocalHostProcess } from '../support/localHostProcess';

/** The consent half of the public contract, over HTTP against the local host. */
const INTUNE_ADMIN = '3a2c62db-5318-420d-8d74-23affee5d9d5';
const CLOUD_DEVICE_ADMIN = '7698a772-787b-4ac8-901f-60d6b08affd2';
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';

type Json = Record<string, any>;

let host: LocalHostProcess;
let api: ApiClient;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  host = await startLocalHostProcess();
  api = new ApiClient(host.baseUrl);
  for (const partnerId of [
    'contoso-direct',
    'fabrikam-distribution',
    'northwind-reseller',
    'adatum-oem',
    'litware-oem',
  ]) {
    tokens[partnerId] = await api.partnerToken(partnerId);
  }
}, 90_000);

afterAll(async () => {
  await host?.stop();
});

async function invite(partnerId: string, body: Json = { kind: 'reseller-relationship' }): Promise<Json> {
  const res = await api.request<Json>('POST', '/api/v1/invitations', {
    token: tokens[partnerId],
    json: body,
  });
  expect([200, 201]).toContain(res.status);
  return res.body;
}

async function accept(url: string, upn: string, form: Record<string, string> = { consent: 'yes' }) {
  return api.request<Json>('POST', url, {
    token: await api.userToken(upn),
    form,
    headers: { accept: 'application/json' },
  });
}

async function customersOf(partnerId: string): Promise<Json[]> {
  const res = await api.request<{ items: Json[] }>('GET', '/api/v1/customers', { token: tokens[partnerId] });
  expect(res.status).toBe(200);
  return res.body.items;
}

describe('service basics', () => {
  it('when the host is up, then health answers 200', async () => {
    const res = await api.request<Json>('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('when the OpenAPI document is fetched, then it is 3.1 and describes every public route', async () => {
    const res = await api.request<Json>('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths as object)).toEqual(
      expect.arrayContaining([
        '/api/v1/invitations',
        '/api/v1/invitations/{id}',
        '/api/v1/customers',
        '/api/v1/customers/{tenantId}',
        '/api/v1/tenant/partners',
        '/api/v1/tenant/partners/{partnerId}',
        '/api/v1/tenant/partners/{partnerId}/removeDelegatedAdmin',
        '/api/consent/{token}',
        '/api/dev/token',
        '/api/v1/customers/{tenantId}/deviceBatches',
        '/api/v1/customers/{tenantId}/deviceBatches/validate',
        '/api/v1/customers/{tenantId}/deviceBatches/{batchId}/devices',
        '/api/v1/customers/{tenantId}/devices/{deviceId}',
      ]),
    );
    expect(res.body.components.schemas.CreateInvitationRequest.properties.kind.enum).toEqual([
      'reseller-relationship',
      'oem-authorization',
    ]);
  });

  it('when a route does not exist or the method is wrong, then the answer is problem+json 404 or 405', async () => {
    const missing = await api.request<Json>('GET', '/api/v1/nothing');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const wrongMethod = await api.request<Json>('PUT', '/api/v1/invitations');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.code).toBe('MethodNotAllowed');
  });
});

describe('identity', () => {
  it('when no token or a forged token is sent, then the partner API answers 401', async () => {
    const none = await api.request<Json>('GET', '/api/v1/customers');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('AuthenticationRequired');
    const forged = await api.request<Json>('GET', '/api/v1/customers', {
      token: `${tokens['contoso-direct']!.slice(0, -4)}AAAA`,
    });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('InvalidToken');
  });

  it("when a customer's user calls the partner API, then it is refused with 403", async () => {
    const tenant = await api.newTenant();
    const res = await api.request<Json>('GET', '/api/v1/customers', {
      token: await api.userToken(tenant.admin),
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('PartnerRequired');
  });

  it('when a partner calls the customer admin API, then it is refused with 403', async () => {
    const res = await api.request<Json>('GET', '/api/v1/tenant/partners', {
      token: tokens['contoso-direct'],
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('CustomerAccountRequired');
  });

  it('when a dev token is asked for an unknown user or partner, then 404', async () => {
    expect(
      (await api.request('POST', '/api/dev/token', { json: { upn: 'nobody@nowhere.example' } })).status,
    ).toBe(404);
    expect(
      (await api.request('POST', '/api/dev/token', { json: { partnerId: 'no-such-partner' } })).status,
    ).toBe(404);
  });
});

describe('invitations', () => {
  it('when a direct CSP invites with delegated roles, then the link, expiry and named roles come back', async () => {
    const body = await invite('contoso-direct', {
      kind: 'reseller-relationship',
      delegatedAdmin: { roles: [INTUNE_ADMIN, CLOUD_DEVICE_ADMIN], duration: 'P90D' },
      customerEmail: 'it@customer.example',
    });
    expect(body.url).toMatch(new RegExp(`^${host.baseUrl}/api/consent/contoso-direct\\.`));
    expect(body.delegatedAdmin.roles).toEqual([
      { id: INTUNE_ADMIN, name: 'Intune Administrator' },
      { id: CLOUD_DEVICE_ADMIN, name: 'Cloud Device Administrator' },
    ]);
    const days = (Date.parse(body.expiresAt) - Date.parse(body.createdAt)) / 86_400_000;
    expect(days).toBe(90);
    expect(body.warnings).toEqual([]);
    const list = await api.request<{ items: Json[] }>('GET', '/api/v1/invitations', {
      token: tokens['contoso-direct'],
    });
    expect(list.body.items.map((i) => i.id)).toContain(body.id);
  });

  it('when Global Administrator is asked for, then the invitation carries a least-privilege warning', async () => {
    const body = await invite('contoso-direct', {
      kind: 'reseller-relationship',
      delegatedAdmin: { roles: [GLOBAL_ADMIN], duration: 'P1D' },
    });
    expect(body.warnings).toEqual([expect.objectContaining({ code: 'GlobalAdministratorRequested' })]);
  });

  it.each([
    ['an unknown field', { kind: 'reseller-relationship', extra: 1 }, 'ValidationFailed', 'extra'],
    ['a wrong kind', { kind: 'friendship' }, 'ValidationFailed', 'kind'],
    [
      'a role that is not a GUID',
      { kind: 'reseller-relationship', delegatedAdmin: { roles: ['admin'], duration: 'P1D' } },
      'ValidationFailed',
      'delegatedAdmin.roles.0',
    ],
    [
      'an unknown role',
      {
        kind: 'reseller-relationship',
        delegatedAdmin: { roles: ['00000000-0000-0000-0000-000000000000'], duration: 'P1D' },
      },
      'UnknownAdminRole',
      'delegatedAdmin.roles',
    ],
    [
      'a duration over two years',
      { kind: 'reseller-relationship', delegatedAdmin: { roles: [INTUNE_ADMIN], duration: 'P3Y' } },
      'DurationOutOfRange',
      'delegatedAdmin.duration',
    ],
    [
      'a duration that is not ISO 8601',
      { kind: 'reseller-relationship', delegatedAdmin: { roles: [INTUNE_ADMIN], duration: '90 days' } },
      'InvalidDuration',
      'delegatedAdmin.duration',
    ],
    [
      'a bad email',
      { kind: 'reseller-relationship', customerEmail: 'not-an-email' },
      'ValidationFailed',
      'customerEmail',
    ],
  ])(
    'when the body has %s, then 400 names the field and nothing is created',
    async (_what, json, code, field) => {
      const before = await api.request<{ items: Json[] }>('GET', '/api/v1/invitations', {
        token: tokens['contoso-direct'],
      });
      const res = await api.request<Json>('POST', '/api/v1/invitations', {
        token: tokens['contoso-direct'],
        json,
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe(code);
      expect(res.body.field).toBe(field);
      const after = await api.request<{ items: Json[] }>('GET', '/api/v1/invitations', {
        token: tokens['contoso-direct'],
      });
      expect(after.body.items).toHaveLength(before.body.items.length);
    },
  );

  it('when the body is not JSON, too large or of another type, then 400, 413 or 415', async () => {
    const token = tokens['contoso-direct'];
    const malformed = await api.request<Json>('POST', '/api/v1/invitations', {
      token,
      body: '{"kind":',
      headers: { 'content-type': 'application/json' },
    });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'MalformedJson']);
    const large = await api.request<Json>('POST', '/api/v1/invitations', {
      token,
      json: { kind: 'reseller-relationship', customerEmail: `${'a'.repeat(70_000)}@x.example` },
    });
    expect([large.status, large.body.code]).toEqual([413, 'PayloadTooLarge']);
    const text = await api.request<Json>('POST', '/api/v1/invitations', {
      token,
      body: 'kind=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect([text.status, text.body.code]).toEqual([415, 'UnsupportedMediaType']);
  });

  it('when partners ask for what their kind may not, then 403 with the rule', async () => {
    const provider = await api.request<Json>('POST', '/api/v1/invitations', {
      token: tokens['fabrikam-distribution'],
      json: { kind: 'reseller-relationship' },
    });
    expect([provider.status, provider.body.code]).toEqual([403, 'ProviderAuthorizedThroughResellers']);
    const notEligible = await api.request<Json>('POST', '/api/v1/invitations', {
      token: tokens['litware-oem'],
      json: { kind: 'oem-authorization' },
    });
    expect([notEligible.status, notEligible.body.code]).toEqual([403, 'OemNotEligible']);
    const cspAsOem = await api.request<Json>('POST', '/api/v1/invitations', {
      token: tokens['contoso-direct'],
      json: { kind: 'oem-authorization' },
    });
    expect([cspAsOem.status, cspAsOem.body.code]).toEqual([403, 'InvitationKindNotAllowed']);
    const oemWithDap = await api.request<Json>('POST', '/api/v1/invitations', {
      token: tokens['adatum-oem'],
      json: { kind: 'oem-authorization', delegatedAdmin: { roles: [INTUNE_ADMIN], duration: 'P1D' } },
    });
    expect([oemWithDap.status, oemWithDap.body.code]).toEqual([400, 'DelegatedAdminNotAllowed']);
  });

  it('when an eligible OEM asks twice, then it gets its one reusable link', async () => {
    const first = await invite('adatum-oem', { kind: 'oem-authorization' });
    const second = await api.request<Json>('POST', '/api/v1/invitations', {
      token: tokens['adatum-oem'],
      json: { kind: 'oem-authorization' },
    });
    expect(second.status).toBe(200);
    expect(second.body.url).toBe(first.url);
    expect(second.body.id).toBe(first.id);
  });

  it('when an invitation is withdrawn, then its link is dead (410) and another partner cannot withdraw it', async () => {
    const body = await invite('contoso-direct');
    const tenant = await api.newTenant();
    const foreign = await api.request<Json>('DELETE', `/api/v1/invitations/${body.id}`, {
      token: tokens['northwind-reseller'],
    });
    expect(foreign.status).toBe(404);
    const withdrawn = await api.request('DELETE', `/api/v1/invitations/${body.id}`, {
      token: tokens['contoso-direct'],
    });
    expect(withdrawn.status).toBe(204);
    const again = await api.request('DELETE', `/api/v1/invitations/${body.id}`, {
      token: tokens['contoso-direct'],
    });
    expect(again.status).toBe(204);
    const acceptance = await accept(body.url as string, tenant.admin);
    expect([acceptance.status, acceptance.body.code]).toEqual([410, 'InvitationWithdrawn']);
    expect((await customersOf('contoso-direct')).map((c) => c.tenantId)).not.toContain(tenant.tenantId);
    const badId = await api.request<Json>('DELETE', '/api/v1/invitations/not-a-guid', {
      token: tokens['contoso-direct'],
    });
    expect([badId.status, badId.body.field]).toEqual([400, 'id']);
  });
});

describe('consent', () => {
  it('when a Global Administrator accepts, then the partner sees the customer at once, and accepting again changes nothing', async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('contoso-direct');
    const res = await accept(url as string, tenant.admin);
    expect(res.status).toBe(200);
    expect(res.body.relationship).toMatchObject({
      tenantId: tenant.tenantId,
      status: 'active',
      authorization: 'direct',
    });
    const customer = (await customersOf('contoso-direct')).find((c) => c.tenantId === tenant.tenantId);
    expect(customer).toMatchObject({
      domain: tenant.domain,
      relationship: 'reseller',
      authorization: 'direct',
      status: 'active',
      delegatedAdmin: null,
    });
    const again = await accept(url as string, tenant.admin);
    expect(again.status).toBe(200);
    expect(again.body.relationship.acceptedAt).toBe(customer!.acceptedAt);
    expect((await customersOf('contoso-direct')).filter((c) => c.tenantId === tenant.tenantId)).toHaveLength(
      1,
    );
    const one = await api.request<Json>('GET', `/api/v1/customers/${tenant.tenantId}`, {
      token: tokens['contoso-direct'],
    });
    expect(one.body).toMatchObject({ tenantId: tenant.tenantId, status: 'active' });
  });

  it('when a non-Global-Administrator or an unticked Yes posts, then nothing changes', async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('contoso-direct');
    const helpdesk = await accept(url as string, tenant.helpdesk);
    expect([helpdesk.status, helpdesk.body.code]).toEqual([403, 'GlobalAdministratorRequired']);
    const unticked = await accept(url as string, tenant.admin, { includeDelegatedAdmin: 'true' });
    expect([unticked.status, unticked.body.code]).toEqual([400, 'ConsentNotGiven']);
    const partnerAccount = await api.request<Json>('POST', url as string, {
      token: tokens['contoso-direct'],
      form: { consent: 'yes' },
      headers: { accept: 'application/json' },
    });
    expect([partnerAccount.status, partnerAccount.body.code]).toEqual([403, 'CustomerAccountRequired']);
    expect((await customersOf('contoso-direct')).map((c) => c.tenantId)).not.toContain(tenant.tenantId);
  });

  it('when delegated roles are asked for, then they are granted only if the admin keeps them', async () => {
    const { url } = await invite('contoso-direct', {
      kind: 'reseller-relationship',
      delegatedAdmin: { roles: [INTUNE_ADMIN], duration: 'P30D' },
    });
    const withoutDap = await api.newTenant();
    await accept(url as string, withoutDap.admin, { consent: 'yes' });
    const withDap = await api.newTenant();
    await accept(url as string, withDap.admin, { consent: 'yes', includeDelegatedAdmin: 'true' });
    const customers = await customersOf('contoso-direct');
    expect(customers.find((c) => c.tenantId === withoutDap.tenantId)?.delegatedAdmin).toBeNull();
    const granted = customers.find((c) => c.tenantId === withDap.tenantId)?.delegatedAdmin;
    expect(granted.roles).toEqual([{ id: INTUNE_ADMIN, name: 'Intune Administrator' }]);
    expect(Math.round((Date.parse(granted.expiresAt) - Date.parse(granted.grantedAt)) / 86_400_000)).toBe(30);
  });

  it("when an indirect reseller's link is accepted, then its provider is authorised indirectly", async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('northwind-reseller');
    const res = await accept(url as string, tenant.admin);
    expect(res.body.providers).toEqual([
      expect.objectContaining({ partnerId: 'fabrikam-distribution', authorization: 'indirect' }),
    ]);
    expect(
      (await customersOf('northwind-reseller')).find((c) => c.tenantId === tenant.tenantId),
    ).toMatchObject({ authorization: 'direct' });
    expect(
      (await customersOf('fabrikam-distribution')).find((c) => c.tenantId === tenant.tenantId),
    ).toMatchObject({
      authorization: 'indirect',
      status: 'active',
      viaResellerIds: ['northwind-reseller'],
    });
  });

  it('when an OEM link is opened by a federated admin, then it is refused; a cloud-native admin accepts', async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('adatum-oem', { kind: 'oem-authorization' });
    const federated = await accept(url as string, tenant.federatedAdmin);
    expect([federated.status, federated.body.code]).toEqual([403, 'CloudNativeAccountRequired']);
    const res = await accept(url as string, tenant.admin, { consent: 'yes', includeDelegatedAdmin: 'true' });
    expect(res.body.relationship).toMatchObject({ relationship: 'oem', delegatedAdmin: null });
  });

  it('when a link is tampered with, then it is not found', async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('contoso-direct');
    const tampered = `${(url as string).slice(0, -1)}${(url as string).endsWith('A') ? 'B' : 'A'}`;
    const res = await accept(tampered, tenant.admin);
    expect([res.status, res.body.code]).toEqual([404, 'InvitationLinkNotFound']);
  });

  it('when someone other than that partner asks for a customer, then 404 hides it; a bad tenant ID is 400', async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('contoso-direct');
    await accept(url as string, tenant.admin);
    const other = await api.request<Json>('GET', `/api/v1/customers/${tenant.tenantId}`, {
      token: tokens['adatum-oem'],
    });
    expect([other.status, other.body.code]).toEqual([404, 'CustomerNotFound']);
    const bad = await api.request<Json>('GET', '/api/v1/customers/123', { token: tokens['contoso-direct'] });
    expect([bad.status, bad.body.field]).toEqual([400, 'tenantId']);
  });
});

describe('customer admin', () => {
  it("when the admin removes a partner's delegated roles, then the relationship stays without them", async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('contoso-direct', {
      kind: 'reseller-relationship',
      delegatedAdmin: { roles: [INTUNE_ADMIN], duration: 'P30D' },
    });
    await accept(url as string, tenant.admin, { consent: 'yes', includeDelegatedAdmin: 'true' });
    const adminToken = await api.userToken(tenant.admin);
    const res = await api.request<Json>(
      'POST',
      '/api/v1/tenant/partners/contoso-direct/removeDelegatedAdmin',
      { token: adminToken },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', delegatedAdmin: null });
    const list = await api.request<{ items: Json[] }>('GET', '/api/v1/tenant/partners', {
      token: adminToken,
    });
    expect(list.body.items).toEqual([
      expect.objectContaining({
        partnerId: 'contoso-direct',
        partnerName: 'Contoso Direct',
        delegatedAdmin: null,
      }),
    ]);
  });

  it('when the admin revokes an indirect reseller, then the provider authorisation it brought is revoked too', async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('northwind-reseller');
    await accept(url as string, tenant.admin);
    const adminToken = await api.userToken(tenant.admin);
    const res = await api.request<Json>('DELETE', '/api/v1/tenant/partners/northwind-reseller', {
      token: adminToken,
    });
    expect([res.status, res.body.status]).toEqual([200, 'revoked']);
    expect(
      (await customersOf('fabrikam-distribution')).find((c) => c.tenantId === tenant.tenantId)?.status,
    ).toBe('revoked');
    const audit = await api.request<{ items: Json[] }>('GET', '/api/v1/audit', { token: adminToken });
    expect(audit.body.items.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'ConsentAccepted',
        'IndirectAuthorizationGranted',
        'RelationshipRevoked',
        'IndirectAuthorizationRevoked',
      ]),
    );
  });

  it("when the admin revokes an OEM, then the OEM's customer list shows it revoked", async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('adatum-oem', { kind: 'oem-authorization' });
    await accept(url as string, tenant.admin);
    const res = await api.request<Json>('DELETE', '/api/v1/tenant/partners/adatum-oem', {
      token: await api.userToken(tenant.admin),
    });
    expect(res.status).toBe(200);
    expect((await customersOf('adatum-oem')).find((c) => c.tenantId === tenant.tenantId)?.status).toBe(
      'revoked',
    );
  });

  it('when a helpdesk user or an unrelated partner is named, then 403 or 404', async () => {
    const tenant = await api.newTenant();
    const helpdesk = await api.request<Json>('GET', '/api/v1/tenant/partners', {
      token: await api.userToken(tenant.helpdesk),
    });
    expect([helpdesk.status, helpdesk.body.code]).toEqual([403, 'GlobalAdministratorRequired']);
    const unrelated = await api.request<Json>('DELETE', '/api/v1/tenant/partners/litware-oem', {
      token: await api.userToken(tenant.admin),
    });
    expect([unrelated.status, unrelated.body.code]).toEqual([404, 'PartnerRelationshipNotFound']);
  });
});

describe('audit trail', () => {
  it('when a partner invites and a customer refuses then accepts, then both trails record it', async () => {
    const tenant = await api.newTenant();
    const { id, url } = await invite('contoso-direct');
    await accept(url as string, tenant.helpdesk);
    await accept(url as string, tenant.admin);
    const partnerTrail = await api.request<{ items: Json[] }>('GET', '/api/v1/audit?limit=50', {
      token: tokens['contoso-direct'],
    });
    const mine = partnerTrail.body.items.filter((e) => e.details.invitationId === id);
    expect(mine.map((e) => e.type)).toEqual(['ConsentAccepted', 'ConsentRefused', 'InvitationCreated']);
    const tenantTrail = await api.request<{ items: Json[] }>('GET', '/api/v1/audit', {
      token: await api.userToken(tenant.admin),
    });
    expect(tenantTrail.body.items.map((e) => e.type)).toEqual(['ConsentAccepted', 'ConsentRefused']);
    expect(tenantTrail.body.items[1]?.actor).toEqual({ kind: 'customer-user', id: tenant.helpdesk });
  });
});
