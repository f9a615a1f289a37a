import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readDeviceCsv } from '../../../shared/adapters/csv/deviceCsvReader';
import { ApiClient } from '../../support/apiClient';
import type { Json } from '../../support/batchHelpers';
import { newPkids, newTuple, revokeConsent } from '../../support/batchHelpers';
import { saveScreenshot, signInAs, startHostAndBrowser } from '../../support/browser';
import type { LocalHostProcess } from '../../support/localHostProcess';
import { buildHardwareHash } from '../../support/hardwareHashes';

/**
 * The partner portal in headless Chromium against the local host: an indirect reseller's agent invites a
 * customer, uploads CSV files the way partners' tools write them, checks them, confirms, and watches the
 * batch finish; its provider sees the batch too.
 */
const RESELLER_AGENT = 'agent@northwind-reseller.example';
const PROVIDER_AGENT = 'agent@fabrikam-distribution.example';
const PC_HEADER = 'Device serial number,Windows product ID,Hardware hash,Manufacturer name,Device model';
const INTUNE_HEADER = 'Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User';

// Each test uploads, confirms and waits for a durable batch to finish: longer than jest's 5 s default.
jest.setTimeout(120_000);

let host: LocalHostProcess;
let api: ApiClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let providerToken: string;

beforeAll(async () => {
  ({ host, browser } = await startHostAndBrowser());
  api = new ApiClient(host.baseUrl);
  providerToken = await api.partnerToken('fabrikam-distribution');
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({ acceptDownloads: true });
  page = await context.newPage();
});

afterEach(async () => {
  await context?.close();
});

const crlf = (...lines: string[]) => lines.map((line) => `${line}\r\n`).join('');
const utf16leWithBom = (text: string) =>
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

/**
 * A fresh tenant whose admin accepted the reseller's invitation, created on the portal's customers page
 * by the reseller's agent (who stays signed in on `page`).
 */
async function resellerCustomer(): ReturnType<ApiClient['newTenant']> {
  const tenant = await api.newTenant();
  await page.goto(`${host.baseUrl}/api/portal/customers`);
  await signInAs(page, RESELLER_AGENT);
  await inviteAndAccept(page, tenant);
  return tenant;
}

/** On the customers page: create an invitation, copy its link from the page, and let the admin accept it. */
async function inviteAndAccept(on: Page, tenant: { domain: string; admin: string }): Promise<void> {
  await on.goto(`${host.baseUrl}/api/portal/customers`);
  await on.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
  await on.getByLabel("Customer's email (optional)").fill(`admin@${tenant.domain}`);
  await Promise.all([
    on.waitForURL(/done=created/),
    on.getByRole('button', { name: 'Create invitation' }).click(),
  ]);
  const created = on.locator('tr.highlight');
  // The copy button is the script's enhancement of the read-only link field.
  await created.getByRole('button', { name: /^Copy link of the invitation created / }).waitFor();
  const url = await created.getByLabel('Invitation link', { exact: true }).inputValue();
  expect(url).toMatch(/\/api\/consent\/northwind-reseller\./);
  const accepted = await api.request('POST', url, {
    token: await api.userToken(tenant.admin),
    form: { consent: 'yes' },
    headers: { accept: 'application/json' },
  });
  expect(accepted.status).toBe(200);
}

/** Chooses the customer and the file on the upload page and presses "Check file". */
async function checkFile(tenantId: string, name: string, bytes: Buffer): Promise<void> {
  await page.goto(`${host.baseUrl}/api/portal/upload?tenantId=${tenantId}`);
  await page.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer: bytes });
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/portal/upload') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Check file' }).click(),
  ]);
}

async function stat(testId: string): Promise<string> {
  return page.getByTestId(testId).innerText();
}

/** Presses "Register N devices", waits on the batch page until the batch is final, then shows the results. */
async function confirmAndWatch(devices: number): Promise<void> {
  await Promise.all([
    page.waitForURL(/\/api\/portal\/batches\//),
    page.getByRole('button', { name: `Register ${devices} devices` }).click(),
  ]);
  await page.locator('[data-status-url][data-final="true"]').waitFor({ timeout: 60_000 });
  await page.goto(page.url());
}

async function deviceChecks(tenantId: string, devices: object[]): Promise<Json[]> {
  const res = await api.request<Json>('POST', `/api/v1/customers/${tenantId}/deviceBatches/validate`, {
    token: providerToken,
    json: { devices },
  });
  expect(res.status).toBe(200);
  return res.body.devices as Json[];
}

describe('partner portal in a browser', () => {
  it("when an indirect reseller's agent uploads a Partner Center CSV and a UTF-16 LE Intune CSV, then each is checked, registered and watched to the end, and the provider sees the batches", async () => {
    const tenant = await resellerCustomer();
    await page.goto(`${host.baseUrl}/api/portal/customers`);
    const customerRow = page.getByRole('row').filter({ hasText: tenant.domain }).first();
    expect(await customerRow.getByRole('cell').allInnerTexts()).toEqual([
      expect.stringContaining(tenant.tenantId),
      expect.stringContaining('Reseller relationship'),
      'Direct',
      'None',
      'Active',
      expect.stringContaining('Upload devices'),
    ]);
    await saveScreenshot(page, 'portal-customers');

    // Partner Center's template, UTF-8 with CRLF: two tuples and a product key.
    const [t1, t2] = [newTuple(), newTuple()];
    const [pkid] = newPkids(1);
    const partnerCenter = Buffer.from(
      crlf(
        PC_HEADER,
        `${t1.serialNumber},,,${t1.oemManufacturerName},${t1.modelName}`,
        `"${t2.serialNumber}",,,"${t2.oemManufacturerName}","${t2.modelName}"`,
        `,${pkid},,,`,
      ),
      'utf8',
    );
    await checkFile(tenant.tenantId, 'partner-center.csv', partnerCenter);
    await page.getByRole('heading', { name: 'Check partner-center.csv' }).waitFor();
    expect([await stat('total'), await stat('valid'), await stat('invalid')]).toEqual(['3', '3', '0']);
    await saveScreenshot(page, 'portal-upload-checked');
    await confirmAndWatch(3);
    const progress = page.locator('#batch-progress');
    expect(await progress.getAttribute('value')).toBe('100');
    await page.getByRole('heading', { name: 'Status: Finished' }).waitFor();
    expect(await page.locator('#devices tbody tr[data-status="registered"]').count()).toBe(3);
    await saveScreenshot(page, 'portal-batch-finished');

    // Intune's header as Get-WindowsAutopilotInfo writes it with Windows PowerShell: UTF-16 LE with a BOM.
    const hashed = [newTuple(), newTuple()];
    const intuneRows = hashed.map((t) => {
      const hash = buildHardwareHash({
        serialNumber: t.serialNumber,
        manufacturer: t.oemManufacturerName,
        model: t.modelName,
      });
      return `${t.serialNumber},,${hash},Kiosk,`;
    });
    await checkFile(tenant.tenantId, 'AutopilotHWID.csv', utf16leWithBom(crlf(INTUNE_HEADER, ...intuneRows)));
    await page.getByText('UTF-16LE').first().waitFor();
    expect([await stat('total'), await stat('valid')]).toEqual(['2', '2']);
    await confirmAndWatch(2);
    await page.getByRole('heading', { name: 'Status: Finished' }).waitFor();
    expect(await page.locator('#devices tbody tr[data-status="registered"]').count()).toBe(2);

    // Registered for real: the provider's API now finds every device already assigned to this tenant.
    const checks = await deviceChecks(tenant.tenantId, [
      t1,
      { productKey: pkid },
      {
        serialNumber: hashed[0]!.serialNumber,
        oemManufacturerName: 'Contoso Hardware',
        modelName: 'Surface-ish 9',
      },
    ]);
    expect(checks.map((c) => c.errorCode)).toEqual([
      'ZtdDeviceAlreadyAssigned',
      'ZtdDeviceAlreadyAssigned',
      'ZtdDeviceAlreadyAssigned',
    ]);

    // The provider's agent sees both of its reseller's batches for this customer.
    const providerContext = await browser.newContext();
    try {
      const providerPage = await providerContext.newPage();
      await providerPage.goto(`${host.baseUrl}/api/portal/customers/${tenant.tenantId}`);
      await signInAs(providerPage, PROVIDER_AGENT);
      const rows = providerPage.locator('table.data tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(2);
      expect(await rows.allInnerTexts()).toEqual([
        expect.stringContaining('Northwind'),
        expect.stringContaining('Northwind'),
      ]);
      await Promise.all([
        providerPage.waitForURL(/\/api\/portal\/batches\//),
        rows.first().getByRole('link').click(),
      ]);
      await providerPage.getByRole('heading', { name: 'Status: Finished' }).waitFor();
      await saveScreenshot(providerPage, 'portal-provider-sees-reseller-batch');
    } finally {
      await providerContext.close();
    }
  });

  it('when files exactly as Get-WindowsAutopilotInfo writes them are uploaded (three columns, or with Group Tag and Assigned User), then every row registers and the check and batch pages show make and model read from the hashes', async () => {
    const tenant = await resellerCustomer();
    const [pkidHp, pkidLenovo] = newPkids(2);
    const hex = (bytes: number) => randomBytes(bytes).toString('hex');
    const pairs = (bytes: number) => hex(bytes).replace(/(..)(?!$)/g, '$1 ');
    const hp = {
      serialNumber: `5CG${hex(4).toUpperCase()}`,
      manufacturer: 'HP',
      model: 'HP EliteBook 840 G8 Notebook PC',
      productKey: pkidHp,
    };
    const lenovo = {
      serialNumber: `PF${hex(3).toUpperCase()}`,
      manufacturer: 'LENOVO',
      model: '20XW004GUS',
      productKey: pkidLenovo,
    };
    const vms = [0, 1].map(() => ({
      serialNumber: `VMware-${pairs(8)}-${pairs(8)}`,
      manufacturer: 'VMware, Inc.',
      model: 'VMware7,1',
      kind: 'vm' as const,
    }));

    // Get-WindowsAutopilotInfo -OutputFile: Windows PowerShell's Out-File (UTF-16 LE with a BOM, CRLF),
    // quotes stripped, the product ID left empty, and only these three columns unless asked for more.
    const threeColumns = utf16leWithBom(
      crlf(
        'Device Serial Number,Windows Product ID,Hardware Hash',
        ...[hp, vms[0]!].map((d) => `${d.serialNumber},,${buildHardwareHash(d)}`),
      ),
    );
    await checkFile(tenant.tenantId, 'AutopilotHWID.csv', threeColumns);
    await page.getByText('UTF-16LE').first().waitFor();
    expect([await stat('total'), await stat('valid'), await stat('invalid')]).toEqual(['2', '2', '0']);
    const hashedRows = async () =>
      Promise.all(
        (await page.locator('#hashed-devices tbody tr').all()).map((row) =>
          row.locator('td').allInnerTexts(),
        ),
      );
    expect(await hashedRows()).toEqual([
      ['2', hp.serialNumber, 'HP', 'HP EliteBook 840 G8 Notebook PC', 'Ready'],
      ['3', vms[0]!.serialNumber, 'VMware, Inc.', 'VMware7,1', 'Ready'],
    ]);
    await saveScreenshot(page, 'portal-upload-autopilot-hashes-checked');
    await confirmAndWatch(2);
    await page.getByRole('heading', { name: 'Status: Finished' }).waitFor();
    const deviceCells = page.locator('#devices tbody tr[data-status="registered"] td:nth-child(2)');
    expect(await deviceCells.allInnerTexts()).toEqual([
      expect.stringContaining('HP HP EliteBook 840 G8 Notebook PC'),
      expect.stringContaining('VMware, Inc. VMware7,1'),
    ]);
    await saveScreenshot(page, 'portal-batch-autopilot-hashes');

    // -GroupTag and -AssignedUser add their two columns.
    const fiveColumns = utf16leWithBom(
      crlf(
        INTUNE_HEADER,
        ...[lenovo, vms[1]!].map(
          (d) => `${d.serialNumber},,${buildHardwareHash(d)},Kiosk,anna@${tenant.domain}`,
        ),
      ),
    );
    await checkFile(tenant.tenantId, 'AutopilotHWID-tagged.csv', fiveColumns);
    expect([await stat('total'), await stat('valid')]).toEqual(['2', '2']);
    expect((await hashedRows()).map((cells) => cells.slice(1, 4))).toEqual([
      [lenovo.serialNumber, 'LENOVO', '20XW004GUS'],
      [vms[1]!.serialNumber, 'VMware, Inc.', 'VMware7,1'],
    ]);
    await confirmAndWatch(2);
    await page.getByRole('heading', { name: 'Status: Finished' }).waitFor();
    expect(await deviceCells.allInnerTexts()).toEqual([
      expect.stringContaining('LENOVO 20XW004GUS'),
      expect.stringContaining('VMware, Inc. VMware7,1'),
    ]);

    // Registered for real, under the identifiers inside the hashes: the tuple and the product key.
    const checks = await deviceChecks(tenant.tenantId, [
      { serialNumber: hp.serialNumber, oemManufacturerName: 'HP', modelName: hp.model },
      { productKey: pkidLenovo },
      { serialNumber: vms[1]!.serialNumber, oemManufacturerName: 'VMware, Inc.', modelName: 'VMware7,1' },
    ]);
    expect(checks.map((c) => c.errorCode)).toEqual([
      'ZtdDeviceAlreadyAssigned',
      'ZtdDeviceAlreadyAssigned',
      'ZtdDeviceAlreadyAssigned',
    ]);
  });

  it('when a file has bad rows, then each is shown with its line and reason and nothing is registered', async () => {
    const tenant = await resellerCustomer();
    const good = newTuple();
    const [pkid] = newPkids(1);
    const bad = Buffer.from(
      crlf(
        PC_HEADER,
        `${good.serialNumber},,,${good.oemManufacturerName},${good.modelName}`,
        `,${pkid},,,`,
        ',,,Contoso Hardware,',
        `,,not-a-hash,,`,
        `${good.serialNumber},,,${good.oemManufacturerName},${good.modelName}`,
      ),
      'utf8',
    );
    await checkFile(tenant.tenantId, 'bad.csv', bad);
    await page.locator('#problems').waitFor();
    expect([await stat('total'), await stat('valid'), await stat('invalid')]).toEqual(['5', '2', '3']);
    const problems = await Promise.all(
      (await page.locator('#problems tbody tr').all()).map(async (row) =>
        (await row.locator('td').allInnerTexts()).slice(0, 2),
      ),
    );
    expect(problems).toEqual([
      ['4', 'MissingZtdSerialNumberAndProductKey (803)'],
      ['5', 'InvalidZtdHardwareHash (802)'],
      ['6', 'ZtdDeviceDuplicated'],
    ]);
    await saveScreenshot(page, 'portal-upload-row-errors');

    // A file that cannot be read at all says why, and which header was expected.
    await checkFile(tenant.tenantId, 'wrong-header.csv', Buffer.from(crlf('Serial,PKID', 'A,1'), 'utf8'));
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(
      /CsvUnknownHeader[\s\S]*|Device serial number,Windows product ID/,
    );
    expect(await alert.innerText()).toContain('Nothing was registered');

    // Nothing was registered and no batch exists: the devices are still free, the customer has no batches.
    const checks = await deviceChecks(tenant.tenantId, [good, { productKey: pkid }]);
    expect(checks.map((c) => c.status)).toEqual(['valid', 'valid']);
    await page.goto(`${host.baseUrl}/api/portal/customers/${tenant.tenantId}`);
    await page.getByText('No device batches for this customer yet.').waitFor();
  });

  it('when some rows fail, then the failed rows download as a CSV that reads back with their reasons, and the filter shows only them', async () => {
    const tenant = await resellerCustomer();
    const good = [newTuple(), newTuple()];
    const [bad1] = newPkids(1);
    const file = Buffer.from(
      crlf(
        PC_HEADER,
        ...good.map((t) => `${t.serialNumber},,,${t.oemManufacturerName},${t.modelName}`),
        `SN-missing-model,${bad1!.slice(0, 5)},,Contoso Hardware,`,
      ),
      'utf8',
    );
    await checkFile(tenant.tenantId, 'mixed.csv', file);
    expect([await stat('valid'), await stat('invalid')]).toEqual(['2', '1']);
    await confirmAndWatch(2);
    await page.getByRole('heading', { name: 'Status: Finished with errors' }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download failed rows (CSV)' }).click(),
    ]);
    const downloaded = readFileSync(await download.path());
    const read = readDeviceCsv(downloaded);
    if (!read.ok) throw new Error(read.error.message);
    expect(read.devices.map((row) => row.device)).toEqual([
      {
        serialNumber: 'SN-missing-model',
        productKey: bad1!.slice(0, 5),
        oemManufacturerName: 'Contoso Hardware',
      },
    ]);
    const lines = downloaded.toString('utf8').split('\r\n');
    expect(lines[0]).toBe(`\uFEFF${PC_HEADER},Error`);
    expect(lines[1]).toContain('InvalidZtdRequestBody (801): productKey');

    await page.getByLabel('Device status').selectOption('failed');
    await Promise.all([
      page.waitForURL(/status=failed/),
      page.getByRole('button', { name: 'Apply filters' }).click(),
    ]);
    const rows = page.locator('#devices tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-status')).toBe('failed');
  });

  it('when a batch waits for consent, then its page says so and its bar moves to done without a reload once consent is given', async () => {
    const tenant = await resellerCustomer();
    await revokeConsent(api, 'northwind-reseller', tenant.admin);
    const [pkid] = newPkids(1);
    await checkFile(tenant.tenantId, 'waiting.csv', Buffer.from(crlf(PC_HEADER, `,${pkid},,,`), 'utf8'));
    await page.getByText('has revoked your authorisation').waitFor();
    await Promise.all([
      page.waitForURL(/\/api\/portal\/batches\//),
      page.getByRole('button', { name: 'Register 1 devices' }).click(),
    ]);
    await page.getByRole('heading', { name: 'Status: Waiting for the customer’s consent' }).waitFor();
    expect(await page.locator('#batch-progress').getAttribute('value')).toBe('0');
    await page.evaluate('window.portalTestMarker = "same document"');

    // The customer accepts a new invitation (made in another tab); the waiting batch runs.
    const otherTab = await context.newPage();
    await inviteAndAccept(otherTab, tenant);
    await otherTab.close();

    const live = page.locator('[data-status-url]');
    await page.locator('[data-status-url][data-final="true"]').waitFor({ timeout: 60_000 });
    expect(await live.getByRole('heading').innerText()).toBe('Status: Finished');
    expect(await page.locator('#batch-progress').getAttribute('value')).toBe('100');
    await page.getByRole('link', { name: "Show each device's result" }).waitFor();
    expect(await page.evaluate('window.portalTestMarker')).toBe('same document');
    await saveScreenshot(page, 'portal-batch-live-finished');
  });

  it("when a form is posted without the page's CSRF token, or a customer's admin opens the portal, then 403 and nothing changes", async () => {
    const tenant = await resellerCustomer();
    const [pkid] = newPkids(1);
    await checkFile(tenant.tenantId, 'one.csv', Buffer.from(crlf(PC_HEADER, `,${pkid},,,`), 'utf8'));
    const confirm = page.locator('form[data-once]');
    const action = await confirm.getAttribute('action');

    // page.request shares the signed-in cookies; only the token is missing or wrong.
    for (const form of [{ note: 'no csrf field' }, { csrf: 'not-the-token' }] as Record<string, string>[]) {
      const forged = await page.request.post(`${host.baseUrl}${action}`, { form, maxRedirects: 0 });
      expect(forged.status()).toBe(403);
    }
    await page.goto(`${host.baseUrl}/api/portal/customers/${tenant.tenantId}`);
    await page.getByText('No device batches for this customer yet.').waitFor();
    expect((await deviceChecks(tenant.tenantId, [{ productKey: pkid }]))[0]?.status).toBe('valid');

    const customerContext = await browser.newContext();
    try {
      const customerPage = await customerContext.newPage();
      const landed = customerPage.waitForResponse(
        (r) => new URL(r.url()).pathname === '/api/portal/customers' && r.status() !== 303,
      );
      await customerPage.goto(`${host.baseUrl}/api/portal/customers`);
      await signInAs(customerPage, tenant.admin);
      expect((await landed).status()).toBe(403);
      await customerPage.getByText('PartnerPortalUserRequired').waitFor();
    } finally {
      await customerContext.close();
    }
  });
});
