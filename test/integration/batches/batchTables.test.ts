import { BatchTableRepository } from '../../../shared/adapters/tables/batchTableRepository';
import { DeviceOutcomeTable } from '../../../shared/adapters/tables/deviceOutcomeTable';
import { DeviceStagingTable } from '../../../shared/adapters/tables/deviceStagingTable';
import { VersionConflict } from '../../../shared/application/ports/versioned';
import type {
  BatchRef,
  BatchStatus,
  DeviceBatch,
  SubmissionRef,
} from '../../../shared/domain/batches/deviceBatch';
import { BATCH_STATUSES } from '../../../shared/domain/batches/deviceBatch';
import { STORED_OUTCOME_FIELDS } from '../../../shared/domain/batches/deviceOutcome';
import type { DeviceOutcome, StagedDevice } from '../../../shared/domain/batches/stagedDevice';
import { HARDWARE_HASH_DEVICE_SHOWN_CHARACTERS, deviceError } from '../../../shared/domain/devices';
import { hashDevice, pkidDevice } from '../../support/inMemoryBatchPorts';
import { ownTables, rowsOf } from '../consent/tableFixture';

jest.setTimeout(120_000);

const TENANT = '4f1c6a8e-2b7d-4c3a-9e51-7d2f0b9a6c13';
const ref = (batchId: string, partnerId = 'contoso-direct'): BatchRef => ({
  tenantId: TENANT,
  partnerId,
  batchId,
});
/** A submission's staging key: the batch and its body's SHA-256 (any 64 hex digits will do here). */
const submission = (batchId: string, fingerprint = 'a'.repeat(64)): SubmissionRef => ({
  ...ref(batchId),
  fingerprint,
});
const stagingPartition = (s: SubmissionRef) => `${s.tenantId}|${s.partnerId}|${s.batchId}|${s.fingerprint}`;

describe('batch tables (Azurite)', () => {
  const own = ownTables();
  afterAll(() => own.dropAll());

  describe('DeviceStagingTable', () => {
    const staging = new DeviceStagingTable(own.table(own.names.batchStaging));

    const staged = (entries: unknown[], offset = 0): StagedDevice[] =>
      entries.map((entry, i) =>
        i % 97 === 5
          ? { index: offset + i, entry, error: deviceError('ZtdDeviceDuplicated', `Same as index ${offset}`) }
          : { index: offset + i, entry },
      );

    it('when 1,000 product-key devices are staged, then the chunk reads back the same, in order, from one row', async () => {
      const r = submission('pkid-1000');
      const chunk = staged(
        Array.from({ length: 1000 }, (_, i) => ({ ...pkidDevice(i), groupTag: `g${i % 5}` })),
      );
      await staging.writeChunks(r, [chunk]);
      expect(await staging.readChunk(r, 0)).toEqual(chunk);
      expect(await rowsOf(own.tables, own.names.batchStaging, stagingPartition(r))).toHaveLength(1);
    });

    it('when 1,000 real-size hardware-hash devices (4,000 characters) are staged, then they span several rows and read back the same, in order', async () => {
      const r = submission('hash-1000');
      const entries = Array.from({ length: 1000 }, (_, i) => hashDevice(i, 3));
      expect(entries[0]!.hardwareHash).toHaveLength(4000);
      const chunk = staged(entries);
      await staging.writeChunks(r, [chunk]);

      const rows = await rowsOf(own.tables, own.names.batchStaging, stagingPartition(r));
      expect(rows.length).toBeGreaterThan(5);
      const read = await staging.readChunk(r, 0);
      expect(read.map((s) => s.index)).toEqual(chunk.map((s) => s.index));
      expect(read).toEqual(chunk);
    });

    it('when several chunks are staged, then each chunk reads back alone, and a missing chunk reads empty', async () => {
      const r = submission('multi');
      const chunks = [0, 1, 2].map((c) =>
        staged(
          Array.from({ length: c === 2 ? 300 : 1000 }, (_, i) => hashDevice(c * 1000 + i, 4)),
          c * 1000,
        ),
      );
      await staging.writeChunks(r, chunks);
      for (const [c, chunk] of chunks.entries()) expect(await staging.readChunk(r, c)).toEqual(chunk);
      expect(await staging.readChunk(r, 3)).toEqual([]);
      expect(await staging.readChunk(submission('never-staged'), 0)).toEqual([]);
      expect(await staging.readChunk(submission('multi', 'b'.repeat(64)), 0)).toEqual([]);
    });

    it('when the same chunks are written again (a retried submission), then the rows and what reads back are unchanged', async () => {
      const r = submission('rewrite');
      const chunks = [
        staged(Array.from({ length: 1000 }, (_, i) => hashDevice(i, 5))),
        staged(
          Array.from({ length: 10 }, (_, i) => pkidDevice(1000 + i, 5)),
          1000,
        ),
      ];
      await staging.writeChunks(r, chunks);
      const rowsBefore = await rowsOf(own.tables, own.names.batchStaging, stagingPartition(r));
      await staging.writeChunks(r, chunks);
      const rowsAfter = await rowsOf(own.tables, own.names.batchStaging, stagingPartition(r));
      const content = (rows: Record<string, unknown>[]) =>
        rows.map(({ rowKey, ...rest }) => ({
          rowKey,
          ...Object.fromEntries(Object.entries(rest).filter(([k]) => /^p\d+$/.test(k))),
        }));
      expect(content(rowsAfter)).toEqual(content(rowsBefore));
      expect(await staging.readChunk(r, 0)).toEqual(chunks[0]);
      expect(await staging.readChunk(r, 1)).toEqual(chunks[1]);
    });

    it('when two bodies are staged under one batchId, then each reads back its own, and discarding one leaves the other whole', async () => {
      const mine = submission('shared-id', '1'.repeat(64));
      const theirs = submission('shared-id', '2'.repeat(64));
      const myChunks = [staged(Array.from({ length: 1500 }, (_, i) => pkidDevice(i, 6)))];
      const theirChunks = [0, 1].map((c) =>
        staged(
          Array.from({ length: 700 }, (_, i) => pkidDevice(c * 700 + i, 7)),
          c * 700,
        ),
      );
      await Promise.all([staging.writeChunks(mine, myChunks), staging.writeChunks(theirs, theirChunks)]);
      expect(await staging.readChunk(mine, 0)).toEqual(myChunks[0]);
      expect(await staging.readChunk(mine, 1)).toEqual([]);
      expect(await staging.readChunk(theirs, 0)).toEqual(theirChunks[0]);
      expect(await staging.readChunk(theirs, 1)).toEqual(theirChunks[1]);

      await staging.discard(theirs);
      await staging.discard(theirs);
      expect(await rowsOf(own.tables, own.names.batchStaging, stagingPartition(theirs))).toEqual([]);
      expect(await staging.readChunk(theirs, 0)).toEqual([]);
      expect(await staging.readChunk(mine, 0)).toEqual(myChunks[0]);
    });
  });

  describe('DeviceOutcomeTable', () => {
    const outcomes = new DeviceOutcomeTable(own.table(own.names.deviceOutcomes));
    const outcomeOf = (index: number): DeviceOutcome => {
      const failed = index % 10 === 0;
      const error = failed ? deviceError('ZtdDeviceAssignedToOtherTenant') : null;
      return {
        index,
        deviceId: failed && index % 20 === 0 ? null : `pkid:${pkidDevice(index).productKey}`,
        serialNumber: index % 3 === 0 ? `SN-${index}` : null,
        productKey: pkidDevice(index).productKey,
        manufacturer: null,
        model: null,
        groupTag: index % 2 === 0 ? 'Sales' : null,
        status: failed ? 'failed' : 'registered',
        errorCode: error?.errorCode ?? null,
        errorNumber: error?.errorNumber ?? null,
        errorDescription: error?.errorDescription ?? null,
      };
    };

    it('when a 1,000-device chunk is written, then it reads back the same, in index order', async () => {
      const r = ref('outcomes-1');
      const chunk = Array.from({ length: 1000 }, (_, i) => outcomeOf(3000 + i));
      await outcomes.writeChunk(r, 3, chunk);
      expect(await outcomes.readChunk(r, 3)).toEqual(chunk);
      expect(await outcomes.readChunk(r, 2)).toEqual([]);
    });

    it('when the same chunk is written again, or with changed outcomes, then each device keeps one row holding the latest', async () => {
      const r = ref('outcomes-2');
      const chunk = Array.from({ length: 1000 }, (_, i) => outcomeOf(i));
      await outcomes.writeChunk(r, 0, chunk);
      await outcomes.writeChunk(r, 0, chunk);
      expect(await outcomes.readChunk(r, 0)).toEqual(chunk);

      const changed = chunk.map((o) =>
        o.index === 7
          ? { ...o, status: 'failed' as const, errorCode: 'ZtdDeviceAlreadyAssigned', errorNumber: 806 }
          : o,
      );
      await outcomes.writeChunk(r, 0, changed);
      const read = await outcomes.readChunk(r, 0);
      expect(read).toHaveLength(1000);
      expect(read[7]).toMatchObject({ status: 'failed', errorNumber: 806 });
    });

    it('when an outcome has every stored field of the schema set, then it reads back whole (storage drops none)', async () => {
      const r = ref('outcomes-every-field');
      // Typed with every field required: a field added to the outcome's schema must be added here.
      const full: Required<Omit<DeviceOutcome, 'deregisteredAt'>> = {
        index: 0,
        deviceId: 'hash:abc',
        serialNumber: 'SN-0',
        productKey: '1234567890123',
        manufacturer: 'Contoso',
        model: 'Laptop 5',
        groupTag: 'Sales',
        status: 'failed',
        errorCode: 'ZtdDeviceAssignedToOtherTenant',
        errorNumber: 808,
        errorDescription: 'The device is assigned to another tenant.',
        hardwareHashDevice: { serialNumber: 'SN-0', manufacturer: 'Contoso', model: 'Laptop 5' },
      };
      expect(Object.keys(full).sort()).toEqual([...STORED_OUTCOME_FIELDS].sort());
      await outcomes.writeChunk(r, 0, [full]);
      expect(await outcomes.readChunk(r, 0)).toEqual([full]);
    });

    it('when a device is marked deregistered, then a row records when and the chunk reads with it, its outcome otherwise as written', async () => {
      const r = ref('outcomes-3');
      const chunk = Array.from({ length: 5 }, (_, i) => outcomeOf(i + 1));
      await outcomes.writeChunk(r, 0, chunk);
      await outcomes.markDeregistered(r, 0, 2, '2026-11-21T06:00:00.000Z');
      const rows = await rowsOf(
        own.tables,
        own.names.deviceOutcomes,
        `${TENANT}|contoso-direct|outcomes-3|00000`,
      );
      expect(rows.map((x) => x.rowKey).sort()).toEqual(['b00000', 'd000002']);
      expect(rows.find((x) => x.rowKey === 'd000002')?.deregisteredAt).toBe('2026-11-21T06:00:00.000Z');
      const read = await outcomes.readChunk(r, 0);
      expect(read).toEqual(
        chunk.map((o) => (o.index === 2 ? { ...o, deregisteredAt: '2026-11-21T06:00:00.000Z' } : o)),
      );
    });

    it('when a chunk is cleared, then it reads empty, other chunks stay, and deregistration marks stay', async () => {
      const r = ref('outcomes-6');
      await outcomes.writeChunk(
        r,
        0,
        Array.from({ length: 120 }, (_, i) => outcomeOf(i)),
      );
      await outcomes.writeChunk(r, 1, [outcomeOf(4000)]);
      await outcomes.markDeregistered(r, 0, 3, '2026-11-21T06:00:00.000Z');

      await outcomes.clearChunk(r, 0);

      expect(await outcomes.readChunk(r, 0)).toEqual([]);
      expect(await outcomes.readChunk(r, 1)).toEqual([outcomeOf(4000)]);
      const rows = await rowsOf(
        own.tables,
        own.names.deviceOutcomes,
        `${TENANT}|contoso-direct|outcomes-6|00000`,
      );
      expect(rows.map((x) => x.rowKey)).toEqual(['d000003']);
    });

    it('when a 4,000-device chunk is written, then it takes one row per 50 devices', async () => {
      const r = ref('outcomes-4');
      const chunk = Array.from({ length: 4000 }, (_, i) => outcomeOf(8000 + i));
      await outcomes.writeChunk(r, 2, chunk);
      const rows = await rowsOf(
        own.tables,
        own.names.deviceOutcomes,
        `${TENANT}|contoso-direct|outcomes-4|00002`,
      );
      expect(rows).toHaveLength(80);
      expect(await outcomes.readChunk(r, 2)).toEqual(chunk);
    });

    it('when every field of 50 refused devices, what their hashes say included, is at its limit and made of escaped characters, then the block is still written and reads back whole', async () => {
      const r = ref('outcomes-5');
      const worst = (length: number) => '\u0001"'.repeat(length).slice(0, length);
      const chunk = Array.from({ length: 50 }, (_, index): DeviceOutcome => {
        const error = deviceError('ZtdDeviceAssignedToOtherTenant');
        return {
          index,
          deviceId: null,
          serialNumber: worst(128),
          productKey: worst(64),
          manufacturer: worst(255),
          model: worst(255),
          groupTag: worst(128),
          status: 'failed',
          errorCode: error.errorCode,
          errorNumber: error.errorNumber,
          errorDescription: error.errorDescription,
          hardwareHashDevice: {
            serialNumber: worst(HARDWARE_HASH_DEVICE_SHOWN_CHARACTERS),
            manufacturer: worst(HARDWARE_HASH_DEVICE_SHOWN_CHARACTERS),
            model: worst(HARDWARE_HASH_DEVICE_SHOWN_CHARACTERS),
          },
        };
      });
      await outcomes.writeChunk(r, 0, chunk);
      expect(await outcomes.readChunk(r, 0)).toEqual(chunk);
    });
  });

  describe('BatchTableRepository', () => {
    const batches = new BatchTableRepository(own.table(own.names.deviceBatches));
    const batch = (
      batchId: string,
      status: BatchStatus = 'queued',
      partnerId = 'contoso-direct',
    ): DeviceBatch => ({
      ...ref(batchId, partnerId),
      status,
      total: 2500,
      prefailed: 3,
      registered: 0,
      failed: 0,
      processed: 0,
      chunkCount: 3,
      fingerprint: 'f'.repeat(64),
      createdAt: '2025-03-01T10:00:00.000Z',
      startedAt: null,
      completedAt: null,
      consentDeadline: '2025-03-15T10:00:00.000Z',
    });

    it('when a batch is created, then it reads back the same with a version; creating it again is a VersionConflict', async () => {
      const b = batch('create-twice');
      await batches.create(b);
      const found = await batches.get(b);
      expect(found?.value).toEqual(b);
      expect(found?.version).toEqual(expect.any(String));
      await expect(batches.create({ ...b, total: 1 })).rejects.toBeInstanceOf(VersionConflict);
      expect((await batches.get(b))?.value).toEqual(b);
      expect(await batches.get(ref('absent'))).toBeUndefined();
    });

    it('when a batch is replaced with a stale version, then it is a VersionConflict and the newer write stays', async () => {
      const b = batch('stale');
      await batches.create(b);
      const read = (await batches.get(b))!;
      const processing = {
        ...b,
        status: 'processing' as const,
        startedAt: '2025-03-01T10:05:00.000Z',
        registered: 10,
        processed: 10,
      };
      await batches.replace(processing, read.version);
      await expect(batches.replace({ ...b, status: 'canceled' }, read.version)).rejects.toBeInstanceOf(
        VersionConflict,
      );
      expect((await batches.get(b))?.value).toEqual(processing);
    });

    it('when open batches are listed, then batches in a final status and other partners’ batches are left out', async () => {
      for (const status of BATCH_STATUSES)
        await batches.create(batch(`list-${status}`, status, 'adatum-oem'));
      await batches.create(batch('list-other-partner', 'queued', 'fabrikam-distribution'));
      const open = await batches.listOpen(TENANT, 'adatum-oem');
      expect(open.map((b) => b.batchId).sort()).toEqual([
        'list-awaiting_consent',
        'list-processing',
        'list-queued',
      ]);
      expect(open.every((b) => b.partnerId === 'adatum-oem')).toBe(true);
    });
  });
});
