import { CHUNK_SIZE } from '../../../shared/application/batches/batchDependencies';
import { registerChunk } from '../../../shared/application/batches/registerChunk';
import { deregisterDevice } from '../../../shared/application/batches/deregisterDevice';
import { submitDeviceBatch } from '../../../shared/application/batches/submitDeviceBatch';
import type { DeviceRegistry } from '../../../shared/application/ports/deviceRegistry';
import { validateDevice } from '../../../shared/domain/devices';
import type { InMemoryBatchWorld } from '../../support/inMemoryBatchPorts';
import {
  OTHER_TENANT,
  giveConsent,
  hashDevice,
  inMemoryBatchWorld,
  submittedBatch,
  ownerOf,
  pkid,
  pkidDevice,
  tupleDevice,
} from '../../support/inMemoryBatchPorts';
import { PARTNERS, TENANT_ID, partnerClient } from '../../support/inMemoryPorts';
import { buildHardwareHash } from '../../support/hardwareHashes';

/**
 * The batch dependencies with a registry that revokes the consent as soon as it has claimed (so the
 * chunk finds consent gone after claiming), and releases through `release`.
 */
function revokedWhileClaiming(
  world: InMemoryBatchWorld,
  release: DeviceRegistry['release'] = (owner) => world.batchDeps.registry.release(owner),
) {
  const registry = world.batchDeps.registry;
  const revoking: DeviceRegistry = {
    claim: async (claims) => {
      const results = await registry.claim(claims);
      await giveConsent(world, PARTNERS.direct.id, { status: 'revoked' });
      return results;
    },
    find: (key) => registry.find(key),
    findMany: (keys) => registry.findMany(keys),
    release,
  };
  return { ...world.batchDeps, registry: revoking };
}

describe('registerChunk and a deregistration while it claims', () => {
  it('when the device is deregistered while its chunk is claiming, then the deregistration is refused and the device keeps every key; once the batch is finished it frees them all', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const tuple = tupleDevice(7);
    const device = {
      hardwareHash: buildHardwareHash({
        serialNumber: tuple.serialNumber,
        manufacturer: tuple.oemManufacturerName,
        model: tuple.modelName,
        productKey: pkid(7),
      }),
    };
    const ref = await submittedBatch(world, [device, pkidDevice(8)]);
    const checked = validateDevice(device);
    if (checked.status !== 'valid') throw new Error('fixture device is invalid');
    const { deviceId, keys } = checked.device;
    expect(keys.length).toBeGreaterThan(1);

    let during: unknown;
    const registry = world.batchDeps.registry;
    const deregisteringWhileClaiming: DeviceRegistry = {
      claim: async (claims) => {
        const results = await registry.claim(claims);
        // The chunk has claimed but not closed: its outcomes are not written, its batch not finished.
        during = await deregisterDevice(
          world.batchDeps,
          partnerClient(PARTNERS.direct),
          TENANT_ID,
          deviceId,
        ).then(
          () => 'deregistered',
          (e: unknown) => e,
        );
        return results;
      },
      find: (key) => registry.find(key),
      findMany: (keys) => registry.findMany(keys),
      release: (owner) => registry.release(owner),
    };
    const result = await registerChunk({ ...world.batchDeps, registry: deregisteringWhileClaiming }, ref, 0);

    expect(during).toMatchObject({ kind: 'conflict', code: 'DeviceRegistrationInProgress' });
    expect(result).toEqual({ registered: 2, failed: 0, canceled: false });
    const held = new Map(world.registry.entries());
    for (const key of keys) expect([key, held.get(key)?.batchId]).toEqual([key, ref.batchId]);

    // Another tenant cannot take the device by any of its keys.
    await giveConsent(world, PARTNERS.oem.id, { tenantId: OTHER_TENANT });
    const { batch: elsewhere } = await submitDeviceBatch(
      world.batchDeps,
      partnerClient(PARTNERS.oem),
      'api',
      OTHER_TENANT,
      { batchId: 'by-product-key', devices: [{ productKey: pkid(7) }] },
    );
    expect(await registerChunk(world.batchDeps, elsewhere, 0)).toMatchObject({ registered: 0, failed: 1 });

    // Finished, the device is deregistered whole: no key of it is left.
    world.batches.put({ ...world.batches.peek(ref)!, status: 'finished' });
    await deregisterDevice(world.batchDeps, partnerClient(PARTNERS.direct), TENANT_ID, deviceId);
    const left = new Set(world.registry.entries().map(([key]) => key));
    expect(keys.filter((key) => left.has(key))).toEqual([]);
  });
});

describe('registerChunk', () => {
  it('when consent is not active, then it returns canceled and registers and writes nothing', async () => {
    for (const consent of ['none', 'revoked'] as const) {
      const world = inMemoryBatchWorld();
      if (consent === 'revoked') await giveConsent(world, PARTNERS.direct.id, { status: 'revoked' });
      const ref = await submittedBatch(world, [pkidDevice(1), pkidDevice(2)]);

      const result = await registerChunk(world.batchDeps, ref, 0);
      expect(result).toEqual({ registered: 0, failed: 0, canceled: true });
      expect(world.registry.size).toBe(0);
      expect(world.outcomes.writeCalls).toBe(0);
    }
  });

  it('when consent is revoked while the chunk claims its devices, then it gives every claim back and writes no outcome', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const ref = await submittedBatch(world, [pkidDevice(1), tupleDevice(2), hashDevice(3)]);
    const result = await registerChunk(revokedWhileClaiming(world), ref, 0);
    expect(result).toEqual({ registered: 0, failed: 0, canceled: true });
    expect(world.registry.size).toBe(0);
    expect(world.outcomes.writeCalls).toBe(0);
  });

  it('when giving claims back failed half-way and the retried chunk finds consent revoked, then the retry gives back the rest', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const ref = await submittedBatch(world, [pkidDevice(1), tupleDevice(2), hashDevice(3), pkidDevice(4)]);
    let releases = 0;
    const failingAfterOneRelease = revokedWhileClaiming(world, async (owner) => {
      if (++releases > 1) throw new Error('storage unavailable');
      await world.batchDeps.registry.release(owner);
    });
    await expect(registerChunk(failingAfterOneRelease, ref, 0)).rejects.toThrow('storage unavailable');
    expect(world.registry.size).toBeGreaterThan(0);

    const retried = await registerChunk(world.batchDeps, ref, 0);
    expect(retried).toEqual({ registered: 0, failed: 0, canceled: true });
    expect(world.registry.size).toBe(0);
    expect(world.outcomes.writeCalls).toBe(0);
  });

  it('when a chunk wrote its outcomes but its result was lost, and consent is revoked before the retry, then the retry gives the devices back and they read as not registered', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const ref = await submittedBatch(world, [pkidDevice(1), tupleDevice(2)]);
    await registerChunk(world.batchDeps, ref, 0);
    expect((await world.outcomes.readChunk(ref, 0)).map((o) => o.status)).toEqual([
      'registered',
      'registered',
    ]);
    await giveConsent(world, PARTNERS.direct.id, { status: 'revoked' });

    const retried = await registerChunk(world.batchDeps, ref, 0);
    expect(retried).toEqual({ registered: 0, failed: 0, canceled: true });
    expect(world.registry.size).toBe(0);
    expect(await world.outcomes.readChunk(ref, 0)).toEqual([]);
  });

  it('when consent is active, then valid devices are registered, prefailed ones keep their error, and outcomes are in index order', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const devices = [
      pkidDevice(1),
      { productKey: 'abc' },
      { ...tupleDevice(5), groupTag: 'Sales' },
      pkidDevice(1),
      hashDevice(9),
    ];
    const ref = await submittedBatch(world, devices);

    const result = await registerChunk(world.batchDeps, ref, 0);
    expect(result).toEqual({ registered: 3, failed: 2, canceled: false });

    const outcomes = await world.outcomes.readChunk(ref, 0);
    expect(outcomes.map((o) => [o.index, o.status, o.errorCode])).toEqual([
      [0, 'registered', null],
      [1, 'failed', 'InvalidZtdRequestBody'],
      [2, 'registered', null],
      [3, 'failed', 'ZtdDeviceDuplicated'],
      [4, 'registered', null],
    ]);
    expect(outcomes[0]).toMatchObject({
      deviceId: `pkid:${pkidDevice(1).productKey}`,
      productKey: pkidDevice(1).productKey,
    });
    expect(outcomes[1]).toMatchObject({ deviceId: null, productKey: 'abc', errorNumber: 801 });
    expect(outcomes[2]).toMatchObject({
      serialNumber: tupleDevice(5).serialNumber,
      manufacturer: 'Contoso Devices',
      model: 'Surface Laptop 7',
      groupTag: 'Sales',
    });
    // The hash device is read from its hash: the same serial, manufacturer and model.
    expect(outcomes[4]).toMatchObject({
      serialNumber: tupleDevice(9).serialNumber,
      model: 'Surface Laptop 7',
    });
    const owners = world.registry.entries().map(([, owner]) => owner);
    expect(new Set(owners.map((o) => o.index))).toEqual(new Set([0, 2, 4]));
    expect(owners.every((o) => o.tenantId === TENANT_ID && o.batchId === 'b1' && o.chunkNo === 0)).toBe(true);
  });

  it('when a refused device holds values longer than their limits, then its outcome shows each cut to its limit', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const ref = await submittedBatch(world, [{ serialNumber: 'S'.repeat(5000), groupTag: 'G'.repeat(300) }]);

    await registerChunk(world.batchDeps, ref, 0);

    const [outcome] = await world.outcomes.readChunk(ref, 0);
    expect(outcome).toMatchObject({
      status: 'failed',
      serialNumber: 'S'.repeat(128),
      groupTag: 'G'.repeat(128),
    });
  });

  it('when the same chunk is registered again (a retry after a crash), then the outcomes and counts are the same and nothing more is claimed', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const ref = await submittedBatch(world, [
      pkidDevice(1),
      tupleDevice(2),
      hashDevice(3),
      { productKey: '1' },
    ]);

    const first = await registerChunk(world.batchDeps, ref, 0);
    const outcomesAfterFirst = await world.outcomes.readChunk(ref, 0);
    const registryAfterFirst = world.registry.entries();
    world.clock.advanceDays(1);
    const second = await registerChunk(world.batchDeps, ref, 0);

    expect(second).toEqual(first);
    expect(first).toEqual({ registered: 3, failed: 1, canceled: false });
    expect(await world.outcomes.readChunk(ref, 0)).toEqual(outcomesAfterFirst);
    expect(world.registry.entries()).toEqual(registryAfterFirst);
  });

  it('when a crash left only some keys of a multi-key device claimed, then the retry completes the claim as registered', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const device = { ...hashDevice(4), productKey: '5555555555555' };
    const ref = await submittedBatch(world, [device]);
    const checked = validateDevice(device);
    if (checked.status !== 'valid') throw new Error('invalid fixture');
    expect(checked.device.keys.length).toBeGreaterThan(1);
    // The first attempt took the first of its sorted keys, then the process died.
    const firstKey = [...checked.device.keys].sort()[0]!;
    world.registry.seed(
      ownerOf(device, { tenantId: ref.tenantId, partnerId: ref.partnerId, batchId: ref.batchId }),
      [firstKey],
    );
    expect(world.registry.size).toBe(1);
    const result = await registerChunk(world.batchDeps, ref, 0);
    expect(result).toEqual({ registered: 1, failed: 0, canceled: false });
    expect(world.registry.size).toBe(checked.device.keys.length);
  });

  it('when a device is already registered in this tenant, then it fails with 806 ZtdDeviceAlreadyAssigned', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    world.registry.seed(ownerOf(pkidDevice(1), { tenantId: TENANT_ID, partnerId: PARTNERS.direct.id }));
    // Even when another partner of the same tenant registered it.
    world.registry.seed(ownerOf(tupleDevice(2), { tenantId: TENANT_ID, partnerId: PARTNERS.oem.id }));
    const ref = await submittedBatch(world, [pkidDevice(1), tupleDevice(2), pkidDevice(3)]);

    const result = await registerChunk(world.batchDeps, ref, 0);
    expect(result).toEqual({ registered: 1, failed: 2, canceled: false });
    const outcomes = await world.outcomes.readChunk(ref, 0);
    expect(outcomes.map((o) => [o.errorCode, o.errorNumber])).toEqual([
      ['ZtdDeviceAlreadyAssigned', 806],
      ['ZtdDeviceAlreadyAssigned', 806],
      [null, null],
    ]);
  });

  it('when a device is registered to another tenant, then it fails with 808 and the outcome never names that tenant', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    world.registry.seed(ownerOf(pkidDevice(1)));
    const ref = await submittedBatch(world, [pkidDevice(1)]);

    expect(await registerChunk(world.batchDeps, ref, 0)).toEqual({
      registered: 0,
      failed: 1,
      canceled: false,
    });
    const [outcome] = await world.outcomes.readChunk(ref, 0);
    expect(outcome).toMatchObject({
      status: 'failed',
      errorCode: 'ZtdDeviceAssignedToOtherTenant',
      errorNumber: 808,
    });
    expect(JSON.stringify(outcome)).not.toContain(OTHER_TENANT);
    expect(JSON.stringify(outcome)).not.toContain(PARTNERS.oem.id);
  });

  it('when a device is sent by hardware hash and the same device is registered elsewhere by its tuple, then it fails with 808 and no key is left claimed', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    world.registry.seed(ownerOf(tupleDevice(7)));
    const before = world.registry.entries();
    const ref = await submittedBatch(world, [hashDevice(7)]);

    expect(await registerChunk(world.batchDeps, ref, 0)).toEqual({
      registered: 0,
      failed: 1,
      canceled: false,
    });
    expect((await world.outcomes.readChunk(ref, 0))[0]?.errorCode).toBe('ZtdDeviceAssignedToOtherTenant');
    expect(world.registry.entries()).toEqual(before);
  });

  it('when two batches of different tenants hold the same device, then the first registers it and the second gets 808', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    await giveConsent(world, PARTNERS.direct.id, { tenantId: OTHER_TENANT });
    const ours = await submittedBatch(world, [tupleDevice(1)]);
    const { batch: theirs } = await submitDeviceBatch(
      world.batchDeps,
      partnerClient(PARTNERS.direct),
      'api',
      OTHER_TENANT,
      { batchId: 'b2', devices: [hashDevice(1)] },
    );
    expect(await registerChunk(world.batchDeps, ours, 0)).toMatchObject({ registered: 1 });
    expect(await registerChunk(world.batchDeps, theirs, 0)).toMatchObject({ registered: 0, failed: 1 });
    expect((await world.outcomes.readChunk(theirs, 0))[0]?.errorNumber).toBe(808);
  });

  it('when the batch has several chunks, then each call registers only its own chunk', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const count = CHUNK_SIZE + 10;
    const ref = await submittedBatch(
      world,
      Array.from({ length: count }, (_, i) => pkidDevice(i)),
    );

    expect(await registerChunk(world.batchDeps, ref, 1)).toEqual({
      registered: 10,
      failed: 0,
      canceled: false,
    });
    expect(world.registry.size).toBe(10);
    expect((await world.outcomes.readChunk(ref, 1)).map((o) => o.index)).toEqual(
      Array.from({ length: 10 }, (_, i) => CHUNK_SIZE + i),
    );
    expect(await world.outcomes.readChunk(ref, 0)).toEqual([]);
    expect(await registerChunk(world.batchDeps, ref, 0)).toEqual({
      registered: CHUNK_SIZE,
      failed: 0,
      canceled: false,
    });
    expect(world.registry.size).toBe(count);
  });
});
