import { failedDevices, pageOfDevices } from '../../../shared/application/portal/portalBatchDevices';
import {
  assertPortalUser,
  getVisibleBatch,
  getVisibleBatchForPage,
  listVisibleBatches,
  listVisibleBatchesOutside,
} from '../../../shared/application/portal/portalAccess';
import type { PortalDependencies } from '../../../shared/application/portal/portalDependencies';
import { checkUpload, confirmUpload } from '../../../shared/application/portal/portalUploads';
import type { StagedUpload, StagedUploadStore } from '../../../shared/application/portal/stagedUploads';
import { readDeviceCsvFile } from '../../../shared/adapters/csv/deviceCsvFile';
import { batchPageModel } from '../../../shared/adapters/web/portalBatchView';
import type { PartnerUser } from '../../../shared/domain/identity/principal';
import type { Partner } from '../../../shared/domain/partners/partner';
import type { InMemoryBatchWorld } from '../../support/inMemoryBatchPorts';
import {
  OTHER_TENANT,
  giveConsent,
  inMemoryBatchWorld,
  pkid,
  refusal,
} from '../../support/inMemoryBatchPorts';
import { buildHardwareHash } from '../../support/hardwareHashes';
import { PARTNERS, TENANT_DOMAIN, TENANT_ID, partnerClient } from '../../support/inMemoryPorts';

/** The portal's check-then-confirm upload and who sees which batch, on the in-memory ports. */
const HEADER = 'Device serial number,Windows product ID,Hardware hash,Manufacturer name,Device model';

class InMemoryStagedUploads implements StagedUploadStore {
  readonly rows = new Map<string, StagedUpload>();

  put(upload: StagedUpload): Promise<void> {
    this.rows.set(`${upload.partnerId}|${upload.uploadId}`, { ...upload, bytes: Buffer.from(upload.bytes) });
    return Promise.resolve();
  }

  get(partnerId: string, uploadId: string): Promise<StagedUpload | undefined> {
    const found = this.rows.get(`${partnerId}|${uploadId}`);
    return Promise.resolve(found && { ...found, bytes: Buffer.from(found.bytes) });
  }

  remove(partnerId: string, uploadId: string): Promise<void> {
    this.rows.delete(`${partnerId}|${uploadId}`);
    return Promise.resolve();
  }

  purgeExpired(partnerId: string, now: Date): Promise<number> {
    let removed = 0;
    for (const [key, upload] of this.rows) {
      if (upload.partnerId === partnerId && new Date(upload.expiresAt) < now)
        removed += Number(this.rows.delete(key));
    }
    return Promise.resolve(removed);
  }
}

function portalWorld(): InMemoryBatchWorld & { portal: PortalDependencies; uploads: InMemoryStagedUploads } {
  const world = inMemoryBatchWorld();
  const uploads = new InMemoryStagedUploads();
  return { ...world, uploads, portal: { ...world.batchDeps, uploads, readDeviceFile: readDeviceCsvFile } };
}

const agentOf = (partner: Partner): PartnerUser => ({
  kind: 'partner-user',
  partnerId: partner.id,
  userId: `user-of-${partner.id}`,
  upn: `agent@${partner.id}.example`,
});

const csv = (...rows: string[]) => Buffer.from([HEADER, ...rows].map((r) => `${r}\r\n`).join(''), 'utf8');

const reseller = agentOf(PARTNERS.reseller);

/** Checks `bytes` as a file for `tenantId`, by `who`; the accepted check (the test fails on a refused file). */
async function checkedFile(
  world: ReturnType<typeof portalWorld>,
  bytes: Buffer,
  who: PartnerUser = reseller,
  tenantId = TENANT_ID,
) {
  const checked = await checkUpload(world.portal, who, { tenantId, fileName: 'a.csv', bytes });
  if (!checked.ok) throw new Error(checked.error.message);
  return checked;
}

describe('portal upload: check, then confirm', () => {
  it("when a reseller's agent checks a file with bad rows, then each is reported by line and code, the file is staged, and nothing is submitted", async () => {
    const world = portalWorld();
    await giveConsent(world, PARTNERS.reseller.id);
    const file = csv(`,${pkid(1)},,,`, ',12345,,,', `,${pkid(1)},,,`, 'SN-1,,,Contoso,Laptop 5');

    const checked = await checkedFile(world, file);
    expect({ total: checked.total, valid: checked.valid, consent: checked.consent }).toEqual({
      total: 4,
      valid: 2,
      consent: 'active',
    });
    expect(checked.problems.map((p) => [p.line, p.errorCode])).toEqual([
      [3, 'InvalidZtdRequestBody'],
      [4, 'ZtdDeviceDuplicated'],
    ]);
    expect([...world.uploads.rows.values()].map((u) => u.bytes.equals(file))).toEqual([true]);
    expect(world.batches.writes).toEqual([]);
    expect(world.workflow.calls).toEqual([]);
  });

  it("when a file repeats a device and has a bad product key, then the reasons speak of the file's lines and columns, with the API's codes", async () => {
    const world = portalWorld();
    await giveConsent(world, PARTNERS.reseller.id);
    const file = csv(`,${pkid(1)},,,`, ',12345,,,', 'SN-1,,,Contoso,', `,${pkid(1)},,,`);

    const checked = await checkedFile(world, file);
    expect(checked.problems).toEqual([
      {
        line: 3,
        errorCode: 'InvalidZtdRequestBody',
        errorNumber: 801,
        errorDescription:
          'Windows product ID "12345" is not a product key ID: a PKID is exactly 13 digits (0-9). ' +
          'Correct the cell in the file, then upload the file again.',
      },
      {
        line: 4,
        errorCode: 'MissingZtdSerialNumberAndProductKey',
        errorNumber: 803,
        errorDescription: expect.stringMatching(
          /^The device has Device serial number and Manufacturer name but no Device model: .*Fill in the row's Hardware hash/,
        ) as unknown,
      },
      {
        line: 5,
        errorCode: 'ZtdDeviceDuplicated',
        errorNumber: null,
        errorDescription:
          'This is the same device as line 2 (same product key ID). Only the first of these rows is ' +
          'registered; remove the repeated rows from the file to avoid this message.',
      },
    ]);
    expect(checked.problems.map((p) => p.errorDescription).join(' ')).not.toMatch(/JSON|index/);
  });

  it("when a Get-WindowsAutopilotInfo file (UTF-16 LE, three columns) is checked, then each hash row comes with the device its hash holds, and a row with another device's hash is refused as the wrong hash for the row", async () => {
    const world = portalWorld();
    await giveConsent(world, PARTNERS.reseller.id);
    const hp = { serialNumber: '5CG1234XYZ', manufacturer: 'HP', model: 'HP EliteBook 840 G8 Notebook PC' };
    const vm = { serialNumber: 'VMware-56 4d 8d 1c', manufacturer: 'VMware, Inc.', model: 'VMware7,1' };
    const rows = [
      'Device Serial Number,Windows Product ID,Hardware Hash',
      `${hp.serialNumber},,${buildHardwareHash(hp)}`,
      `SOMEONE-ELSE,,${buildHardwareHash({ ...vm, kind: 'vm' })}`,
    ];
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(rows.map((r) => `${r}\r\n`).join(''), 'utf16le'),
    ]);

    const checked = await checkedFile(world, utf16);

    expect(checked.hashedRows).toEqual([
      { line: 2, ready: true, ...hp },
      { line: 3, ready: false, ...vm },
    ]);
    expect(checked.problems.map((p) => [p.line, p.errorCode, p.errorDescription])).toEqual([
      [
        3,
        'InvalidZtdHardwareHash',
        expect.stringMatching(
          /^This is the hardware hash of the device with serial number "VMware-56 4d 8d 1c" \("VMware, Inc\. VMware7,1"\), not of Device Serial Number "SOMEONE-ELSE": it is the wrong hash for this row\./,
        ),
      ],
    ]);
  });

  it('when the file cannot be read, then the refusal names the line and nothing is staged', async () => {
    const world = portalWorld();
    const bytes = Buffer.from(`${HEADER}\r\n,${pkid(1)},,\r\n`, 'utf8');

    const checked = await checkUpload(world.portal, reseller, {
      tenantId: TENANT_ID,
      fileName: 'a.csv',
      bytes,
    });

    expect(checked).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'CsvFieldCount', line: 2 }),
    });
    expect(world.uploads.rows.size).toBe(0);
  });

  it('when a checked upload is confirmed twice, then one batch is submitted through the portal, in file order', async () => {
    const world = portalWorld();
    await giveConsent(world, PARTNERS.reseller.id);
    const checked = await checkedFile(world, csv(`,${pkid(1)},,,`, `,${pkid(2)},,,`));

    const first = await confirmUpload(world.portal, reseller, checked.upload.uploadId);
    const second = await confirmUpload(world.portal, reseller, checked.upload.uploadId);

    expect(second.batchId).toBe(first.batchId);
    expect(world.batches.writes).toHaveLength(1);
    expect(first).toMatchObject({
      partnerId: PARTNERS.reseller.id,
      tenantId: TENANT_ID,
      total: 2,
      status: 'queued',
    });
    expect(world.staging.chunksOf(first)[0]?.map((d) => d.entry)).toEqual([
      { productKey: pkid(1) },
      { productKey: pkid(2) },
    ]);
    expect(world.audit.events.find((e) => e.type === 'DeviceBatchSubmitted')?.details).toMatchObject({
      channel: 'portal',
    });
  });

  it('when the same file is checked again later, then confirming it makes a new batch', async () => {
    const world = portalWorld();
    const bytes = csv(`,${pkid(1)},,,`);
    const check = async () => {
      const checked = await checkedFile(world, bytes);
      return checked.upload.uploadId;
    };
    const first = await confirmUpload(world.portal, reseller, await check());
    world.clock.advanceDays(0.5);
    const second = await confirmUpload(world.portal, reseller, await check());

    expect(second.batchId).not.toBe(first.batchId);
  });

  it('when the check is older than a day, then confirming is refused as expired and nothing is submitted', async () => {
    const world = portalWorld();
    const checked = await checkedFile(world, csv(`,${pkid(1)},,,`));
    world.clock.advanceDays(1.01);

    const error = await refusal(confirmUpload(world.portal, reseller, checked.upload.uploadId));

    expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'gone', code: 'UploadExpired' });
    expect(world.batches.writes).toEqual([]);
  });

  it("when another partner confirms someone else's upload, then it is not found (uploads are kept per partner)", async () => {
    const world = portalWorld();
    const checked = await checkedFile(world, csv(`,${pkid(1)},,,`));

    const error = await refusal(
      confirmUpload(world.portal, agentOf(PARTNERS.direct), checked.upload.uploadId),
    );

    expect(error.code).toBe('UploadExpired');
    expect(world.batches.writes).toEqual([]);
  });
});

describe('portal: who sees which batch', () => {
  async function resellerBatch(world: ReturnType<typeof portalWorld>) {
    const checked = await checkedFile(
      world,
      csv(`,${pkid(1)},,,`, ',12345,,,', `SN-9,,T0E=,Contoso,Laptop 5`),
    );
    return confirmUpload(world.portal, reseller, checked.upload.uploadId);
  }

  it("when the reseller's provider, authorised for the customer through that reseller, lists the customer's batches, then it sees the reseller's batch beside its own", async () => {
    const world = portalWorld();
    await giveConsent(world, PARTNERS.provider.id, { viaResellerIds: [PARTNERS.reseller.id] });
    const batch = await resellerBatch(world);

    const seen = await listVisibleBatches(world.batchDeps, agentOf(PARTNERS.provider), TENANT_ID);

    expect(seen.map((v) => [v.owner.id, v.batch.batchId, v.own])).toEqual([
      [PARTNERS.reseller.id, batch.batchId, false],
    ]);
    const one = await getVisibleBatch(world.batchDeps, agentOf(PARTNERS.provider), batch);
    expect(one.batch.batchId).toBe(batch.batchId);
  });

  it("when the customer revokes the provider, or never authorised it, then the provider sees none of its reseller's batches and reading one is not found", async () => {
    const world = portalWorld();
    const batch = await resellerBatch(world);
    for (const consent of ['none', 'revoked'] as const) {
      // Revoked, though still naming the reseller: the status alone decides.
      if (consent === 'revoked')
        await giveConsent(world, PARTNERS.provider.id, {
          status: 'revoked',
          viaResellerIds: [PARTNERS.reseller.id],
        });
      const error = await refusal(getVisibleBatch(world.batchDeps, agentOf(PARTNERS.provider), batch));
      expect([consent, error.code]).toEqual([consent, 'BatchNotFound']);
      expect(await listVisibleBatches(world.batchDeps, agentOf(PARTNERS.provider), TENANT_ID)).toEqual([]);
      expect(await listVisibleBatchesOutside(world.batchDeps, agentOf(PARTNERS.provider), new Set())).toEqual(
        [],
      );
    }
    // The reseller still reads its own batch.
    expect((await getVisibleBatch(world.batchDeps, reseller, batch)).own).toBe(true);
  });

  it('when a reseller sends batches before its consent, to two tenants, then its list of all batches holds both, its provider sees them where it is authorised, and no one else does', async () => {
    const world = portalWorld();
    // The provider is authorised through this reseller for both tenants (the reseller's own consent
    // arrives later than its batches, say).
    const via = { viaResellerIds: [PARTNERS.reseller.id] };
    await giveConsent(world, PARTNERS.provider.id, via);
    await giveConsent(world, PARTNERS.provider.id, { tenantId: OTHER_TENANT, ...via });
    const first = await resellerBatch(world);
    const checked = await checkUpload(world.portal, reseller, {
      tenantId: OTHER_TENANT,
      fileName: 'b.csv',
      bytes: csv(`,${pkid(7)},,,`),
    });
    if (!checked.ok) throw new Error(checked.error.message);
    const second = await confirmUpload(world.portal, reseller, checked.upload.uploadId);

    const none = new Set<string>();
    const mine = await listVisibleBatchesOutside(world.batchDeps, reseller, none);
    const providers = await listVisibleBatchesOutside(world.batchDeps, agentOf(PARTNERS.provider), none);

    const seen = (list: typeof mine) =>
      list.map((v) => [v.batch.tenantId, v.batch.batchId, v.batch.status, v.own]).sort();
    expect(seen(mine)).toEqual(
      [
        [TENANT_ID, first.batchId, 'queued', true],
        [OTHER_TENANT, second.batchId, 'queued', true],
      ].sort(),
    );
    expect(seen(providers)).toEqual(seen(mine).map(([t, b, s]) => [t, b, s, false]));
    for (const other of [PARTNERS.otherReseller, PARTNERS.direct]) {
      expect(await listVisibleBatchesOutside(world.batchDeps, agentOf(other), none)).toEqual([]);
    }
    // A tenant among the customers is not read: its batches are on its customer page.
    const outsideTenant = await listVisibleBatchesOutside(world.batchDeps, reseller, new Set([TENANT_ID]));
    expect(seen(outsideTenant)).toEqual([[OTHER_TENANT, second.batchId, 'queued', true]]);
  });

  it("when another reseller of the same provider, or a direct partner, asks for the reseller's batch, then it is not found", async () => {
    const world = portalWorld();
    const batch = await resellerBatch(world);

    for (const other of [PARTNERS.otherReseller, PARTNERS.direct]) {
      const error = await refusal(getVisibleBatch(world.batchDeps, agentOf(other), batch));
      expect(error.code).toBe('BatchNotFound');
      expect(await listVisibleBatches(world.batchDeps, agentOf(other), TENANT_ID)).toEqual([]);
    }
  });

  it("when a row carried another device's hash, then the batch page shows whose hash it is; a row with its own hash shows make and model from the hash", async () => {
    const world = portalWorld();
    const hp = { serialNumber: '5CG1234XYZ', manufacturer: 'HP', model: 'HP EliteBook 840 G8 Notebook PC' };
    const vm = { serialNumber: 'VMware-56 4d 8d 1c', manufacturer: 'VMware, Inc.', model: 'VMware7,1' };
    const file = Buffer.from(
      [
        'Device Serial Number,Windows Product ID,Hardware Hash',
        `${hp.serialNumber},,${buildHardwareHash(hp)}`,
        `SOMEONE-ELSE,,${buildHardwareHash({ ...vm, kind: 'vm' })}`,
      ]
        .map((row) => `${row}\r\n`)
        .join(''),
      'utf8',
    );
    const checked = await checkedFile(world, file);
    const batch = await confirmUpload(world.portal, reseller, checked.upload.uploadId);
    const visible = await getVisibleBatchForPage(world.batchDeps, reseller, batch);
    const page = await pageOfDevices(world.batchDeps, visible.batch, {}, 0, 10);

    const model = batchPageModel(visible, visible.customerDomain, page, { from: 0 });

    expect(model.devices.map((d) => [d.serialNumber, d.manufacturer, d.model, d.hashOfOther])).toEqual([
      [hp.serialNumber, 'HP', hp.model, null],
      ['SOMEONE-ELSE', '', '', vm],
    ]);
  });

  it("when the batch page's batch is read, then it carries the customer's domain from the viewer's relationship, or the tenant ID without one", async () => {
    const world = portalWorld();
    const batch = await resellerBatch(world);
    const before = await getVisibleBatchForPage(world.batchDeps, reseller, batch);
    expect([before.customerDomain, before.own]).toEqual([TENANT_ID, true]);

    await giveConsent(world, PARTNERS.reseller.id);
    await giveConsent(world, PARTNERS.provider.id, { viaResellerIds: [PARTNERS.reseller.id] });
    const forReseller = await getVisibleBatchForPage(world.batchDeps, reseller, batch);
    const forProvider = await getVisibleBatchForPage(world.batchDeps, agentOf(PARTNERS.provider), batch);

    expect([forReseller.customerDomain, forReseller.own]).toEqual([TENANT_DOMAIN, true]);
    expect([forProvider.customerDomain, forProvider.own]).toEqual([TENANT_DOMAIN, false]);
  });

  it("when a partner's API client uses the portal, then it is refused with PartnerPortalUserRequired", () => {
    expect(() => assertPortalUser(partnerClient(PARTNERS.reseller))).toThrow(
      expect.objectContaining({ code: 'PartnerPortalUserRequired' }),
    );
  });

  it('when the failed devices are read, then they come with the fields as submitted (the hash too) and the filter keeps only them', async () => {
    const world = portalWorld();
    const batch = await resellerBatch(world);

    const failed = await failedDevices(world.batchDeps, batch);
    const page = await pageOfDevices(world.batchDeps, batch, { errorCode: 'InvalidZtdHardwareHash' }, 0, 10);

    expect(failed.map((d) => [d.outcome.index, d.outcome.errorCode, d.submitted])).toEqual([
      [1, 'InvalidZtdRequestBody', { productKey: '12345' }],
      [
        2,
        'InvalidZtdHardwareHash',
        { serialNumber: 'SN-9', hardwareHash: 'T0E=', oemManufacturerName: 'Contoso', modelName: 'Laptop 5' },
      ],
    ]);
    expect(page.items.map((d) => d.outcome.index)).toEqual([2]);
    expect(page.next).toBeNull();
  });
});
