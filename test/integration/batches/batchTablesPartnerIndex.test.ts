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

describe('BatchTableRepository.tenantsWithBatches (Azurite)', () => {
  const own = ownTables();
  afterAll(() => own.dropAll());
  const batches = new BatchTableRepository(own.table(own.names.deviceBatches));

  it("when a partner has batches in two tenants, then both tenants are listed once each, and not another partner's", async () => {
    await batches.create(batch(TAILSPIN, 'index-a', 'one'));
    await batches.create(batch(TAILSPIN, 'index-a', 'one-more'));
    await batches.create(batch(WINGTIP, 'index-a', 'two'));
    await batches.create(batch(TAILSPIN, 'index-b', 'other'));

    expect((await batches.tenantsWithBatches('index-a')).sort()).toEqual([TAILSPIN, WINGTIP].sort());
    expect(await batches.tenantsWithBatches('index-b')).toEqual([TAILSPIN]);
    expect(await batches.tenantsWithBatches('index-none')).toEqual([]);
  });

  it('when a batch is created again (a retried submission), then the second create is a VersionConflict and its tenant is listed once', async () => {
    const b = batch(WINGTIP, 'index-c', 'again');
    await batches.create(b);
    await expect(batches.create(b)).rejects.toBeInstanceOf(VersionConflict);

    expect(await batches.tenantsWithBatches('index-c')).toEqual([WINGTIP]);
  });

  it("when index rows exist, then a tenant's per-partner listing still holds only batches", async () => {
    await batches.create(batch(TAILSPIN, 'index-e', 'only'));

    expect((await batches.listByPartner(TAILSPIN, 'index-e')).map((b) => b.batchId)).toEqual(['only']);
  });
});
