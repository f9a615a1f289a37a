import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import axe from 'axe-core';
import type { AxeResults } from 'axe-core';
import { ApiClient } from '../../support/apiClient';
import { giveConsent, newPkids, submitAccepted, waitForBatch, isFinal } from '../../support/batchHelpers';
import { signInAs, startHostAndBrowser } from '../../support/browser';
import type { LocalHostProcess } from '../../support/localHostProcess';

/**
 * axe-core, injected into each page in headless Chromium, on the partner portal's pages, the consent
 * page and the customer admin page, each filled with what a partner really has (customers, invitations,
 * a batch). A test fails on any violation of the rules below: the accessible name of a control must
 * hold its visible text (`label-content-name-mismatch`, so a voice-control user can say what they see),
 * and every violation axe rates serious or critical.
 */
const AGENT = 'agent@contoso-direct.example';
const RULES_ALWAYS = ['label-content-name-mismatch'];

jest.setTimeout(120_000);

let host: LocalHostProcess;
let api: ApiClient;
let browser: Browser;
let page: Page;
let tenant: Awaited<ReturnType<ApiClient['newTenant']>>;
let batchId: string;
let consentUrl: string;

beforeAll(async () => {
  ({ host, browser } = await startHostAndBrowser());
  api = new ApiClient(host.baseUrl);
  const partner = await api.partnerToken('contoso-direct');
  tenant = await api.newTenant();
  await giveConsent(api, partner, tenant.admin);
  for (const customerEmail of ['it@one.example', 'it@two.example', undefined]) {
    const res = await api.request<{ url: string }>('POST', '/api/v1/invitations', {
      token: partner,
      json: { kind: 'reseller-relationship', ...(customerEmail ? { customerEmail } : {}) },
    });
    expect(res.status).toBe(201);
    consentUrl = res.body.url;
  }
  batchId = `a11y-${randomBytes(4).toString('hex')}`;
  await submitAccepted(api, partner, tenant.tenantId, {
    batchId,
    devices: newPkids(3).map((productKey) => ({ productKey })),
  });
  await waitForBatch(api, partner, tenant.tenantId, batchId, isFinal, 60_000);
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

beforeEach(async () => {
  // The pages' Content-Security-Policy forbids inline scripts, which is how axe is injected.
  const context = await browser.newContext({ bypassCSP: true });
  page = await context.newPage();
});

afterEach(async () => {
  await page?.context().close();
});

async function audit(): Promise<AxeResults> {
  await page.addScriptTag({ content: axe.source });
  return page.evaluate(() => (globalThis as unknown as { axe: typeof axe }).axe.run());
}

/** Each violation that fails the test, as "rule: target (what axe says)". */
function failures(results: AxeResults): string[] {
  return results.violations
    .filter((v) => RULES_ALWAYS.includes(v.id) || v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary ?? v.help})`));
}

async function signedIn(path: string, upn: string): Promise<void> {
  await page.goto(`${host.baseUrl}${path}`);
  await signInAs(page, upn);
  await page.waitForLoadState('load');
}

describe('accessibility (axe-core)', () => {
  it.each([
    ['the portal customers page', '/api/portal/customers'],
    ['the portal upload page', '/api/portal/upload'],
  ])(
    'when %s is audited, then no control hides its visible text and nothing serious is found',
    async (_what, path) => {
      await signedIn(path, AGENT);

      expect(failures(await audit())).toEqual([]);
    },
  );

  it("when a customer's page and a batch's page are audited, then nothing is found", async () => {
    await signedIn(`/api/portal/customers/${tenant.tenantId}`, AGENT);
    expect(failures(await audit())).toEqual([]);

    await page.goto(`${host.baseUrl}/api/portal/batches/${tenant.tenantId}/contoso-direct/${batchId}`);
    expect(failures(await audit())).toEqual([]);
  });

  it('when the consent page and the customer admin page are audited, then nothing is found', async () => {
    await signedIn(new URL(consentUrl).pathname, tenant.admin);
    expect(failures(await audit())).toEqual([]);

    await page.goto(`${host.baseUrl}/api/tenant/partners`);
    expect(failures(await audit())).toEqual([]);
  });
});
