import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiClient } from '../../support/apiClient';
import { saveScreenshot, signInAs, startHostAndBrowser } from '../../support/browser';
import type { LocalHostProcess } from '../../support/localHostProcess';

/**
 * The people-facing pages in English, French, German and Hebrew, in headless Chromium: chosen from the
 * browser's language (Accept-Language), or with the switcher; Hebrew right to left. Screenshots of each
 * language go to test-results/screenshots.
 */
const INTUNE_ADMIN = '3a2c62db-5318-420d-8d74-23affee5d9d5';

let host: LocalHostProcess;
let api: ApiClient;
let browser: Browser;
let partnerToken: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ({ host, browser } = await startHostAndBrowser());
  api = new ApiClient(host.baseUrl);
  partnerToken = await api.partnerToken('contoso-direct');
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

/** A page whose browser asks for `locale` first (Chromium sends it as Accept-Language). */
async function pageIn(locale: string): Promise<Page> {
  const context = await browser.newContext({ locale });
  contexts.push(context);
  return context.newPage();
}

async function invite(body: object = { kind: 'reseller-relationship' }): Promise<string> {
  const res = await api.request<{ url: string }>('POST', '/api/v1/invitations', {
    token: partnerToken,
    json: body,
  });
  if (res.status !== 201) throw new Error(`invitation: ${res.status} ${res.text}`);
  return res.body.url;
}

async function openSignedIn(page: Page, url: string, upn: string): Promise<number> {
  await page.goto(url);
  const path = new URL(url).pathname;
  const landed = page.waitForResponse(
    (r) => new URL(r.url()).pathname === path && r.request().method() === 'GET',
  );
  await signInAs(page, upn);
  return (await landed).status();
}

const documentLanguage = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { lang: string; dir: string } } })
      .document.documentElement;
    return { lang: root.lang, dir: root.dir };
  });

const LANGUAGES = [
  {
    browser: 'en-US',
    lang: 'en',
    heading: 'Contoso Direct asks for your permission',
    yes: 'Yes',
    accept: 'Accept',
    dap: 'Include delegated administration permissions',
    role: 'Intune Administrator',
    duration: '90 days',
  },
  {
    browser: 'fr-FR',
    lang: 'fr',
    heading: 'Contoso Direct demande votre autorisation',
    yes: 'Oui',
    accept: 'Accepter',
    dap: 'Inclure les autorisations d’administrateur délégué',
    role: 'Administrateur Intune',
    duration: '90\u00a0jours',
  },
  {
    browser: 'de-DE',
    lang: 'de',
    heading: 'Contoso Direct bittet um Ihre Zustimmung',
    yes: 'Ja',
    accept: 'Akzeptieren',
    dap: 'Delegierte Administratorberechtigungen einschließen',
    role: 'Intune-Administrator',
    duration: '90 Tage',
  },
  {
    browser: 'he-IL',
    lang: 'he',
    heading: 'Contoso Direct מבקש את הסכמתך',
    yes: 'כן',
    accept: 'קבל',
    dap: 'לכלול הרשאות ניהול מואצלות',
    role: 'מנהל Intune',
    duration: '90 ימים',
  },
] as const;

describe('the consent pages in each language', () => {
  it.each(LANGUAGES)(
    'when the browser asks for $browser, then the consent page is in $lang with its Yes, Accept and role names',
    async (l) => {
      const tenant = await api.newTenant();
      const url = await invite({
        kind: 'reseller-relationship',
        delegatedAdmin: { roles: [INTUNE_ADMIN], duration: 'P90D' },
      });
      const page = await pageIn(l.browser);

      expect(await openSignedIn(page, url, tenant.admin)).toBe(200);

      expect(await documentLanguage(page)).toEqual({ lang: l.lang, dir: l.lang === 'he' ? 'rtl' : 'ltr' });
      await page.getByRole('heading', { name: l.heading }).waitFor();
      await page.getByRole('checkbox', { name: l.yes, exact: true }).waitFor();
      await page.getByRole('checkbox', { name: l.dap }).waitFor();
      await page.getByRole('button', { name: l.accept, exact: true }).waitFor();
      await page.getByRole('listitem').filter({ hasText: l.role }).waitFor();
      expect(await page.locator('main').innerText()).toContain(l.duration);
      expect(
        await page.getByRole('navigation').getByRole('link', { name: 'עברית' }).getAttribute('hreflang'),
      ).toBe('he');
      await saveScreenshot(page, `consent-${l.lang}`);
    },
  );

  it('when the page is Hebrew, then it is laid out right to left: the product name on the right, text aligned right', async () => {
    const tenant = await api.newTenant();
    const page = await pageIn('he-IL');
    await openSignedIn(page, await invite(), tenant.admin);

    const product = await page.locator('header .product').boundingBox();
    const languages = await page.locator('nav.languages').boundingBox();
    expect(product && languages && product.x > languages.x).toBe(true);
    const styles = await page
      .locator('main p')
      .first()
      .evaluate((el) => {
        const style = (
          globalThis as unknown as {
            getComputedStyle: (e: unknown) => { direction: string; textAlign: string };
          }
        ).getComputedStyle(el);
        return { direction: style.direction, textAlign: style.textAlign };
      });
    expect(styles).toEqual({ direction: 'rtl', textAlign: 'start' });
  });

  it('when the admin picks Deutsch in the switcher, then the page turns German, stays German, and the accepted page is German too', async () => {
    const tenant = await api.newTenant();
    const url = await invite();
    const page = await pageIn('en-US');
    await openSignedIn(page, url, tenant.admin);
    await page.getByRole('heading', { name: 'Contoso Direct asks for your permission' }).waitFor();

    await Promise.all([page.waitForURL(/lang=de/), page.getByRole('link', { name: 'Deutsch' }).click()]);
    await page.getByRole('heading', { name: 'Contoso Direct bittet um Ihre Zustimmung' }).waitFor();
    expect(await page.getByRole('link', { name: 'Deutsch' }).getAttribute('aria-current')).toBe('true');

    await page.goto(url);
    expect((await documentLanguage(page)).lang).toBe('de');

    await page.getByRole('checkbox', { name: 'Ja', exact: true }).check();
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Akzeptieren' }).click()]);
    await page.getByRole('heading', { name: 'Fertig: Contoso Direct ist autorisiert' }).waitFor();
    await saveScreenshot(page, 'consent-accepted-de');
  });

  it('when a Helpdesk Administrator opens the link in French, then the refusal says in French that a Global Administrator is needed', async () => {
    const tenant = await api.newTenant();
    const page = await pageIn('fr-FR');

    expect(await openSignedIn(page, await invite(), tenant.helpdesk)).toBe(403);

    await page.getByRole('alert').filter({ hasText: 'Vous devez être administrateur général' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain(
      'Transférez le lien à l’un des administrateurs généraux de votre organisation.',
    );
    expect(await page.getByRole('button', { name: 'Accepter' }).count()).toBe(0);
    await saveScreenshot(page, 'consent-not-global-admin-fr');
  });

  it('when a Helpdesk Administrator opens the admin page in Hebrew, then the error page is Hebrew and right to left', async () => {
    const tenant = await api.newTenant();
    const page = await pageIn('he-IL');

    expect(await openSignedIn(page, `${host.baseUrl}/api/tenant/partners`, tenant.helpdesk)).toBe(403);

    expect(await documentLanguage(page)).toEqual({ lang: 'he', dir: 'rtl' });
    await page.getByRole('heading', { name: 'אין לך הרשאה לבצע פעולה זו' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('נדרש תפקיד מנהל כללי');
    await saveScreenshot(page, 'admin-not-global-admin-he');
  });

  it('when a withdrawn link is opened in German, then the 410 page explains it in German and offers the other languages', async () => {
    const url = await invite();
    const id = new URL(url).pathname.split('/').pop()!.split('.')[1]!;
    expect((await api.request('DELETE', `/api/v1/invitations/${id}`, { token: partnerToken })).status).toBe(
      204,
    );
    const page = await pageIn('de-DE');

    expect((await page.goto(url))?.status()).toBe(410);

    await page.getByRole('heading', { name: 'Dieser Link kann nicht mehr verwendet werden' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain(
      'Der Partner hat diese Einladung zurückgezogen.',
    );
    await Promise.all([page.waitForURL(/lang=fr/), page.getByRole('link', { name: 'Français' }).click()]);
    await page.getByRole('heading', { name: 'Ce lien ne peut plus être utilisé' }).waitFor();
  });

  it('when the Global Administrator opens the admin page in German, then headings, labels and buttons are German', async () => {
    const tenant = await api.newTenant();
    const consent = await pageIn('de-DE');
    await openSignedIn(consent, await invite(), tenant.admin);
    await consent.getByRole('checkbox', { name: 'Ja', exact: true }).check();
    await Promise.all([
      consent.waitForLoadState(),
      consent.getByRole('button', { name: 'Akzeptieren' }).click(),
    ]);
    await consent.getByRole('heading', { name: 'Fertig: Contoso Direct ist autorisiert' }).waitFor();

    await consent.goto(`${host.baseUrl}/api/tenant/partners`);

    await consent.getByRole('heading', { name: `Partner von ${tenant.domain}` }).waitFor();
    await consent.getByRole('columnheader', { name: 'Administratorrollen' }).waitFor();
    const row = consent.getByRole('row').filter({ hasText: 'Contoso Direct' });
    expect(await row.getByRole('cell').nth(1).innerText()).toBe('Handelspartnerbeziehung, direkt');
    await row.getByRole('button', { name: 'Contoso Direct widerrufen' }).waitFor();
    await saveScreenshot(consent, 'admin-de');
  });
});
