import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { ApiClient } from '../../support/apiClient';
import { saveScreenshot, signInAs, startHostAndBrowser } from '../../support/browser';
import type { LocalHostProcess } from '../../support/localHostProcess';

/** The consent page as a customer's administrator sees it: headless Chromium against the local host. */
const INTUNE_ADMIN = '3a2c62db-5318-420d-8d74-23affee5d9d5';
const CLOUD_DEVICE_ADMIN = '7698a772-787b-4ac8-901f-60d6b08affd2';

interface Customer {
  tenantId: string;
  domain: string;
  relationship: string;
  authorization: string;
  status: string;
  delegatedAdmin: { roles: { id: string; name: string }[]; expiresAt: string } | null;
}
interface Invitation {
  id: string;
  url: string;
}

let host: LocalHostProcess;
let api: ApiClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const partnerTokens = new Map<string, string>();

beforeAll(async () => {
  ({ host, browser } = await startHostAndBrowser());
  api = new ApiClient(host.baseUrl);
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

async function partnerToken(partnerId: string): Promise<string> {
  let token = partnerTokens.get(partnerId);
  if (!token) {
    token = await api.partnerToken(partnerId);
    partnerTokens.set(partnerId, token);
  }
  return token;
}

async function invite(
  partnerId: string,
  body: object = { kind: 'reseller-relationship' },
): Promise<Invitation> {
  const res = await api.request<Invitation>('POST', '/api/v1/invitations', {
    token: await partnerToken(partnerId),
    json: body,
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`invitation: ${res.status} ${res.text}`);
  return res.body;
}

async function customerOf(partnerId: string, tenantId: string): Promise<Customer | undefined> {
  const res = await api.request<{ items: Customer[] }>('GET', '/api/v1/customers', {
    token: await partnerToken(partnerId),
  });
  expect(res.status).toBe(200);
  return res.body.items.find((c) => c.tenantId === tenantId);
}

/** Opens the link, is sent to the sign-in page, signs in as `upn`: the consent page's response. */
async function openAs(url: string, upn: string): Promise<Response> {
  const path = new URL(url).pathname;
  const first = await page.goto(url);
  expect(first?.url()).toContain('/api/dev/signin?returnTo=');
  const landed = page.waitForResponse(
    (r) => new URL(r.url()).pathname === path && r.request().method() === 'GET',
  );
  await signInAs(page, upn);
  const response = await landed;
  expect(new URL(page.url()).pathname).toBe(path);
  await expectVisible(page.getByText(`Signed in as ${upn}`));
  return response;
}

async function expectVisible(locator: ReturnType<Page['getByText']>): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: 5_000 });
}

/** Ticks Yes, presses Accept, and answers the response of the posted form. */
async function tickYesAndAccept(): Promise<Response> {
  await page.getByLabel('Yes', { exact: true }).check();
  const posted = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Accept', exact: true }).click();
  const response = await posted;
  await page.waitForLoadState();
  return response;
}

describe('consent page in a browser', () => {
  it('when a Global Administrator ticks Yes and presses Accept, then the success page shows and the partner lists the customer as active', async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('contoso-direct');

    const shown = await openAs(url, tenant.admin);
    expect(shown.status()).toBe(200);
    await expectVisible(page.getByRole('heading', { name: 'Contoso Direct asks for your permission' }));
    expect(await page.getByRole('checkbox', { name: 'Yes', exact: true }).isChecked()).toBe(false);
    const accepted = await tickYesAndAccept();

    expect(accepted.status()).toBe(200);
    await expectVisible(page.getByRole('heading', { name: 'Done: Contoso Direct is authorised' }));
    await expectVisible(page.getByRole('status').filter({ hasText: tenant.domain }));
    await expectVisible(page.getByText('No delegated administration permissions were granted.'));
    await saveScreenshot(page, 'consent-success');
    expect(await customerOf('contoso-direct', tenant.tenantId)).toMatchObject({
      domain: tenant.domain,
      status: 'active',
      relationship: 'reseller',
      authorization: 'direct',
      delegatedAdmin: null,
    });
  });

  it('when Accept is pressed without ticking Yes, then the browser keeps the form and nothing is accepted', async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('contoso-direct');
    await openAs(url, tenant.admin);

    let posted = false;
    page.on('request', (r) => {
      if (r.method() === 'POST') posted = true;
    });
    await page.getByRole('button', { name: 'Accept', exact: true }).click();

    // The Yes box is `required`: the browser reports it invalid and sends nothing.
    const yes = page.getByLabel('Yes', { exact: true });
    expect(
      await yes.evaluate(
        (el) => (el as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing,
      ),
    ).toBe(true);
    await expectVisible(page.getByRole('button', { name: 'Accept', exact: true }));
    expect(posted).toBe(false);
    expect(await customerOf('contoso-direct', tenant.tenantId)).toBeUndefined();
  });

  it('when the admin uses only the keyboard, then Tab reaches Yes and Accept and Space/Enter accept', async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('contoso-direct');
    await openAs(url, tenant.admin);
    const isFocused = (name: 'Yes' | 'Accept') =>
      (name === 'Yes'
        ? page.getByRole('checkbox', { name: 'Yes', exact: true })
        : page.getByRole('button', { name: 'Accept', exact: true })
      ).evaluate(
        (el) =>
          (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement === el,
      );

    // The header's "Sign in as someone else" link comes first, then "Sign out", the four languages, the form.
    const focusedText = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document
            .activeElement.textContent,
      );
    await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('Sign in as someone else');
    await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('Sign out');
    const languages: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      languages.push(await focusedText());
    }
    expect(languages).toEqual(['English', 'Français', 'Deutsch', 'עברית']);
    await page.keyboard.press('Tab');
    expect(await isFocused('Yes')).toBe(true);
    await page.keyboard.press('Space');
    expect(await page.getByRole('checkbox', { name: 'Yes', exact: true }).isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await isFocused('Accept')).toBe(true);
    await Promise.all([page.waitForURL(url), page.keyboard.press('Enter')]);

    await expectVisible(page.getByRole('heading', { name: 'Done: Contoso Direct is authorised' }));
    expect((await customerOf('contoso-direct', tenant.tenantId))?.status).toBe('active');
  });

  it('when a Helpdesk Administrator opens the link, then a 403 page explains that a Global Administrator is needed, with no Yes or Accept', async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('contoso-direct');

    const shown = await openAs(url, tenant.helpdesk);

    expect(shown.status()).toBe(403);
    await expectVisible(page.getByRole('alert').filter({ hasText: 'You need to be a Global Administrator' }));
    await expectVisible(
      page.getByText("Forward the link to one of your organisation's Global Administrators"),
    );
    expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    expect(await page.getByLabel('Yes', { exact: true }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await saveScreenshot(page, 'consent-not-global-admin');
    expect(await customerOf('contoso-direct', tenant.tenantId)).toBeUndefined();
  });

  describe('when delegated admin roles are asked for', () => {
    let dapInvitation: Invitation;
    beforeAll(async () => {
      dapInvitation = await invite('contoso-direct', {
        kind: 'reseller-relationship',
        delegatedAdmin: { roles: [INTUNE_ADMIN, CLOUD_DEVICE_ADMIN], duration: 'P90D' },
      });
    });

    it('when the page is shown, then it names each role and the duration, and the delegated admin box starts unticked', async () => {
      const tenant = await api.newTenant();
      await openAs(dapInvitation.url, tenant.admin);

      const roles = page.locator('ul.roles li');
      expect(await roles.allTextContents()).toEqual(['Intune Administrator', 'Cloud Device Administrator']);
      await expectVisible(page.getByText(/for\s+90 days/));
      const dap = page.getByRole('checkbox', { name: 'Include delegated administration permissions' });
      expect(await dap.isChecked()).toBe(false);
      expect(await page.getByRole('checkbox', { name: 'Yes', exact: true }).isChecked()).toBe(false);
      expect(await page.getByText(INTUNE_ADMIN).count()).toBe(0);
      await saveScreenshot(page, 'consent-with-dap');
    });

    it('when the admin accepts with the delegated admin box unticked, then the relationship has no delegated admin', async () => {
      const tenant = await api.newTenant();
      await openAs(dapInvitation.url, tenant.admin);

      const dap = page.getByRole('checkbox', { name: 'Include delegated administration permissions' });
      expect(await dap.isChecked()).toBe(false);
      const accepted = await tickYesAndAccept();

      expect(accepted.status()).toBe(200);
      await expectVisible(page.getByText('No delegated administration permissions were granted.'));
      const customer = await customerOf('contoso-direct', tenant.tenantId);
      expect(customer).toMatchObject({ status: 'active', authorization: 'direct' });
      expect(customer?.delegatedAdmin).toBeNull();
    });

    it('when the admin ticks the delegated admin box and accepts, then exactly the two roles are granted', async () => {
      const tenant = await api.newTenant();
      await openAs(dapInvitation.url, tenant.admin);

      await page.getByRole('checkbox', { name: 'Include delegated administration permissions' }).check();
      const accepted = await tickYesAndAccept();

      expect(accepted.status()).toBe(200);
      expect(await page.locator('ul.roles li').allTextContents()).toEqual([
        'Intune Administrator',
        'Cloud Device Administrator',
      ]);
      const customer = await customerOf('contoso-direct', tenant.tenantId);
      expect(customer?.status).toBe('active');
      expect(customer?.delegatedAdmin?.roles).toEqual([
        { id: INTUNE_ADMIN, name: 'Intune Administrator' },
        { id: CLOUD_DEVICE_ADMIN, name: 'Cloud Device Administrator' },
      ]);
    });
  });

  it('when an OEM link is opened by a federated Global Administrator, then the cloud-native refusal shows; the cloud-native admin accepts as OEM', async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('adatum-oem', { kind: 'oem-authorization' });

    const refused = await openAs(url, tenant.federatedAdmin);
    expect(refused.status()).toBe(403);
    await expectVisible(page.getByRole('alert').filter({ hasText: 'Sign in with a cloud-native account' }));
    expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await customerOf('adatum-oem', tenant.tenantId)).toBeUndefined();

    await context.clearCookies();
    const shown = await openAs(url, tenant.admin);
    expect(shown.status()).toBe(200);
    await expectVisible(page.getByText('It never gives the OEM administrator rights'));
    expect(
      await page.getByRole('checkbox', { name: 'Include delegated administration permissions' }).count(),
    ).toBe(0);
    const accepted = await tickYesAndAccept();

    expect(accepted.status()).toBe(200);
    await expectVisible(page.getByRole('heading', { name: 'Done: Adatum OEM is authorised' }));
    expect(await customerOf('adatum-oem', tenant.tenantId)).toMatchObject({
      relationship: 'oem',
      status: 'active',
      delegatedAdmin: null,
    });
  });

  it("when an indirect reseller's link is accepted, then the success page names the provider and the provider lists the customer as indirect", async () => {
    const tenant = await api.newTenant();
    const { url } = await invite('northwind-reseller');

    await openAs(url, tenant.admin);
    await expectVisible(page.getByText(/accepting also authorises its provider\s+Fabrikam Distribution/));
    const accepted = await tickYesAndAccept();

    expect(accepted.status()).toBe(200);
    await expectVisible(page.getByRole('status').filter({ hasText: 'Fabrikam Distribution' }));
    expect(await customerOf('northwind-reseller', tenant.tenantId)).toMatchObject({
      authorization: 'direct',
      status: 'active',
    });
    expect(await customerOf('fabrikam-distribution', tenant.tenantId)).toMatchObject({
      relationship: 'reseller',
      authorization: 'indirect',
      status: 'active',
    });
  });

  it('when a withdrawn link is opened, then a clear 410 page shows with no stack trace', async () => {
    const { id, url } = await invite('contoso-direct');
    const withdrawn = await api.request('DELETE', `/api/v1/invitations/${id}`, {
      token: await partnerToken('contoso-direct'),
    });
    expect(withdrawn.status).toBe(204);

    const response = await page.goto(url);

    expect(response?.status()).toBe(410);
    await expectVisible(page.getByRole('heading', { name: 'This link can no longer be used' }));
    await expectVisible(page.getByRole('alert'));
    const text = await page.locator('body').innerText();
    expect(text).toContain('InvitationWithdrawn');
    expect(text).not.toMatch(/\bat .+\(.+:\d+:\d+\)|Error:|node_modules|dist\//);
    expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    await saveScreenshot(page, 'consent-link-withdrawn');
  });

  it('when one character of the secret is changed, then the page is a 404 and no sign-in is asked for', async () => {
    const { url } = await invite('contoso-direct');
    const secretStart = url.lastIndexOf('.') + 1;
    const original = url.charAt(secretStart);
    const tampered = `${url.slice(0, secretStart)}${original === 'A' ? 'B' : 'A'}${url.slice(secretStart + 1)}`;
    expect(tampered).not.toBe(url);
    expect(tampered).toHaveLength(url.length);

    const response = await page.goto(tampered);

    expect(response?.status()).toBe(404);
    expect(page.url()).toBe(tampered);
    await expectVisible(page.getByRole('heading', { name: 'This link is not valid' }));
    const text = await page.locator('body').innerText();
    expect(text).toContain('Check that the whole link was copied');
    expect(text).not.toMatch(/\bat .+\(.+:\d+:\d+\)|Error:|node_modules|dist\//);
  });
});
