import { failChunk } from '../../../shared/application/batches/failChunk';
import { finishWithLostChunks } from '../../../shared/application/batches/finishWithLostChunks';
import { registerChunk } from '../../../shared/application/batches/registerChunk';
import type { DeviceOutcomeStore } from '../../../shared/application/ports/batchRepository';
import { validateDevice } from '../../../shared/domain/devices';
import type { InMemoryBatchWorld } from '../../support/inMemoryBatchPorts';
import {
  giveConsent,
  hashDevice,
  inMemoryBatchWorld,
  submittedBatch,
  ownerOf,
  pkidDevice,
  tupleDevice,
} from '../../support/inMemoryBatchPorts';
import { PARTNERS, TENANT_ID } from '../../support/inMemoryPorts';

/** The batch dependencies with an outcome store that refuses every write, as storage would when down. */
function withOutcomesDown(world: InMemoryBatchWorld) {
  const outcomes: DeviceOutcomeStore = {
    writeChunk: () => Promise.reject(new Error('storage unavailable')),
    readChunk: (ref, chunkNo) => world.outcomes.readChunk(ref, chunkNo),
    markDeregistered: (ref, chunkNo, index, at) => world.outcomes.markDeregistered(ref, chunkNo, index, at),
    clearChunk: (ref, chunkNo) => world.outcomes.clearChunk(ref, chunkNo),
  };
  return { ...world.batchDeps, outcomes };
}

const keysOf = (device: unknown): readonly string[] => {
  const checked = validateDevice(device);
  if (checked.status !== 'valid') throw new Error('fixture device is invalid');
  return checked.device.keys;
};

const heldBy = (world: InMemoryBatchWorld, batchId: string) =>
  world.registry
    .entries()
    .filter(([, owner]) => owner.tenantId === TENANT_ID && owner.batchId === batchId)
    .map(([key]) => key);

describe('failChunk', () => {
  it('when a chunk claimed its devices and then kept failing, then every key it holds is given back, every device reads failed with ZtdDeviceRegistrationFailed, and the refused keep their own error', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    // Device 4 belongs to another tenant, and device 5 to an earlier batch of this tenant: neither is
    // this batch's to give back.
    const elsewhere = ownerOf(tupleDevice(4));
    const earlier = ownerOf(pkidDevice(5), { tenantId: TENANT_ID, partnerId: PARTNERS.direct.id });
    world.registry.seed(elsewhere);
    world.registry.seed(earlier);
    const devices = [
      pkidDevice(1),
      { productKey: 'abc' },
      hashDevice(3),
      pkidDevice(1),
      tupleDevice(4),
      pkidDevice(5),
    ];
    const ref = await submittedBatch(world, devices);
    await expect(registerChunk(withOutcomesDown(world), ref, 0)).rejects.toThrow('storage unavailable');
    // Devices 0 and 2 were claimed (every key of each), and are held by this batch.
    expect(heldBy(world, 'b1').sort()).toEqual([...keysOf(devices[0]), ...keysOf(devices[2])].sort());

    const result = await failChunk(world.batchDeps, ref, 0);

    expect(result).toEqual({ failed: devices.length });
    expect(heldBy(world, 'b1')).toEqual([]);
    expect(world.registry.size).toBe(elsewhere.keys.length + earlier.keys.length);
    const outcomes = await world.outcomes.readChunk(ref, 0);
    expect(outcomes.map((o) => [o.index, o.status, o.errorCode, o.errorNumber])).toEqual([
      [0, 'failed', 'ZtdDeviceRegistrationFailed', null],
      [1, 'failed', 'InvalidZtdRequestBody', 801],
      [2, 'failed', 'ZtdDeviceRegistrationFailed', null],
      [3, 'failed', 'ZtdDeviceDuplicated', null],
      [4, 'failed', 'ZtdDeviceRegistrationFailed', null],
      [5, 'failed', 'ZtdDeviceRegistrationFailed', null],
    ]);
    expect(outcomes[0]?.errorDescription).toMatch(/Submit the device again/);
    // What the partner needs to send it again is kept: the device's identifiers, read from its hash too.
    expect(outcomes[2]).toMatchObject({
      serialNumber: tupleDevice(3).serialNumber,
      model: 'Surface Laptop 7',
      deviceId: expect.any(String),
    });
  });

  it('when a chunk had registered and written its outcomes but its result never reached the orchestration, then it is given back and its registered devices read failed', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const ref = await submittedBatch(world, [pkidDevice(1), tupleDevice(2)]);
    await registerChunk(world.batchDeps, ref, 0);
    expect(heldBy(world, 'b1')).toHaveLength(2);

    await failChunk(world.batchDeps, ref, 0);

    expect(heldBy(world, 'b1')).toEqual([]);
    expect((await world.outcomes.readChunk(ref, 0)).map((o) => o.status)).toEqual(['failed', 'failed']);
  });

  it('when it runs again (a retry after a crash), then the outcomes are the same and nothing is held', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const ref = await submittedBatch(world, [pkidDevice(1), hashDevice(2), { serialNumber: 'x' }]);
    await expect(registerChunk(withOutcomesDown(world), ref, 0)).rejects.toThrow();

    const first = await failChunk(world.batchDeps, ref, 0);
    const outcomesAfterFirst = await world.outcomes.readChunk(ref, 0);
    world.clock.advanceDays(1);
    const second = await failChunk(world.batchDeps, ref, 0);

    expect(second).toEqual(first);
    expect(await world.outcomes.readChunk(ref, 0)).toEqual(outcomesAfterFirst);
    expect(world.registry.size).toBe(0);
  });

  it('when giving the keys back fails, then no device is written failed while the batch still holds it', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const ref = await submittedBatch(world, [pkidDevice(1), pkidDevice(2)]);
    await expect(registerChunk(withOutcomesDown(world), ref, 0)).rejects.toThrow();
    const registry = world.batchDeps.registry;
    const releaseDown = {
      ...world.batchDeps,
      registry: {
        claim: (...args: Parameters<typeof registry.claim>) => registry.claim(...args),
        find: (key: string) => registry.find(key),
        findMany: (keys: readonly string[]) => registry.findMany(keys),
        release: () => Promise.reject(new Error('storage unavailable')),
      },
    };

    await expect(failChunk(releaseDown, ref, 0)).rejects.toThrow('storage unavailable');

    expect(await world.outcomes.readChunk(ref, 0)).toEqual([]);
    expect(heldBy(world, 'b1')).toHaveLength(2);
  });
});

describe('finishWithLostChunks', () => {
  it('when a chunk could not even be closed, then the batch ends finished_with_errors with every device it did not register counted failed', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const ref = await submittedBatch(world, [
      pkidDevice(1),
      pkidDevice(2),
      { productKey: 'abc' },
      pkidDevice(4),
    ]);

    const batch = await finishWithLostChunks(world.batchDeps, ref, {
      registered: 1,
      at: '2025-03-01T12:00:00.000Z',
    });

    expect(batch).toMatchObject({
      status: 'finished_with_errors',
      total: 4,
      registered: 1,
      failed: 3,
      processed: 4,
      completedAt: '2025-03-01T12:00:00.000Z',
    });
    expect(world.batches.peek(ref)).toMatchObject({ status: 'finished_with_errors', failed: 3 });
  });
});
