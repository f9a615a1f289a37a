import { CHUNK_SIZE } from '../../../shared/application/batches/batchDependencies';
import type { DeviceListQuery } from '../../../shared/application/batches/readDeviceBatch';
import { getDeviceBatch, listBatchDevices } from '../../../shared/application/batches/readDeviceBatch';
import { registerChunk } from '../../../shared/application/batches/registerChunk';
import { submitDeviceBatch } from '../../../shared/application/batches/submitDeviceBatch';
import { validateDeviceBatch } from '../../../shared/application/batches/validateDeviceBatch';
import type { BatchRef } from '../../../shared/domain/batches/deviceBatch';
import type { DeviceOutcome } from '../../../shared/domain/batches/stagedDevice';
import type { InMemoryBatchWorld } from '../../support/inMemoryBatchPorts';
import {
  OTHER_TENANT,
  giveConsent,
  hashDevice,
  inMemoryBatchWorld,
  ownerOf,
  pkidDevice,
  refusal,
  tupleDevice,
} from '../../support/inMemoryBatchPorts';
import { PARTNERS, TENANT_ID, partnerClient } from '../../support/inMemoryPorts';

const principal = partnerClient(PARTNERS.direct);
const pick = (ref: BatchRef): BatchRef => ({
  tenantId: ref.tenantId,
  partnerId: ref.partnerId,
  batchId: ref.batchId,
});

/** Every page of a listing, following continuation tokens. */
async function allPages(
  world: InMemoryBatchWorld,
  batchId: string,
  query: Omit<DeviceListQuery, 'continuationToken'>,
) {
  const pages: DeviceOutcome[][] = [];
  let token: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await listBatchDevices(world.batchDeps, principal, TENANT_ID, batchId, {
      ...query,
      continuationToken: token,
    });
    pages.push(page.items);
    if (!page.continuationToken) return pages;
    token = page.continuationToken;
  }
  throw new Error('the listing never ended');
}

/** 2,500 devices: every 7th is malformed (801); chunk 1 is registered, chunks 0 and 2 are pending. */
async function bigBatch(world: InMemoryBatchWorld) {
  await giveConsent(world, PARTNERS.direct.id);
  const devices = Array.from({ length: 2 * CHUNK_SIZE + 500 }, (_, i) =>
    i % 7 === 3 ? { productKey: `bad-${i}` } : pkidDevice(i),
  );
  // One device of chunk 1 is already registered to another tenant (808).
  world.registry.seed(ownerOf(pkidDevice(CHUNK_SIZE + 1)));
  const { batch } = await submitDeviceBatch(world.batchDeps, principal, 'api', TENANT_ID, {
    batchId: 'big',
    devices,
  });
  await registerChunk(world.batchDeps, pick(batch), 1);
  return { batch, devices };
}

describe('listBatchDevices', () => {
  it('when a batch is not registered yet, then its devices read as pending, or failed with the error found at submission', async () => {
    const world = inMemoryBatchWorld();
    const { batch } = await submitDeviceBatch(world.batchDeps, principal, 'api', TENANT_ID, {
      batchId: 'b1',
      devices: [pkidDevice(1), { productKey: 'x' }, tupleDevice(2), hashDevice(3)],
    });
    const page = await listBatchDevices(world.batchDeps, principal, TENANT_ID, batch.batchId, {
      pageSize: 50,
    });
    expect(page.continuationToken).toBeNull();
    expect(page.items.map((o) => [o.index, o.status, o.errorCode])).toEqual([
      [0, 'pending', null],
      [1, 'failed', 'InvalidZtdRequestBody'],
      [2, 'pending', null],
      [3, 'pending', null],
    ]);
    expect(page.items[3]).toMatchObject({
      serialNumber: tupleDevice(3).serialNumber,
      deviceId: expect.stringMatching(/^tuple:/),
    });
  });

  it('when a batch finished with a chunk whose results were never written, then those devices read failed with ZtdDeviceRegistrationFailed, not pending', async () => {
    const world = inMemoryBatchWorld();
    const { batch } = await submitDeviceBatch(world.batchDeps, principal, 'api', TENANT_ID, {
      batchId: 'lost',
      devices: [pkidDevice(1), { productKey: 'x' }],
    });
    const stored = (await world.batches.get(pick(batch)))!;
    await world.batches.replace({ ...stored.value, status: 'finished_with_errors' }, stored.version);

    const page = await listBatchDevices(world.batchDeps, principal, TENANT_ID, 'lost', { pageSize: 50 });
    expect(page.items.map((o) => [o.index, o.status, o.errorCode])).toEqual([
      [0, 'failed', 'ZtdDeviceRegistrationFailed'],
      [1, 'failed', 'InvalidZtdRequestBody'],
    ]);
  });

  it('when devices are paged across chunks, then every device comes exactly once, in index order, and the last page has no token', async () => {
    const world = inMemoryBatchWorld();
    const { devices } = await bigBatch(world);
    for (const pageSize of [1000, 700, 999, 2500, 5000]) {
      const pages = await allPages(world, 'big', { pageSize });
      const indexes = pages.flat().map((o) => o.index);
      expect(indexes).toEqual(devices.map((_, i) => i));
      expect(pages.slice(0, -1).every((p) => p.length === pageSize)).toBe(true);
    }
    const pages = await allPages(world, 'big', { pageSize: 700 });
    const full = Math.floor(devices.length / 700);
    expect(pages.map((p) => p.length)).toEqual([
      ...Array<number>(full).fill(700),
      ...(devices.length % 700 ? [devices.length % 700] : []),
    ]);
    const byIndex = pages.flat();
    // The first device of chunk 1 that was neither refused (every 7th) nor held elsewhere.
    const good = [0, 2, 3].map((i) => CHUNK_SIZE + i).find((i) => i % 7 !== 3)!;
    expect(byIndex[good]).toMatchObject({ status: 'registered' });
    expect(byIndex[CHUNK_SIZE + 1]).toMatchObject({ status: 'failed', errorNumber: 808 });
    expect(byIndex[0]).toMatchObject({ status: 'pending' });
    expect(byIndex[3]).toMatchObject({ status: 'failed', errorNumber: 801 });
  });

  it('when filtered by status, then only devices of that status come back, in order, across all pages', async () => {
    const world = inMemoryBatchWorld();
    const { devices } = await bigBatch(world);
    const failed = (await allPages(world, 'big', { pageSize: 100, status: 'failed' })).flat();
    const expected = devices.map((_, i) => i).filter((i) => i % 7 === 3 || i === CHUNK_SIZE + 1);
    expect(failed.map((o) => o.index)).toEqual(expected);
    expect(failed.every((o) => o.status === 'failed')).toBe(true);

    const registered = (await allPages(world, 'big', { pageSize: 333, status: 'registered' })).flat();
    expect(registered.map((o) => o.index)).toEqual(
      Array.from({ length: CHUNK_SIZE }, (_, i) => CHUNK_SIZE + i).filter(
        (i) => i % 7 !== 3 && i !== CHUNK_SIZE + 1,
      ),
    );
    const pending = (await allPages(world, 'big', { pageSize: 5000, status: 'pending' })).flat();
    expect(pending.every((o) => o.index < CHUNK_SIZE || o.index >= 2 * CHUNK_SIZE)).toBe(true);
  });

  it('when the continuation token is not one the API returned, then it is refused with 400 InvalidContinuationToken', async () => {
    const world = inMemoryBatchWorld();
    await bigBatch(world);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = [
      'not-a-token',
      '%%%',
      encode(null),
      encode(42),
      encode({ c: 4, o: 0 }), // beyond the batch's 3 chunks
      encode({ c: 0, o: -1 }),
      encode({ c: 1.5, o: 0 }),
      encode({ c: '1', o: 0 }),
    ];
    for (const continuationToken of bad) {
      const error = await refusal(
        listBatchDevices(world.batchDeps, principal, TENANT_ID, 'big', { pageSize: 10, continuationToken }),
      );
      expect([error.kind, error.code]).toEqual(['invalid', 'InvalidContinuationToken']);
      expect(error.details).toEqual({ field: 'continuationToken' });
    }
  });

  it("when a partner asks for another partner's batch or an unknown one, then it is not found", async () => {
    const world = inMemoryBatchWorld();
    await bigBatch(world);
    for (const attempt of [
      listBatchDevices(world.batchDeps, partnerClient(PARTNERS.oem), TENANT_ID, 'big', { pageSize: 10 }),
      listBatchDevices(world.batchDeps, principal, OTHER_TENANT, 'big', { pageSize: 10 }),
      getDeviceBatch(world.batchDeps, principal, TENANT_ID, 'nope'),
    ]) {
      const error = await refusal(attempt);
      expect([error.kind, error.code]).toEqual(['notFound', 'BatchNotFound']);
    }
  });

  it('when a chunk finishes registering between two pages of a status-filtered listing, then no device is listed twice or skipped', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    // Chunk 0: indexes 1 and 3 are malformed (failed from the start); 0 and 2 are registered elsewhere.
    world.registry.seed(ownerOf(pkidDevice(0)));
    world.registry.seed(ownerOf(pkidDevice(2)));
    const devices = [
      pkidDevice(0),
      { productKey: 'bad-1' },
      pkidDevice(2),
      { productKey: 'bad-3' },
      pkidDevice(4),
    ];
    const { batch } = await submitDeviceBatch(world.batchDeps, principal, 'api', TENANT_ID, {
      batchId: 'moving',
      devices,
    });
    const first = await listBatchDevices(world.batchDeps, principal, TENANT_ID, 'moving', {
      pageSize: 1,
      status: 'failed',
    });
    expect(first.items.map((o) => o.index)).toEqual([1]);
    await registerChunk(world.batchDeps, pick(batch), 0);

    const seen = [...first.items];
    let token = first.continuationToken ?? undefined;
    while (token) {
      const page = await listBatchDevices(world.batchDeps, principal, TENANT_ID, 'moving', {
        pageSize: 1,
        status: 'failed',
        continuationToken: token,
      });
      seen.push(...page.items);
      token = page.continuationToken ?? undefined;
    }
    const indexes = seen.map((o) => o.index);
    expect(new Set(indexes).size).toBe(indexes.length);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  });
});

describe('validateDeviceBatch', () => {
  it('when a partner with active consent checks devices, then it learns consent and how each device would fare, and nothing is written', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    world.registry.seed(ownerOf(pkidDevice(2), { tenantId: TENANT_ID }));
    world.registry.seed(ownerOf(tupleDevice(3)));
    const before = world.registry.entries();

    const result = await validateDeviceBatch(world.batchDeps, principal, TENANT_ID, [
      pkidDevice(1),
      pkidDevice(2),
      hashDevice(3), // the same physical device as tupleDevice(3)
      { productKey: '12' },
      pkidDevice(1),
      {},
    ]);
    expect([result.consent, result.ownershipChecked]).toEqual(['active', true]);
    expect(
      result.devices.map((d) => [
        d.index,
        d.status,
        d.error?.errorCode ?? null,
        d.error?.errorNumber ?? null,
      ]),
    ).toEqual([
      [0, 'valid', null, null],
      [1, 'invalid', 'ZtdDeviceAlreadyAssigned', 806],
      [2, 'invalid', 'ZtdDeviceAssignedToOtherTenant', 808],
      [3, 'invalid', 'InvalidZtdRequestBody', 801],
      [4, 'invalid', 'ZtdDeviceDuplicated', null],
      [5, 'invalid', 'MissingZtdSerialNumberAndProductKey', 803],
    ]);
    expect(JSON.stringify(result)).not.toContain(OTHER_TENANT);
    expect(world.registry.entries()).toEqual(before);
    expect(world.batches.size).toBe(0);
    expect(world.staging.writeCalls).toBe(0);
    expect(world.workflow.calls).toEqual([]);
  });

  it('when the partner has no active consent for the tenant, then only the form of each device is checked and the answer says ownership was not', async () => {
    const world = inMemoryBatchWorld();
    world.registry.seed(ownerOf(pkidDevice(2), { tenantId: TENANT_ID }));
    world.registry.seed(ownerOf(tupleDevice(3)));
    const findMany = jest.spyOn(world.registry, 'findMany');
    const devices = [pkidDevice(1), pkidDevice(2), tupleDevice(3), { productKey: '12' }, pkidDevice(1)];
    for (const consent of ['none', 'revoked', 'another partner only'] as const) {
      if (consent === 'revoked') await giveConsent(world, PARTNERS.direct.id, { status: 'revoked' });
      if (consent === 'another partner only') await giveConsent(world, PARTNERS.oem.id);
      const result = await validateDeviceBatch(world.batchDeps, principal, TENANT_ID, devices);
      expect([consent, result.ownershipChecked]).toEqual([consent, false]);
      expect([
        consent,
        result.devices.map((d) => d.error?.errorNumber ?? d.error?.errorCode ?? d.status),
      ]).toEqual([consent, ['valid', 'valid', 'valid', 801, 'ZtdDeviceDuplicated']]);
    }
    // Not a key was looked up: what is registered where is not read at all.
    expect(findMany.mock.calls.flatMap(([keys]) => keys)).toEqual([]);
  });

  it('when consent is active or revoked, then the check says so', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    expect((await validateDeviceBatch(world.batchDeps, principal, TENANT_ID, [pkidDevice(1)])).consent).toBe(
      'active',
    );
    await giveConsent(world, PARTNERS.direct.id, { status: 'revoked' });
    expect((await validateDeviceBatch(world.batchDeps, principal, TENANT_ID, [pkidDevice(1)])).consent).toBe(
      'revoked',
    );
  });

  it('when an indirect reseller calls the validation API, then it is refused with 403 ResellerMustUsePortal', async () => {
    const world = inMemoryBatchWorld();
    const error = await refusal(
      validateDeviceBatch(world.batchDeps, partnerClient(PARTNERS.reseller), TENANT_ID, [pkidDevice(1)]),
    );
    expect([error.kind, error.code]).toEqual(['forbidden', 'ResellerMustUsePortal']);
  });
});
