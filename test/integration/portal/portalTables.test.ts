import { randomBytes } from 'node:crypto';
import { BatchTableRepository } from '../../../shared/adapters/tables/batchTableRepository';
import { StagedUploadTable } from '../../../shared/adapters/tables/stagedUploadTable';
import type { StagedUpload } from '../../../shared/application/portal/stagedUploads';
import type { DeviceBatch } from '../../../shared/domain/batches/deviceBatch';
import { ownTables, rowsOf } from '../consent/tableFixture';

/** The portal's tables on Azurite: staged uploads (binary parts, meta row last, expiry) and batch listing. */
const own = ownTables();
const uploads = new StagedUploadTable(own.table(own.names.portalUploads));
const batches = new BatchTableRepository(own.table(own.names.deviceBatches));
const TENANT = '0b7e5c1a-1d2e-4f3a-8b9c-0d1e2f3a4b5c';

afterAll(() => own.dropAll());

function upload(overrides: Partial<StagedUpload> = {}): StagedUpload {
  return {
    partnerId: 'northwind-reseller',
    uploadId: randomBytes(32).toString('hex'),
    tenantId: TENANT,
    fileName: 'devices.csv',
    bytes: Buffer.from('Device serial number\r\nSN-1\r\n'),
    stagedAt: '2025-03-01T10:00:00.000Z',
    expiresAt: '2025-03-02T10:00:00.000Z',
    ...overrides,
  };
}

function batch(partnerId: string, batchId: string): DeviceBatch {
  return {
    tenantId: TENANT,
    partnerId,
    batchId,
    status: 'finished',
    total: 1,
    prefailed: 0,
    registered: 1,
    failed: 0,
    processed: 1,
    chunkCount: 1,
    fingerprint: 'f',
    createdAt: '2025-03-01T10:00:00.000Z',
    startedAt: null,
    completedAt: null,
    consentDeadline: '2025-03-15T10:00:00.000Z',
  };
}

describe('StagedUploadTable on Azurite', () => {
  it('when a file of several megabytes that does not compress is staged, then it is split over rows and read back byte for byte', async () => {
    const big = upload({ bytes: randomBytes(3 * 1024 * 1024) });
    await uploads.put(big);

    const read = await uploads.get(big.partnerId, big.uploadId);

    expect(read?.bytes.equals(big.bytes)).toBe(true);
    expect({ ...read, bytes: undefined }).toEqual({ ...big, bytes: undefined });
    const rows = await rowsOf(own.tables, own.names.portalUploads, `${big.partnerId}|${big.uploadId}`);
    expect(rows.filter((r) => String(r.rowKey).startsWith('part-')).length).toBeGreaterThan(3);
  });

  it('when the meta row is missing (a crash before it was written), then the upload is not found', async () => {
    const staged = upload();
    await uploads.put(staged);
    const client = await own.tables.table(own.names.portalUploads);
    await client.deleteEntity(`${staged.partnerId}|${staged.uploadId}`, 'meta');

    expect(await uploads.get(staged.partnerId, staged.uploadId)).toBeUndefined();
  });

  it("when expired uploads are purged, then only that partner's expired ones go", async () => {
    const expired = upload({ expiresAt: '2025-03-01T11:00:00.000Z' });
    const fresh = upload({ expiresAt: '2025-03-09T11:00:00.000Z' });
    const othersExpired = upload({ partnerId: 'contoso-direct', expiresAt: '2025-03-01T11:00:00.000Z' });
    await Promise.all([uploads.put(expired), uploads.put(fresh), uploads.put(othersExpired)]);

    await uploads.purgeExpired('northwind-reseller', new Date('2025-03-02T00:00:00.000Z'));

    expect(await uploads.get(expired.partnerId, expired.uploadId)).toBeUndefined();
    expect(
      await rowsOf(own.tables, own.names.portalUploads, `${expired.partnerId}|${expired.uploadId}`),
    ).toEqual([]);
    expect((await uploads.get(fresh.partnerId, fresh.uploadId))?.bytes.equals(fresh.bytes)).toBe(true);
    expect(await uploads.get(othersExpired.partnerId, othersExpired.uploadId)).toBeDefined();
  });
});

describe('BatchTableRepository.listByPartner on Azurite', () => {
  it('when partners whose IDs share a prefix have batches for one tenant, then each lists only its own', async () => {
    await Promise.all([
      batches.create(batch('contoso', 'a')),
      batches.create(batch('contoso-direct', 'b')),
      batches.create(batch('contoso-direct', 'c')),
      batches.create(batch('contoso-direct-2', 'd')),
    ]);

    const listed = async (partnerId: string) =>
      (await batches.listByPartner(TENANT, partnerId)).map((b) => b.batchId).sort();

    expect(await listed('contoso-direct')).toEqual(['b', 'c']);
    expect(await listed('contoso')).toEqual(['a']);
    expect(await listed('contoso-direct-2')).toEqual(['d']);
  });
});
