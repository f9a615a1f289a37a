import { randomBytes } from 'node:crypto';
import { StagedUploadTable } from '../../../shared/adapters/tables/stagedUploadTable';
import { purgeExpiredUploads } from '../../../shared/application/portal/purgeExpiredUploads';
import type { StagedUpload } from '../../../shared/application/portal/stagedUploads';
import { InMemoryPartnerDirectory, ManualClock, PARTNERS } from '../../support/inMemoryPorts';
import { ownTables, rowsOf } from '../consent/tableFixture';

/** The hourly purge's use case on Azurite: every partner's expired staged uploads go, fresh ones stay. */
const own = ownTables();
const uploads = new StagedUploadTable(own.table(own.names.portalUploads));
const TENANT = '5d2c8e1f-3a4b-4c5d-9e6f-7a8b9c0d1e2f';

afterAll(() => own.dropAll());

function upload(partnerId: string, expiresAt: string): StagedUpload {
  return {
    partnerId,
    uploadId: randomBytes(32).toString('hex'),
    tenantId: TENANT,
    fileName: 'devices.csv',
    bytes: Buffer.from('Device serial number\r\nSN-1\r\n'),
    stagedAt: '2025-03-01T10:00:00.000Z',
    expiresAt,
  };
}

describe('purgeExpiredUploads on Azurite', () => {
  it("when the timer's purge runs, then every partner's expired uploads are removed, parts and all, and fresh ones are kept", async () => {
    const expiredReseller = upload(PARTNERS.reseller.id, '2025-03-02T10:00:00.000Z');
    const expiredDirect = upload(PARTNERS.direct.id, '2025-03-02T10:00:00.000Z');
    const fresh = upload(PARTNERS.reseller.id, '2025-03-02T14:00:00.000Z');
    await Promise.all([uploads.put(expiredReseller), uploads.put(expiredDirect), uploads.put(fresh)]);

    const { removed } = await purgeExpiredUploads({
      partners: new InMemoryPartnerDirectory(Object.values(PARTNERS)),
      clock: new ManualClock('2025-03-02T12:00:00.000Z'),
      uploads,
    });

    expect(removed).toBe(2);
    for (const gone of [expiredReseller, expiredDirect]) {
      expect(await uploads.get(gone.partnerId, gone.uploadId)).toBeUndefined();
      const partition = `${gone.partnerId}|${gone.uploadId}`;
      expect(await rowsOf(own.tables, own.names.portalUploads, partition)).toEqual([]);
    }
    expect((await uploads.get(fresh.partnerId, fresh.uploadId))?.bytes.equals(fresh.bytes)).toBe(true);
  });
});
