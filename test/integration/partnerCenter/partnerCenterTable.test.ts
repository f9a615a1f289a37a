import { PartnerCenterTable } from '../../../shared/adapters/tables/partnerCenterTable';
import type {
  PcBatchRecord,
  PcUploadRecord,
} from '../../../shared/application/partnerCenter/partnerCenterStore';
import { VersionConflict } from '../../../shared/application/ports/versioned';
import { ownTables } from '../consent/tableFixture';

/** The Partner Center surface's table on Azurite: named batches, their uploads, and kept first answers. */
const own = ownTables();
const store = new PartnerCenterTable(own.table(own.names.partnerCenter));
const TENANT = '5e2d1c0b-3a4f-4e5d-9c8b-7a6f5e4d3c2b';
const OTHER_TENANT = '6f3e2d1c-4b5a-4f6e-8d9c-8b7a6f5e4d3c';

afterAll(() => own.dropAll());

const batch = (
  nameKey: string,
  createdAt: string,
  overrides: Partial<PcBatchRecord> = {},
): PcBatchRecord => ({
  tenantId: TENANT,
  partnerId: 'contoso-direct',
  nameKey,
  name: `name of ${nameKey}`,
  createdAt,
  creationTrackingId: `${nameKey}-t0`,
  creationFingerprint: 'f'.repeat(64),
  ...overrides,
});

const upload = (nameKey: string, trackingId: string, createdAt: string, total = 1): PcUploadRecord => ({
  tenantId: TENANT,
  partnerId: 'contoso-direct',
  nameKey,
  trackingId,
  createdAt,
  total,
});

describe('PartnerCenterTable', () => {
  it('when a batch name is created twice, then the second is a VersionConflict and the first stands', async () => {
    await store.createBatch(batch('k1', '2026-01-01T00:00:00.000Z'));
    await expect(
      store.createBatch(batch('k1', '2026-01-02T00:00:00.000Z', { name: 'other' })),
    ).rejects.toThrow(VersionConflict);
    expect(await store.getBatch(TENANT, 'contoso-direct', 'k1')).toEqual(
      batch('k1', '2026-01-01T00:00:00.000Z'),
    );
    expect(await store.getBatch(OTHER_TENANT, 'contoso-direct', 'k1')).toBeUndefined();
    expect(await store.getBatch(TENANT, 'adatum-oem', 'k1')).toBeUndefined();
  });

  it('when batches and uploads share a partition, then each listing reads only its own rows, in creation order', async () => {
    await store.createBatch(batch('k3', '2026-01-03T00:00:00.000Z'));
    await store.createBatch(batch('k2', '2026-01-02T00:00:00.000Z'));
    await store.addUpload(upload('k2', 'b-late', '2026-01-05T00:00:00.000Z'));
    await store.addUpload(upload('k2', 'a-early', '2026-01-04T00:00:00.000Z', 7));
    await store.addUpload(upload('k3', 'c', '2026-01-04T00:00:00.000Z'));
    // A retried upload keeps its first record.
    await store.addUpload(upload('k2', 'a-early', '2026-01-09T00:00:00.000Z', 99));

    const names = (await store.listBatches(TENANT, 'contoso-direct')).map((b) => b.nameKey);
    expect(names.filter((k) => ['k2', 'k3'].includes(k))).toEqual(['k2', 'k3']);
    expect(await store.listUploads(TENANT, 'contoso-direct', 'k2')).toEqual([
      upload('k2', 'a-early', '2026-01-04T00:00:00.000Z', 7),
      upload('k2', 'b-late', '2026-01-05T00:00:00.000Z'),
    ]);
    expect(await store.listUploads(OTHER_TENANT, 'contoso-direct', 'k2')).toEqual([]);
  });

  it('when an answer is kept under a request ID of any text, then it is read back as kept and the first one stands', async () => {
    const requestId = 'a/b\\c#d?e%f ü';
    const answer = {
      requestHash: 'h1',
      status: 202,
      headers: { location: '/customers/x/batchJobStatus/y' },
      body: '',
    };
    await store.putAnswer('contoso-direct', requestId, answer);
    await store.putAnswer('contoso-direct', requestId, { ...answer, requestHash: 'h2', status: 400 });
    expect(await store.getAnswer('contoso-direct', requestId)).toEqual(answer);
    expect(await store.getAnswer('adatum-oem', requestId)).toBeUndefined();
    expect(await store.getAnswer('contoso-direct', 'a/b\\c#d?e%f')).toBeUndefined();
  });
});
