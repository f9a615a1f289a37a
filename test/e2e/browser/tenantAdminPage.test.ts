import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiClient } from '../../support/apiClient';
import { saveScreenshot, signInAs, startHostAndBrowser } from '../../support/browser';
import type { LocalHostProcess } from '../../support/localHostProcess';

/** The customer admin's page of partner relationships, in headless Chromium against the local host. */
const INTUNE_ADMIN = '3a2c62db-5318-420d-8d74-23affee5d9d5';
const CLOUD_DEVICE_ADMIN = '7698a772-787b-4ac8-901f-60d6b08affd2';
const ADMIN_PAGE = '/api/tenant/partners';

interface TenantPartner {
  partnerId: string;
  partnerName: string;
  status: string;
  delegatedAdmin: { roles: { id: string; name: string }[] } | null;
}
interface Customer {
  tenantId: string;
  status: string;
}

let host: LocalHostProcess;
let api: ApiClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let contosoToken: string;

beforeAll(async () => {
  ({ host, browser } = await startHostAndBrowser());
  api = new ApiClient(host.baseUrl);
  contosoToken = await api.partnerToken('contoso-direct');
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

beforeEach(async () => {
  context = await browser.newContext();
  page = await context.newPage();
});

afterEach(async () => {
  await context?.close();
});

/** A fresh tenant whose admin accepted contoso-direct's link with both delegated roles (through the API). */
async function tenantWithContoso(): ReturnType<ApiClient['newTenant']> {
  const tenant = await api.newTenant();
  const invitation = await api.request<{ url: string }>('POST', '/api/v1/invitations', {
    token: contosoToken,
    json: {
      kind: 'reseller-relationship',
      delegatedAdmin: { roles: [INTUNE_ADMIN, CLOUD_DEVICE_ADMIN], duration: 'P90D' },
    },
  });
  expect(invitation.status).toBe(201);
  const accepted = await api.request('POST', invitation.body.url, {
    token: await api.userToken(tenant.admin),
    form: { consent: 'yes', includeDelegatedAdmin: 'true' },
    headers: { accept: 'application/json' },
  });
  expect(accepted.status).toBe(200);
  return tenant;
}

async function partnersSeenBy(admin: string): Promise<TenantPartner[]> {
  const res = await api.request<{ items: TenantPartner[] }>('GET', '/api/v1/tenant/partners', {
    token: await api.userToken(admin),
  });
  expect(res.status).toBe(200);
  return res.body.items;
}

async function contosoCustomer(tenantId: string): Promise<Customer | undefined> {
  const res = await api.request<{ items: Customer[] }>('GET', '/api/v1/customers', { token: contosoToken });
  expect(res.status).toBe(200);
  return res.body.items.find((c) => c.tenantId === tenantId);
}

async function openAdminPageAs(upn: string): Promise<void> {
  await page.goto(`${host.baseUrl}${ADMIN_PAGE}`);
  await signInAs(page, upn);
  expect(new URL(page.url()).pathname).toBe(ADMIN_PAGE);
}

function contosoRow() {
  return page.getByRole('row').filter({ hasText: 'Contoso Direct' });
}

describe('customer admin page in a browser', () => {
  it('when the admin removes delegated admin and then revokes, then each takes effect and the page says so', async () => {
    const tenant = await tenantWithContoso();
    await openAdminPageAs(tenant.admin);

    await contosoRow().waitFor();
    await page.getByRole('heading', { name: `Partners of ${tenant.domain}` }).waitFor();
    const row = contosoRow();
    expect(await row.getByRole('cell').allInnerTexts()).toEqual([
      expect.stringContaining('Contoso Direct'),
      'Reseller relationship, direct',
      expect.stringMatching(/Intune Administrator,\s+Cloud Device Administrator/),
      'Active',
      expect.stringContaining('Revoke Contoso Direct'),
    ]);
    await saveScreenshot(page, 'tenant-admin');

    await Promise.all([
      page.waitForURL(/done=dapRemoved/),
      row.getByRole('button', { name: 'Remove delegated admin' }).click(),
    ]);
    await page
      .getByRole('status')
      .filter({ hasText: 'Delegated administration permissions were removed.' })
      .waitFor();
    expect(await contosoRow().getByRole('button', { name: 'Remove delegated admin' }).count()).toBe(0);
    expect(await partnersSeenBy(tenant.admin)).toEqual([
      expect.objectContaining({ partnerId: 'contoso-direct', status: 'active', delegatedAdmin: null }),
    ]);

    // Unticked, the browser itself keeps the form back: nothing is sent.
    const confirm = contosoRow().getByRole('checkbox', {
      name: /I understand that Contoso Direct loses access at once/,
    });
    await contosoRow().getByRole('button', { name: 'Revoke Contoso Direct' }).click();
    expect(await contosoRow().locator('input[type=checkbox]:invalid').count()).toBe(1);
    expect(page.url()).not.toMatch(/done=revoked/);
    expect((await contosoCustomer(tenant.tenantId))?.status).toBe('active');

    await confirm.check();
    await Promise.all([
      page.waitForURL(/done=revoked/),
      contosoRow().getByRole('button', { name: 'Revoke Contoso Direct' }).click(),
    ]);
    await page.getByRole('status').filter({ hasText: 'The partner relationship was revoked.' }).waitFor();
    expect(await contosoRow().getByRole('cell').nth(3).innerText()).toMatch(
      /^Revoked on [A-Z][a-z]+ \d{1,2}, \d{4}$/,
    );
    expect(await contosoRow().getByRole('button').count()).toBe(0);
    expect((await contosoCustomer(tenant.tenantId))?.status).toBe('revoked');
  });

  it('when a form is posted with the session cookie but without the CSRF token, then 403 and the relationship is unchanged', async () => {
    const tenant = await tenantWithContoso();
    await openAdminPageAs(tenant.admin);
    await contosoRow().waitFor();
    const cookies = await context.cookies(host.baseUrl);
    expect(cookies.map((c) => c.name)).toContain('pc_session');

    // page.request shares the context's cookies: it is the signed-in browser, minus the page's token.
    for (const action of ['removeDelegatedAdmin', 'revoke']) {
      const forged = await page.request.post(`${host.baseUrl}/api/tenant/partners/contoso-direct/${action}`, {
        form: { note: 'no csrf field' },
        maxRedirects: 0,
      });
      expect(forged.status()).toBe(403);
      expect(await forged.text()).toContain('did not come from this site');
      const wrong = await page.request.post(`${host.baseUrl}/api/tenant/partners/contoso-direct/${action}`, {
        form: { csrf: 'not-the-token' },
        maxRedirects: 0,
      });
      expect(wrong.status()).toBe(403);
    }

    expect(await partnersSeenBy(tenant.admin)).toEqual([
      expect.objectContaining({
        partnerId: 'contoso-direct',
        status: 'active',
        delegatedAdmin: expect.objectContaining({
          roles: [
            { id: INTUNE_ADMIN, name: 'Intune Administrator' },
            { id: CLOUD_DEVICE_ADMIN, name: 'Cloud Device Administrator' },
          ],
        }),
      }),
    ]);
    expect((await contosoCustomer(tenant.tenantId))?.status).toBe('active');

    // The same session with the page's own token is accepted: the 403 above was the missing token.
    const token = await page.locator('input[name="csrf"]').first().inputValue();
    const genuine = await page.request.post(
      `${host.baseUrl}/api/tenant/partners/contoso-direct/removeDelegatedAdmin`,
      { form: { csrf: token }, maxRedirects: 0 },
    );
    expect(genuine.status()).toBe(303);
    expect((await partnersSeenBy(tenant.admin))[0]?.delegatedAdmin).toBeNull();

    // A revocation needs its confirmation too; without it the page says so and nothing changes.
    const unconfirmed = await page.request.post(`${host.baseUrl}/api/tenant/partners/contoso-direct/revoke`, {
      form: { csrf: token },
      maxRedirects: 0,
    });
    expect(unconfirmed.status()).toBe(303);
    expect(unconfirmed.headers()['location']).toContain('done=confirmRequired');
    expect((await contosoCustomer(tenant.tenantId))?.status).toBe('active');
    await page.goto(`${host.baseUrl}${ADMIN_PAGE}?done=confirmRequired`);
    await page.getByRole('status').filter({ hasText: 'Nothing was revoked' }).waitFor();
  });

  it('when a Helpdesk Administrator opens the admin page, then it is refused with 403 and no actions', async () => {
    const tenant = await tenantWithContoso();
    const landed = page.waitForResponse(
      (r) => new URL(r.url()).pathname === ADMIN_PAGE && r.request().method() === 'GET' && r.status() !== 303,
    );
    await page.goto(`${host.baseUrl}${ADMIN_PAGE}`);
    await signInAs(page, tenant.helpdesk);

    expect((await landed).status()).toBe(403);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('button').count()).toBe(0);
    expect(await page.getByText('Contoso Direct').count()).toBe(0);
  });
});
