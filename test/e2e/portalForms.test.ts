import { ApiClient } from '../support/apiClient';
import type { ApiResponse } from '../support/apiClient';
import { submitAccepted, waitForBatch } from '../support/batchHelpers';
import { startLocalHostProcess } from '../support/localHostProcess';
import { portalSignIn } from '../support/portalSession';
import type { LocalHostProcess } from '../support/localHostProcess';

/**
 * The portal over plain HTTP against the local host: form posts at the edges (a post that arrives
 * without a session, an invitation form the partner filled in wrongly), and the batches of tenants that
 * are not customers yet.
 */
const AGENT = 'agent@contoso-direct.example';
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

jest.setTimeout(60_000);

let host: LocalHostProcess;
let api: ApiClient;

beforeAll(async () => {
  host = await startLocalHostProcess();
  api = new ApiClient(host.baseUrl);
}, 90_000);

afterAll(async () => {
  await host?.stop();
});

const signIn = (returnTo: string) => portalSignIn(api, AGENT, returnTo);

const csrfOf = (html: string) => /name='csrf' value='([^']+)'/.exec(html)?.[1] ?? '';

async function postForm(path: string, cookie: string, form: [string, string][]): Promise<ApiResponse> {
  return api.request('POST', path, {
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

describe('portal form posts', () => {
  it.each([
    ['/api/portal/invitations', '/api/portal/customers#invite', 'Invite a customer'],
    [
      '/api/portal/invitations/0b7e5c1a-1d2e-4f3a-8b9c-0d1e2f3a4b5c/withdraw',
      '/api/portal/customers#invitations',
      'Invitations',
    ],
    ['/api/portal/upload', '/api/portal/upload', '<h1>Upload devices</h1>'],
    [`/api/portal/upload/${'a'.repeat(64)}/confirm`, '/api/portal/upload', '<h1>Upload devices</h1>'],
  ])(
    'when %s is posted without a session, then sign-in returns to the page with its form (%s), which answers 200',
    async (action, formPage, onThePage) => {
      const posted = await api.request('POST', action, { form: { kind: 'reseller-relationship' } });

      expect(posted.status).toBe(303);
      const signInUrl = new URL(posted.headers.get('location') ?? '', host.baseUrl);
      expect(signInUrl.pathname).toBe('/api/dev/signin');
      expect(signInUrl.searchParams.get('returnTo')).toBe(formPage);

      const { cookie, location } = await signIn(formPage);
      expect(location).toBe(formPage);
      const landed = await api.request('GET', location.replace(/#.*$/, ''), { headers: { cookie } });
      expect(landed.status).toBe(200);
      expect(landed.text).toContain(onThePage);
    },
  );

  it('when the invitation form has a bad duration and email, then it is shown again (422) with the input kept and each reason beside its field, and nothing is created', async () => {
    const { cookie } = await signIn('/api/portal/customers');
    const page = await api.request('GET', '/api/portal/customers', { headers: { cookie } });
    const email = `not-an-email-${Date.now()}`;

    const refused = await postForm('/api/portal/invitations', cookie, [
      ['csrf', csrfOf(page.text)],
      ['kind', 'reseller-relationship'],
      ['roles', GLOBAL_ADMINISTRATOR],
      ['duration', 'P5Y'],
      ['customerEmail', email],
      ['customerLanguage', 'de'],
    ]);

    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toMatch(/text\/html/);
    expect(refused.text).toContain('The invitation was not created.');
    expect(refused.text).toMatch(/id='duration-error'>Choose one of the listed durations/);
    expect(refused.text).toMatch(/id='customerEmail-error'>Enter an email address/);
    expect(refused.text).toContain(`value='${email}'`);
    expect(refused.text).toMatch(new RegExp(`id='role-${GLOBAL_ADMINISTRATOR}'[^>]*checked`));
    expect(refused.text).toMatch(/<option value='de' lang='de' selected>/);
    const invitations = await api.request<{ items: { customerEmail: string | null }[] }>(
      'GET',
      '/api/v1/invitations',
      { token: await api.partnerToken('contoso-direct') },
    );
    expect(invitations.body.items.filter((i) => i.customerEmail === email)).toEqual([]);
  });

  it('when the invitation form names a role that does not exist, then it is shown again with the reason by the roles, and nothing is created', async () => {
    const { cookie } = await signIn('/api/portal/customers');
    const page = await api.request('GET', '/api/portal/customers', { headers: { cookie } });
    const email = `unknown-role-${Date.now()}@example.com`;

    const refused = await postForm('/api/portal/invitations', cookie, [
      ['csrf', csrfOf(page.text)],
      ['kind', 'reseller-relationship'],
      ['roles', '00000000-0000-4000-8000-000000000000'],
      ['customerEmail', email],
    ]);

    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id='roles-error'>Unknown admin role/);
    expect(refused.text).toContain('UnknownAdminRole');
    expect(refused.text).toContain(`value='${email}'`);
    const invitations = await api.request<{ items: { customerEmail: string | null }[] }>(
      'GET',
      '/api/v1/invitations',
      { token: await api.partnerToken('contoso-direct') },
    );
    expect(invitations.body.items.filter((i) => i.customerEmail === email)).toEqual([]);
  });
});

async function customersPage(upn: string): Promise<string> {
  const { cookie } = await portalSignIn(api, upn, '/api/portal/customers');
  const res = await api.request('GET', '/api/portal/customers', { headers: { cookie } });
  expect(res.status).toBe(200);
  return res.text;
}

describe('portal: batches for tenants that are not customers yet', () => {
  it('when a partner sends a batch before consent, then its customers page lists it as waiting, and another partner does not see it', async () => {
    const tenant = await api.newTenant();
    const batchId = `waiting-${Date.now()}`;
    const token = await api.partnerToken('contoso-direct');
    await submitAccepted(api, token, tenant.tenantId, {
      batchId,
      devices: [{ productKey: String(7_000_000_000_000 + (Date.now() % 1_000_000_000)) }],
    });
    // Queued at first: the orchestration records that it waits a moment later.
    await waitForBatch(api, token, tenant.tenantId, batchId, (b) => b.status === 'awaiting_consent', 30_000);

    const ours = await customersPage(AGENT);
    const waiting = ours.slice(ours.indexOf("id='waiting'"));
    expect(ours).toContain("id='waiting'");
    expect(waiting).toContain(batchId);
    expect(waiting).toContain(tenant.tenantId);
    expect(waiting).toContain('Waiting for the customer’s consent');

    const theirs = await customersPage('agent@adatum-oem.example');
    expect(theirs).not.toContain(batchId);
  });
});
