import { BatchTableRepository } from '../../../shared/adapters/tables/batchTableRepository';
import { VersionConflict } from '../../../shared/application/ports/versioned';
import type { DeviceBatch } from '../../../shared/domain/batches/deviceBatch';
import { ownTables } from '../consent/tableFixture';

jest.setTimeout(120_000);

/** A partner's batches across tenants, through the per-partner index rows of the DeviceBatches table. */
const TAILSPIN = '4f1c6a8e-2b7d-4c3a-9e51-7d2f0b9a6c13';
const WINGTIP = '9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94';

const batch = (tenantId: string, partnerId: string, batchId: string): DeviceBatch => ({
  tenantId,
  partnerId,
  batchId,
  status: 'awaiting_consent',
  total: 2,
  prefailed: 0,
  registered: 0,
  failed: 0,
  processed: 0,
  chunkCount: 1,
  fingerprint: 'f'.repeat(64),
  createdAt: '2025-03-01T10:00:00.000Z',
  startedAt: null,
  completedAt: null,
  consentDeadline: '2025-03-15T10:00:00.000Z',
});

const ids = (list: readonly DeviceBatch[]) => list.map((b) => `${b.tenantId}/${b.batchId}`).sort();

describe('BatchTableRepository.listAllByPartner (Azurite)', () => {
  const own = ownTables();
  afterAll(() => own.dropAll());
  const batches = new BatchTableRepository(own.table(own.names.deviceBatches));

  it("when a partner has batches in two tenants, then it lists them all, and not another partner's", async () => {
    await batches.create(batch(TAILSPIN, 'index-a', 'one'));
    await batches.create(batch(WINGTIP, 'index-a', 'two'));
    await batches.create(batch(TAILSPIN, 'index-b', 'other'));

    expect(ids(await batches.listAllByPartner('index-a'))).toEqual([`${TAILSPIN}/one`, `${WINGTIP}/two`]);
    expect(ids(await batches.listAllByPartner('index-b'))).toEqual([`${TAILSPIN}/other`]);
    expect(await batches.listAllByPartner('index-none')).toEqual([]);
  });

  it('when a batch is created again (a retried submission), then it is listed once and the second create is a VersionConflict', async () => {
    const b = batch(WINGTIP, 'index-c', 'again');
    await batches.create(b);
    await expect(batches.create(b)).rejects.toBeInstanceOf(VersionConflict);

    expect(await batches.listAllByPartner('index-c')).toEqual([b]);
  });

  it('when an index row has no batch (a crash between the two writes), then listing skips it', async () => {
    const table = await own.table(own.names.deviceBatches)();
    await table.upsertEntity({ partitionKey: 'partner:index-d', rowKey: `${WINGTIP}|lost` }, 'Replace');
    await batches.create(batch(TAILSPIN, 'index-d', 'kept'));

    expect(ids(await batches.listAllByPartner('index-d'))).toEqual([`${TAILSPIN}/kept`]);
  });

  it("when index rows exist, then a tenant's per-partner listing still holds only batches", async () => {
    await batches.create(batch(TAILSPIN, 'index-e', 'only'));

    expect(ids(await batches.listByPartner(TAILSPIN, 'index-e'))).toEqual([`${TAILSPIN}/only`]);
  });
});
