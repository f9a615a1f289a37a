import { batchConsentEvents } from '../../../shared/application/batches/batchConsentEvents';
import { deregisterDevice } from '../../../shared/application/batches/deregisterDevice';
import { recordBatchProgress } from '../../../shared/application/batches/recordBatchProgress';
import { registerChunk } from '../../../shared/application/batches/registerChunk';
import { submitDeviceBatch } from '../../../shared/application/batches/submitDeviceBatch';
import { VersionConflict } from '../../../shared/application/ports/versioned';
import type { BatchStatus, DeviceBatch } from '../../../shared/domain/batches/deviceBatch';
import { batchProgress } from '../../../shared/domain/batches/deviceBatch';
import type { InMemoryBatchWorld } from '../../support/inMemoryBatchPorts';
import {
  OTHER_TENANT,
  giveConsent,
  inMemoryBatchWorld,
  pkidDevice,
  refusal,
  tupleDevice,
} from '../../support/inMemoryBatchPorts';
import { PARTNERS, TENANT_ID, customerUser, partnerClient } from '../../support/inMemoryPorts';

const HELPDESK_ADMINISTRATOR_ROLE = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const T = (minute: number) => new Date(Date.UTC(2025, 2, 1, 10, minute)).toISOString();

async function submitted(world: InMemoryBatchWorld, batchId = 'b1', count = 4, partner = PARTNERS.direct) {
  const devices = Array.from({ length: count }, (_, i) => pkidDevice(i, batchId.length));
  return (
    await submitDeviceBatch(world.batchDeps, partnerClient(partner), 'api', TENANT_ID, { batchId, devices })
  ).batch;
}

describe('recordBatchProgress', () => {
  it('when processing is recorded, then the counts, processed and startedAt come from the update and the time from the orchestration', async () => {
    const world = inMemoryBatchWorld();
    const batch = await submitted(world);
    world.clock.set('2030-01-01T00:00:00.000Z');

    await recordBatchProgress(world.batchDeps, batch, { status: 'awaiting_consent', at: T(1) });
    expect(world.batches.peek(batch)).toMatchObject({ status: 'awaiting_consent', startedAt: null });

    const next = await recordBatchProgress(world.batchDeps, batch, {
      status: 'processing',
      registered: 2,
      failed: 1,
      at: T(5),
    });
    expect(next).toMatchObject({
      status: 'processing',
      registered: 2,
      failed: 1,
      processed: 3,
      startedAt: T(5),
      completedAt: null,
    });
    expect(world.batches.peek(batch)).toEqual(next);
    expect(batchProgress(next)).toBe(75);

    const later = await recordBatchProgress(world.batchDeps, batch, {
      status: 'processing',
      registered: 3,
      failed: 1,
      at: T(9),
    });
    expect(later.startedAt).toBe(T(5));
  });

  it('when a final status is recorded, then completedAt is set and the completion is audited once', async () => {
    const world = inMemoryBatchWorld();
    const batch = await submitted(world);
    await recordBatchProgress(world.batchDeps, batch, {
      status: 'processing',
      registered: 0,
      failed: 0,
      at: T(1),
    });
    const done = await recordBatchProgress(world.batchDeps, batch, {
      status: 'finished_with_errors',
      registered: 3,
      failed: 1,
      at: T(2),
    });
    expect(done).toMatchObject({ status: 'finished_with_errors', completedAt: T(2), processed: 4 });
    expect(batchProgress(done)).toBe(100);
    // Replayed: the activity runs again.
    await recordBatchProgress(world.batchDeps, batch, {
      status: 'finished_with_errors',
      registered: 3,
      failed: 1,
      at: T(2),
    });
    expect(world.audit.ofType('DeviceBatchCompleted')).toEqual([
      expect.objectContaining({
        details: { batchId: 'b1', status: 'finished_with_errors', total: 4, registered: 3, failed: 1 },
      }),
    ]);
  });

  it('when the host dies between the final write and its audit, then the retry finds the batch final and records the completion once', async () => {
    const world = inMemoryBatchWorld();
    const batch = await submitted(world);
    const final = { status: 'finished' as const, registered: 4, failed: 0, at: T(3) };
    const append = world.audit.append.bind(world.audit);
    world.audit.append = () => Promise.reject(new Error('host stopped'));

    await expect(recordBatchProgress(world.batchDeps, batch, final)).rejects.toThrow('host stopped');
    expect(world.batches.peek(batch)).toMatchObject({ status: 'finished' });
    expect(world.audit.ofType('DeviceBatchCompleted')).toEqual([]);

    world.audit.append = append;
    await recordBatchProgress(world.batchDeps, batch, final);
    await recordBatchProgress(world.batchDeps, batch, final);
    expect(world.audit.ofType('DeviceBatchCompleted')).toEqual([
      expect.objectContaining({
        details: { batchId: 'b1', status: 'finished', total: 4, registered: 4, failed: 0 },
      }),
    ]);
  });

  it('when a batch is in a final status, then no later update moves it', async () => {
    for (const final of ['finished', 'finished_with_errors', 'expired', 'canceled'] as const) {
      const world = inMemoryBatchWorld();
      const batch = await submitted(world);
      const ended = await recordBatchProgress(world.batchDeps, batch, {
        status: final,
        registered: 1,
        failed: 0,
        at: T(3),
      });
      for (const status of [
        'queued',
        'awaiting_consent',
        'processing',
        'finished',
        'canceled',
      ] as BatchStatus[]) {
        const after = await recordBatchProgress(world.batchDeps, batch, {
          status,
          registered: 4,
          failed: 0,
          at: T(7),
        });
        expect(after).toEqual(ended);
      }
      expect(world.batches.peek(batch)).toEqual(ended);
    }
  });

  it('when the same update is recorded twice, then the stored batch is the same', async () => {
    const world = inMemoryBatchWorld();
    const batch = await submitted(world);
    const update = { status: 'processing' as const, registered: 1, failed: 1, at: T(4) };
    const first = await recordBatchProgress(world.batchDeps, batch, update);
    const second = await recordBatchProgress(world.batchDeps, batch, update);
    expect(second).toEqual(first);
  });

  it('when expiry is recorded without counts, then the counts stay as they were', async () => {
    const world = inMemoryBatchWorld();
    const batch = await submitted(world);
    const expired = await recordBatchProgress(world.batchDeps, batch, { status: 'expired', at: T(8) });
    expect(expired).toMatchObject({
      status: 'expired',
      registered: 0,
      failed: 0,
      processed: 0,
      completedAt: T(8),
    });
  });

  it('when another writer changes the batch between read and write, then the update is retried and lands', async () => {
    const world = inMemoryBatchWorld();
    const batch = await submitted(world);
    const replace = world.batches.replace.bind(world.batches);
    let conflicts = 2;
    world.batches.replace = (b: DeviceBatch, version: string) =>
      conflicts-- > 0 ? Promise.reject(new VersionConflict('batch')) : replace(b, version);
    const next = await recordBatchProgress(world.batchDeps, batch, {
      status: 'processing',
      registered: 2,
      failed: 0,
      at: T(1),
    });
    expect(next.registered).toBe(2);
    expect(world.batches.peek(batch)?.registered).toBe(2);
  });

  it('when the batch does not exist, then it throws rather than inventing one', async () => {
    const world = inMemoryBatchWorld();
    await expect(
      recordBatchProgress(
        world.batchDeps,
        { tenantId: TENANT_ID, partnerId: 'contoso-direct', batchId: 'ghost' },
        { status: 'processing', at: T(1) },
      ),
    ).rejects.toThrow(/ghost/);
    expect(world.batches.size).toBe(0);
  });
});

describe('batchConsentEvents', () => {
  it('when consent is given, then every open batch of those partners for that tenant is signalled, and no other', async () => {
    const world = inMemoryBatchWorld();
    const open1 = await submitted(world, 'open1');
    const open2 = await submitted(world, 'open2');
    const done = await submitted(world, 'done');
    world.batches.put({ ...done, status: 'finished' });
    const oem = await submitted(world, 'oem', 2, PARTNERS.oem);
    const { batch: elsewhere } = await submitDeviceBatch(
      world.batchDeps,
      partnerClient(PARTNERS.direct),
      'api',
      OTHER_TENANT,
      { batchId: 'elsewhere', devices: [pkidDevice(1)] },
    );
    world.workflow.calls.length = 0;

    const events = batchConsentEvents(world.batches, world.workflow);
    await events.consentGiven([PARTNERS.direct.id, PARTNERS.provider.id], TENANT_ID);
    const signalled = world.workflow.calls.map((c) => [c.kind, c.ref.batchId]);
    expect(signalled).toEqual(
      expect.arrayContaining([
        ['consentGiven', open1.batchId],
        ['consentGiven', open2.batchId],
      ]),
    );
    expect(signalled).toHaveLength(2);
    expect(signalled.map(([, id]) => id)).not.toContain(oem.batchId);
    expect(signalled.map(([, id]) => id)).not.toContain(elsewhere.batchId);

    world.workflow.calls.length = 0;
    await events.consentRevoked([PARTNERS.oem.id], TENANT_ID);
    expect(world.workflow.calls).toEqual([
      { kind: 'consentRevoked', ref: { tenantId: TENANT_ID, partnerId: PARTNERS.oem.id, batchId: 'oem' } },
    ]);
  });

  it('when nothing is open, then nothing is signalled', async () => {
    const world = inMemoryBatchWorld();
    await batchConsentEvents(world.batches, world.workflow).consentRevoked([PARTNERS.direct.id], TENANT_ID);
    expect(world.workflow.calls).toEqual([]);
  });
});

describe('deregisterDevice', () => {
  async function registered(world: InMemoryBatchWorld) {
    await giveConsent(world, PARTNERS.direct.id);
    const { batch } = await submitDeviceBatch(
      world.batchDeps,
      partnerClient(PARTNERS.direct),
      'api',
      TENANT_ID,
      {
        batchId: 'b1',
        devices: [pkidDevice(1), tupleDevice(2)],
      },
    );
    await registerChunk(world.batchDeps, batch, 0);
    const finished = await recordBatchProgress(world.batchDeps, batch, {
      status: 'finished',
      registered: 2,
      failed: 0,
      at: T(5),
    });
    const outcomes = await world.outcomes.readChunk(batch, 0);
    return { batch: finished, deviceId: outcomes[1]!.deviceId!, keysBefore: world.registry.size };
  }

  it('when the partner that registered a device removes it, then all its keys are freed, its outcome marked and the removal audited', async () => {
    const world = inMemoryBatchWorld();
    const { batch, deviceId, keysBefore } = await registered(world);
    await deregisterDevice(world.batchDeps, partnerClient(PARTNERS.direct), TENANT_ID, deviceId);
    expect(await world.registry.find(deviceId)).toBeUndefined();
    expect(world.registry.size).toBe(keysBefore - 1);
    const at = world.batchDeps.clock.now().toISOString();
    expect(world.outcomes.deregistered).toEqual([
      {
        ref: { tenantId: TENANT_ID, partnerId: PARTNERS.direct.id, batchId: 'b1' },
        chunkNo: 0,
        index: 1,
        at,
      },
    ]);
    // The batch's device list keeps the device's result and says when it was deregistered.
    const [first, second] = await world.outcomes.readChunk(batch, 0);
    expect([first?.deregisteredAt, second?.status, second?.deregisteredAt]).toEqual([
      undefined,
      'registered',
      at,
    ]);
    expect(world.audit.ofType('DeviceDeregistered')).toEqual([
      expect.objectContaining({ tenantId: TENANT_ID, details: { deviceId, batchId: batch.batchId } }),
    ]);
  });

  it("when the tenant's Global Administrator removes a device, then it is freed and can be registered by another tenant", async () => {
    const world = inMemoryBatchWorld();
    const { deviceId } = await registered(world);
    await deregisterDevice(world.batchDeps, customerUser(), TENANT_ID, deviceId);
    expect(await world.registry.find(deviceId)).toBeUndefined();

    await giveConsent(world, PARTNERS.oem.id, { tenantId: OTHER_TENANT });
    const { batch } = await submitDeviceBatch(
      world.batchDeps,
      partnerClient(PARTNERS.oem),
      'api',
      OTHER_TENANT,
      {
        batchId: 'next-owner',
        devices: [tupleDevice(2)],
      },
    );
    expect(await registerChunk(world.batchDeps, batch, 0)).toMatchObject({ registered: 1 });
  });

  it('when another partner, another tenant, or an unknown device is named, then it is not found and nothing changes', async () => {
    const world = inMemoryBatchWorld();
    const { deviceId } = await registered(world);
    const before = world.registry.entries();
    const attempts = [
      deregisterDevice(world.batchDeps, partnerClient(PARTNERS.oem), TENANT_ID, deviceId),
      deregisterDevice(world.batchDeps, partnerClient(PARTNERS.direct), OTHER_TENANT, deviceId),
      deregisterDevice(world.batchDeps, customerUser({ tenantId: OTHER_TENANT }), TENANT_ID, deviceId),
      deregisterDevice(world.batchDeps, partnerClient(PARTNERS.direct), TENANT_ID, `pkid:${'9'.repeat(13)}`),
    ];
    for (const attempt of attempts) {
      const error = await refusal(attempt);
      expect([error.kind, error.code]).toEqual(['notFound', 'DeviceNotFound']);
    }
    expect(world.registry.entries()).toEqual(before);
    expect(world.outcomes.deregistered).toEqual([]);
  });

  it('when a customer user who is not a Global Administrator removes a device, then it is refused with 403', async () => {
    const world = inMemoryBatchWorld();
    const { deviceId } = await registered(world);
    const error = await refusal(
      deregisterDevice(
        world.batchDeps,
        customerUser({ roleIds: [HELPDESK_ADMINISTRATOR_ROLE] }),
        TENANT_ID,
        deviceId,
      ),
    );
    expect([error.kind, error.code]).toEqual(['forbidden', 'GlobalAdministratorRequired']);
    expect(await world.registry.find(deviceId)).toBeDefined();
  });

  it('when a caller who may not deregister in the tenant names a device it holds or one it does not, then the answers are the same', async () => {
    const world = inMemoryBatchWorld();
    const { deviceId } = await registered(world);
    const unknown = `pkid:${'9'.repeat(13)}`;
    const callers = [
      customerUser({ tenantId: OTHER_TENANT, roleIds: [HELPDESK_ADMINISTRATOR_ROLE] }),
      customerUser({ roleIds: [HELPDESK_ADMINISTRATOR_ROLE] }),
      customerUser({ tenantId: OTHER_TENANT }),
      partnerClient(PARTNERS.oem),
    ];
    for (const caller of callers) {
      const [held, free] = await Promise.all(
        [deviceId, unknown].map(async (id) => {
          const error = await refusal(deregisterDevice(world.batchDeps, caller, TENANT_ID, id));
          return [error.kind, error.code];
        }),
      );
      expect([caller.kind, held]).toEqual([caller.kind, free]);
    }
    expect(await world.registry.find(deviceId)).toBeDefined();
  });

  it('when the batch that registered the device has not finished, then deregistration is refused with 409 and the device keeps its keys', async () => {
    const world = inMemoryBatchWorld();
    const { batch, deviceId, keysBefore } = await registered(world);
    world.batches.put({ ...batch, status: 'processing', completedAt: null });
    for (const caller of [partnerClient(PARTNERS.direct), customerUser()]) {
      const error = await refusal(deregisterDevice(world.batchDeps, caller, TENANT_ID, deviceId));
      expect([error.kind, error.code]).toEqual(['conflict', 'DeviceRegistrationInProgress']);
    }
    expect(world.registry.size).toBe(keysBefore);
    expect(world.outcomes.deregistered).toEqual([]);
  });
});
