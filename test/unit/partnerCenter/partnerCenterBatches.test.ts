import { registerChunk } from '../../../shared/application/batches/registerChunk';
import { deregisterDevice } from '../../../shared/application/batches/deregisterDevice';
import type { PartnerCenterDependencies } from '../../../shared/application/partnerCenter/partnerCenterBatches';
import {
  addDevices,
  batchNameKey,
  createBatch,
  deleteDevice,
  listBatches,
  listDevices,
  uploadBatchId,
  uploadStatus,
} from '../../../shared/application/partnerCenter/partnerCenterBatches';
import type { InMemoryBatchWorld } from '../../support/inMemoryBatchPorts';
import { giveConsent, inMemoryBatchWorld, pkidDevice, refusal } from '../../support/inMemoryBatchPorts';
import { InMemoryPartnerCenterStore } from '../../support/inMemoryPartnerCenterStore';
import { PARTNERS, TENANT_ID, partnerClient } from '../../support/inMemoryPorts';

/** The Partner Center batches on the API's use cases: named batches made of uploads. */
const direct = partnerClient(PARTNERS.direct);
const devices = (count: number, series: number) =>
  Array.from({ length: count }, (_, i) => pkidDevice(i, series));

function world(): {
  w: InMemoryBatchWorld;
  store: InMemoryPartnerCenterStore;
  deps: PartnerCenterDependencies;
} {
  const w = inMemoryBatchWorld();
  const store = new InMemoryPartnerCenterStore();
  return { w, store, deps: { ...w.batchDeps, partnerCenter: store } };
}

/** Registers every chunk of an upload, as the orchestration would once consent is there. */
async function register(w: InMemoryBatchWorld, trackingId: string): Promise<void> {
  const ref = { tenantId: TENANT_ID, partnerId: PARTNERS.direct.id, batchId: uploadBatchId(trackingId) };
  const batch = (await w.batches.get(ref))!.value;
  for (let chunk = 0; chunk < batch.chunkCount; chunk++) await registerChunk(w.batchDeps, ref, chunk);
  const done = (await w.batches.get(ref))!;
  await w.batches.replace({ ...done.value, status: 'finished', registered: batch.total }, done.version);
}

describe('Partner Center batches', () => {
  it('when the same creation arrives twice, then it is one upload and one submission, under the first tracking ID', async () => {
    const { w, deps } = world();
    const body = { name: 'Test batch', devices: devices(2, 1) };
    const first = await createBatch(deps, direct, TENANT_ID, body);
    const second = await createBatch(deps, direct, TENANT_ID, { ...body, name: 'TEST BATCH' });
    expect(second).toBe(first);
    expect(w.workflow.calls.filter((c) => c.kind === 'ensureStarted')).toHaveLength(2);
    expect(new Set(w.workflow.calls.map((c) => (c as { ref: { batchId: string } }).ref.batchId))).toEqual(
      new Set([uploadBatchId(first)]),
    );
    expect(await listBatches(deps, direct, TENANT_ID)).toEqual([
      { name: 'Test batch', createdAt: '2025-03-01T10:00:00.000Z', devicesCount: 0 },
    ]);
  });

  it('when a name is created again with other devices, then it is a conflict and nothing more is submitted', async () => {
    const { w, deps } = world();
    await createBatch(deps, direct, TENANT_ID, { name: 'lab', devices: devices(1, 1) });
    const error = await refusal(
      createBatch(deps, direct, TENANT_ID, { name: 'Lab', devices: devices(1, 2) }),
    );
    expect(error.code).toBe('DeviceBatchAlreadyExists');
    expect(w.batches.writes).toHaveLength(1);
  });

  it('when an indirect reseller creates a batch, then it is refused before anything is written', async () => {
    const { deps, store } = world();
    const error = await refusal(
      createBatch(deps, partnerClient(PARTNERS.reseller), TENANT_ID, { name: 'x', devices: devices(1, 1) }),
    );
    expect(error.code).toBe('ResellerMustUsePortal');
    expect(store.batches.size).toBe(0);
  });

  it('when a creation was recorded but its submission never happened, then its retry submits it', async () => {
    const body = { name: 'crashed', devices: devices(2, 1) };
    const before = world();
    const trackingId = await createBatch(before.deps, direct, TENANT_ID, body);
    // As after a crash between the record and the submission: the records, and no batch behind them.
    const { w, deps, store } = world();
    for (const [k, v] of before.store.batches) store.batches.set(k, v);
    for (const [k, v] of before.store.uploads) store.uploads.set(k, v);
    const ref = { tenantId: TENANT_ID, partnerId: PARTNERS.direct.id, batchId: uploadBatchId(trackingId) };
    expect(await w.batches.get(ref)).toBeUndefined();
    expect((await listBatches(deps, direct, TENANT_ID))[0]).toMatchObject({
      name: 'crashed',
      devicesCount: 0,
    });
    expect(await createBatch(deps, direct, TENANT_ID, body)).toBe(trackingId);
    expect((await w.batches.get(ref))?.value.total).toBe(2);
  });

  it('when devices are added with a request ID twice, then one upload is made; without one, each addition is new', async () => {
    const { deps, store } = world();
    await createBatch(deps, direct, TENANT_ID, { name: 'grow', devices: devices(1, 1) });
    const a = await addDevices(deps, direct, TENANT_ID, 'grow', devices(2, 2), 'req-1');
    const b = await addDevices(deps, direct, TENANT_ID, 'GROW', devices(2, 2), 'req-1');
    expect(b).toBe(a);
    const c = await addDevices(deps, direct, TENANT_ID, 'grow', devices(2, 3), 'req-1');
    const d = await addDevices(deps, direct, TENANT_ID, 'grow', devices(2, 3));
    expect(new Set([a, c, d]).size).toBe(3);
    expect(store.uploads.size).toBe(4);
    const missing = await refusal(addDevices(deps, direct, TENANT_ID, 'never', devices(1, 4)));
    expect(missing.code).toBe('DeviceBatchNotFound');
  });

  it('when a batch has grown over two uploads, then its registered devices come in pages of 100 across them, without deregistered ones', async () => {
    const { w, deps } = world();
    await giveConsent(w, PARTNERS.direct.id);
    const first = await createBatch(deps, direct, TENANT_ID, { name: 'big', devices: devices(60, 1) });
    const second = await addDevices(deps, direct, TENANT_ID, 'big', devices(70, 2));
    await register(w, first);
    await register(w, second);

    const page1 = await listDevices(deps, direct, TENANT_ID, 'big', undefined);
    expect(page1.items).toHaveLength(100);
    expect(page1.continuationToken).not.toBeNull();
    const page2 = await listDevices(deps, direct, TENANT_ID, 'big', page1.continuationToken!);
    expect(page2).toMatchObject({ continuationToken: null });
    const keys = [...page1.items, ...page2.items].map((i) => i.outcome.productKey);
    expect(keys).toEqual([...devices(60, 1), ...devices(70, 2)].map((d) => d.productKey));

    const gone = page1.items[5]!.outcome.deviceId!;
    await deleteDevice(deps, direct, TENANT_ID, 'big', gone);
    const again = await listDevices(deps, direct, TENANT_ID, 'big', undefined);
    const rest = await listDevices(deps, direct, TENANT_ID, 'big', again.continuationToken!);
    expect([...again.items, ...rest.items].map((i) => i.outcome.deviceId)).not.toContain(gone);
    expect(again.items.length + rest.items.length).toBe(129);

    const bad = await refusal(listDevices(deps, direct, TENANT_ID, 'big', 'bm90IG91cnM'));
    expect(bad.code).toBe('InvalidContinuationToken');
  });

  it('when a device is deleted through a batch that did not register it, then it is not found and stays registered', async () => {
    const { w, deps } = world();
    await giveConsent(w, PARTNERS.direct.id);
    const one = await createBatch(deps, direct, TENANT_ID, { name: 'one', devices: devices(1, 1) });
    await createBatch(deps, direct, TENANT_ID, { name: 'two', devices: devices(1, 2) });
    await register(w, one);
    const [device] = (await listDevices(deps, direct, TENANT_ID, 'one', undefined)).items;
    const error = await refusal(deleteDevice(deps, direct, TENANT_ID, 'two', device!.outcome.deviceId!));
    expect(error.code).toBe('DeviceNotFound');
    expect(await w.registry.find(device!.outcome.deviceId!)).toBeDefined();
    // The API's own deregistration is the same act: afterwards the batch lists nothing.
    await deregisterDevice(w.batchDeps, direct, TENANT_ID, device!.outcome.deviceId!);
    expect((await listDevices(deps, direct, TENANT_ID, 'one', undefined)).items).toEqual([]);
  });

  it('when a device is deleted by an ID this API never gives out (a slash in it), then it is refused as invalid before anything is looked up', async () => {
    const { w, deps } = world();
    await giveConsent(w, PARTNERS.direct.id);
    await createBatch(deps, direct, TENANT_ID, { name: 'one', devices: devices(1, 1) });
    for (const deviceId of ['pkid:1/2', 'a/b', '../x']) {
      const error = await refusal(deleteDevice(deps, direct, TENANT_ID, 'one', deviceId));
      expect(error.code).toBe('InvalidDeviceId');
    }
  });

  it('when another partner asks for an upload’s status, then the tracking ID is not found', async () => {
    const { deps } = world();
    const trackingId = await createBatch(deps, direct, TENANT_ID, { name: 'mine', devices: devices(1, 1) });
    const error = await refusal(uploadStatus(deps, partnerClient(PARTNERS.oem), TENANT_ID, trackingId));
    expect(error.code).toBe('BatchTrackingIdNotFound');
    const mine = await uploadStatus(deps, direct, TENANT_ID, trackingId);
    expect(mine.devices.map((d) => d.status)).toEqual([{ status: 'queued' }]);
  });

  it('when names differ only in case or Unicode composition, then they are one batch; otherwise two', () => {
    expect(batchNameKey('Café Lab')).toBe(batchNameKey('CAFE\u0301 LAB'.normalize('NFD')));
    expect(batchNameKey('Lab 1')).not.toBe(batchNameKey('Lab  1'));
  });
});
