import type { ApiClient } from '../support/apiClient';
import type { Json } from '../support/batchHelpers';
import {
  batchPath,
  batchesPath,
  getBatch,
  giveConsent,
  isFinal,
  listAllDevices,
  newBatchId,
  newPkids,
  newTuple,
  submitAccepted,
  submitBatch,
  validateAll,
  waitForBatch,
} from '../support/batchHelpers';
import { localHostForFile } from '../support/localHostForFile';
import { buildHardwareHash } from '../support/hardwareHashes';

/** Device batches over HTTP against the local host: validation, submission, outcomes, deregistration. */
const CONTOSO = 'contoso-direct';
const FABRIKAM = 'fabrikam-distribution';
const NORTHWIND = 'northwind-reseller';
const FINISH_MS = 60_000;
jest.setTimeout(120_000);

const file = localHostForFile([CONTOSO, FABRIKAM, NORTHWIND]);

type Tenant = Awaited<ReturnType<ApiClient['newTenant']>>;

async function consentedTenant(partnerId = CONTOSO): Promise<Tenant> {
  const tenant = await file.api.newTenant();
  await giveConsent(file.api, file.tokens[partnerId]!, tenant.admin);
  return tenant;
}

async function validate(tenantId: string, devices: unknown[], partnerId = CONTOSO) {
  const res = await file.api.request<Json>('POST', `${batchesPath(tenantId)}/validate`, {
    token: file.tokens[partnerId],
    json: { devices },
  });
  expect(res.status).toBe(200);
  return res.body as { consent: { status: string }; devices: Json[] };
}

/** Submits with contoso-direct and waits for a final status. */
async function runBatch(tenantId: string, devices: unknown[], partnerId = CONTOSO) {
  const batchId = newBatchId();
  await submitAccepted(file.api, file.tokens[partnerId]!, tenantId, { batchId, devices });
  const batch = await waitForBatch(file.api, file.tokens[partnerId]!, tenantId, batchId, isFinal, FINISH_MS);
  const { items } = await listAllDevices(file.api, file.tokens[partnerId]!, tenantId, batchId);
  return { batchId, batch, items };
}

async function auditOf(partnerId: string): Promise<Json[]> {
  const res = await file.api.request<{ items: Json[] }>('GET', '/api/v1/audit?limit=1000', {
    token: file.tokens[partnerId],
  });
  expect(res.status).toBe(200);
  return res.body.items;
}

const pick = (d: Json) => [d.index, d.status, d.errorCode, d.errorNumber];

describe('validate', () => {
  it('when a fresh tenant is validated, then consent is none and each device gets its own verdict', async () => {
    const tenant = await file.api.newTenant();
    const [pk1, pk2, pk3] = newPkids(3);
    const tuple = newTuple();
    const body = await validate(tenant.tenantId, [
      { productKey: pk1 },
      { productKey: pk2, colour: 'red' },
      { productKey: 1234567890123 },
      { hardwareHash: Buffer.from('X'.repeat(60)).toString('base64') },
      { serialNumber: 'SN-ALONE-1' },
      { productKey: pk3 },
      { productKey: pk3 },
      {
        hardwareHash: buildHardwareHash({
          serialNumber: tuple.serialNumber,
          manufacturer: tuple.oemManufacturerName,
          model: tuple.modelName,
        }),
      },
      tuple,
    ]);
    expect(body.consent.status).toBe('none');
    expect(body.devices.map(pick)).toEqual([
      [0, 'valid', null, null],
      [1, 'invalid', 'InvalidZtdRequestBody', 801],
      [2, 'invalid', 'InvalidZtdRequestBody', 801],
      [3, 'invalid', 'InvalidZtdHardwareHash', 802],
      [4, 'invalid', 'MissingZtdSerialNumberAndProductKey', 803],
      [5, 'valid', null, null],
      [6, 'invalid', 'ZtdDeviceDuplicated', null],
      [7, 'valid', null, null],
      // The same physical device as index 7: its tuple is inside the hash.
      [8, 'invalid', 'ZtdDeviceDuplicated', null],
    ]);
    expect(body.devices[1]!.errorDescription).toContain('colour');
    expect(body.devices[2]!.errorDescription).toMatch(/productKey must be a string/);
    expect(body.devices[4]!.errorDescription).toMatch(/oemManufacturerName/);
    expect(body.devices[6]!.errorDescription).toMatch(/index 5/);
    for (const d of body.devices.filter((x) => x.status === 'invalid'))
      expect(String(d.errorDescription).length).toBeGreaterThan(40);
  });

  it('when a device is registered here or elsewhere, then validate says 806 or 808 without naming the other tenant, and validating writes nothing', async () => {
    const owner = await consentedTenant();
    const other = await consentedTenant();
    const [held, free] = newPkids(2);
    const first = await runBatch(owner.tenantId, [{ productKey: held }]);
    expect(first.batch).toMatchObject({ status: 'finished', registered: 1 });

    const here = await validate(owner.tenantId, [{ productKey: held }, { productKey: free }]);
    expect(here.consent.status).toBe('active');
    expect(here.devices.map(pick)).toEqual([
      [0, 'invalid', 'ZtdDeviceAlreadyAssigned', 806],
      [1, 'valid', null, null],
    ]);

    const elsewhere = await validate(other.tenantId, [{ productKey: held }, { productKey: free }]);
    expect(elsewhere.devices.map(pick)).toEqual([
      [0, 'invalid', 'ZtdDeviceAssignedToOtherTenant', 808],
      [1, 'valid', null, null],
    ]);
    const description = String(elsewhere.devices[0]!.errorDescription);
    expect(description).not.toContain(owner.tenantId);
    expect(description).not.toContain(owner.domain);
    expect(description).not.toContain(owner.domain.split('.')[0]!);

    // `free` was validated in both tenants: nothing holds it, so the other tenant can register it.
    const second = await runBatch(other.tenantId, [{ productKey: free }]);
    expect(second.items.map(pick)).toEqual([[0, 'registered', null, null]]);
    expect((await validate(owner.tenantId, [{ productKey: free }])).devices.map(pick)).toEqual([
      [0, 'invalid', 'ZtdDeviceAssignedToOtherTenant', 808],
    ]);
  });
});

describe('submit', () => {
  it('when the same body is sent again, then it is the same batch; another body under that batchId is 409', async () => {
    const tenant = await file.api.newTenant();
    const batchId = newBatchId('idem');
    const devices = newPkids(3).map((productKey) => ({ productKey }));
    const first = await submitBatch(file.api, file.tokens[CONTOSO]!, tenant.tenantId, { batchId, devices });
    const again = await submitBatch(file.api, file.tokens[CONTOSO]!, tenant.tenantId, { batchId, devices });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(first.body.batchId).toBe(batchId);
    expect(again.body.batchId).toBe(batchId);
    const location = first.headers.get('location');
    expect(location).toBe(batchPath(tenant.tenantId, batchId));
    expect(again.headers.get('location')).toBe(location);

    const status = await file.api.request<Json>('GET', location!, { token: file.tokens[CONTOSO] });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ batchId, total: 3 });
    const submitted = (await auditOf(CONTOSO)).filter(
      (e) => e.type === 'DeviceBatchSubmitted' && e.details.batchId === batchId,
    );
    expect(submitted).toHaveLength(1);

    const conflict = await submitBatch(file.api, file.tokens[CONTOSO]!, tenant.tenantId, {
      batchId,
      devices: devices.slice(0, 2),
    });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toContain('application/problem+json');
    expect(conflict.body.code).toBe('BatchIdConflict');
    expect((await getBatch(file.api, file.tokens[CONTOSO]!, tenant.tenantId, batchId)).total).toBe(3);
  });

  it.each([
    ['no devices', { batchId: 'x-no-devices' }, 'devices'],
    ['devices not an array', { batchId: 'x-not-array', devices: { productKey: '1234567890123' } }, 'devices'],
    ['an empty devices array', { batchId: 'x-empty', devices: [] }, 'devices'],
    [
      'an unknown top-level field',
      { batchId: 'x-unknown', devices: [{ productKey: '1234567890123' }], priority: 'high' },
      'priority',
    ],
    ['a batchId with a slash', { batchId: 'a/b', devices: [{ productKey: '1234567890123' }] }, 'batchId'],
    ['no batchId', { devices: [{ productKey: '1234567890123' }] }, 'batchId'],
  ])('when the body has %s, then 400 names the field and nothing is created', async (_label, body, field) => {
    const tenant = await file.api.newTenant();
    const res = await submitBatch(file.api, file.tokens[CONTOSO]!, tenant.tenantId, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('ValidationFailed');
    expect(res.body.field).toBe(field);
    expect(String(res.body.detail)).toContain(field);
    const batchId = (body as Json).batchId as string | undefined;
    if (batchId && !batchId.includes('/')) {
      const get = await file.api.request<Json>('GET', batchPath(tenant.tenantId, batchId), {
        token: file.tokens[CONTOSO],
      });
      expect(get.status).toBe(404);
    }
  });

  it('when the body is not JSON, then 400 or 415, never 500', async () => {
    const tenant = await file.api.newTenant();
    const broken = await file.api.request<Json>('POST', batchesPath(tenant.tenantId), {
      token: file.tokens[CONTOSO],
      body: '{"batchId": "x", "devices": [',
      headers: { 'content-type': 'application/json' },
    });
    expect([broken.status, broken.body.code]).toEqual([400, 'MalformedJson']);
    const text = await file.api.request<Json>('POST', batchesPath(tenant.tenantId), {
      token: file.tokens[CONTOSO],
      body: 'batchId=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
  });

  it('when the body is over 64 MiB, then 413 and the host keeps serving', async () => {
    const tenant = await file.api.newTenant();
    const batchId = newBatchId('huge');
    const body = `{"batchId":"${batchId}","devices":[{"hardwareHash":"${'A'.repeat(65 * 1024 * 1024)}"}]}`;
    const res = await file.api.request<Json>('POST', batchesPath(tenant.tenantId), {
      token: file.tokens[CONTOSO],
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PayloadTooLarge');
    expect((await file.api.request('GET', '/api/health')).status).toBe(200);
    const get = await file.api.request<Json>('GET', batchPath(tenant.tenantId, batchId), {
      token: file.tokens[CONTOSO],
    });
    expect(get.status).toBe(404);
  }, 120_000);

  it('when the tenantId is not a GUID, then 400 names tenantId', async () => {
    const res = await submitBatch(file.api, file.tokens[CONTOSO]!, 'not-a-guid', {
      batchId: newBatchId(),
      devices: [{ productKey: newPkids(1)[0] }],
    });
    expect([res.status, res.body.field]).toEqual([400, 'tenantId']);
  });

  it('when there is no token, then 401; when a customer user calls, then 403', async () => {
    const tenant = await file.api.newTenant();
    const body = { batchId: newBatchId(), devices: [{ productKey: newPkids(1)[0] }] };
    const anonymous = await file.api.request<Json>('POST', batchesPath(tenant.tenantId), { json: body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const customer = await submitBatch(
      file.api,
      await file.api.userToken(tenant.admin),
      tenant.tenantId,
      body,
    );
    expect(customer.status).toBe(403);
    const get = await file.api.request<Json>('GET', batchPath(tenant.tenantId, body.batchId), {
      token: file.tokens[CONTOSO],
    });
    expect(get.status).toBe(404);
  });

  it('when the indirect reseller uses the device API, then 403 ResellerMustUsePortal pointing to the CSV upload', async () => {
    const tenant = await consentedTenant(NORTHWIND);
    const body = { batchId: newBatchId(), devices: [{ productKey: newPkids(1)[0] }] };
    const submit = await submitBatch(file.api, file.tokens[NORTHWIND]!, tenant.tenantId, body);
    expect(submit.status).toBe(403);
    expect(submit.body.code).toBe('ResellerMustUsePortal');
    expect(String(submit.body.detail)).toMatch(/CSV/);
    expect(String(submit.body.detail)).toMatch(/portal/);
    const check = await file.api.request<Json>('POST', `${batchesPath(tenant.tenantId)}/validate`, {
      token: file.tokens[NORTHWIND],
      json: { devices: body.devices },
    });
    expect([check.status, check.body.code]).toEqual([403, 'ResellerMustUsePortal']);
  });

  it("when a partner asks for another partner's batch, then 404", async () => {
    const tenant = await file.api.newTenant();
    const batchId = newBatchId();
    await submitAccepted(file.api, file.tokens[CONTOSO]!, tenant.tenantId, {
      batchId,
      devices: [{ productKey: newPkids(1)[0] }],
    });
    const status = await file.api.request<Json>('GET', batchPath(tenant.tenantId, batchId), {
      token: file.tokens[FABRIKAM],
    });
    expect([status.status, status.body.code]).toEqual([404, 'BatchNotFound']);
    const devices = await file.api.request<Json>('GET', `${batchPath(tenant.tenantId, batchId)}/devices`, {
      token: file.tokens[FABRIKAM],
    });
    expect(devices.status).toBe(404);
    expect((await getBatch(file.api, file.tokens[CONTOSO]!, tenant.tenantId, batchId)).batchId).toBe(batchId);
  });
});

describe('registration', () => {
  it('when PKID, tuple and hardware-hash devices are submitted with consent, then all are registered and the batch is finished at 100', async () => {
    const tenant = await consentedTenant();
    const [pkid] = newPkids(1);
    const tuple = newTuple();
    const hashed = newTuple();
    const hardwareHash = buildHardwareHash({
      serialNumber: hashed.serialNumber,
      manufacturer: hashed.oemManufacturerName,
      model: hashed.modelName,
    });
    const { batch, items } = await runBatch(tenant.tenantId, [
      { productKey: pkid },
      tuple,
      { hardwareHash, groupTag: 'kiosk' },
    ]);
    expect(batch).toMatchObject({ status: 'finished', progress: 100, total: 3, registered: 3, failed: 0 });
    expect(batch.startedAt).not.toBeNull();
    expect(batch.completedAt).not.toBeNull();
    expect(Date.parse(batch.completedAt!)).toBeGreaterThanOrEqual(Date.parse(batch.startedAt!));
    expect(items.map((d) => [d.index, d.status, d.serialNumber, d.productKey])).toEqual([
      [0, 'registered', null, pkid],
      [1, 'registered', tuple.serialNumber, null],
      [2, 'registered', hashed.serialNumber, null],
    ]);
    expect(items.every((d) => typeof d.deviceId === 'string')).toBe(true);
    const again = await validate(tenant.tenantId, [{ productKey: pkid }, tuple, hashed]);
    expect(again.devices.map((d) => d.errorNumber)).toEqual([806, 806, 806]);
  });

  it('when some devices are refused, then the batch finishes with errors and status=failed lists exactly the failures', async () => {
    const tenant = await consentedTenant();
    const [a, b] = newPkids(2);
    const { batchId, batch } = await runBatch(tenant.tenantId, [
      { productKey: a },
      { productKey: 'ABC' },
      newTuple(),
      { serialNumber: 'SN-ONLY' },
      { productKey: a },
      { productKey: b },
    ]);
    expect(batch).toMatchObject({
      status: 'finished_with_errors',
      progress: 100,
      total: 6,
      registered: 3,
      failed: 3,
    });
    const failed = await listAllDevices(file.api, file.tokens[CONTOSO]!, tenant.tenantId, batchId, {
      status: 'failed',
    });
    expect(failed.items.map(pick)).toEqual([
      [1, 'failed', 'InvalidZtdRequestBody', 801],
      [3, 'failed', 'MissingZtdSerialNumberAndProductKey', 803],
      [4, 'failed', 'ZtdDeviceDuplicated', null],
    ]);
    const registered = await listAllDevices(file.api, file.tokens[CONTOSO]!, tenant.tenantId, batchId, {
      status: 'registered',
    });
    expect(registered.items.map((d) => d.index)).toEqual([0, 2, 5]);
    expect(registered.items.every((d) => d.errorCode === null)).toBe(true);
  });

  it('when devices are paged two at a time, then every device comes exactly once, in index order', async () => {
    const tenant = await consentedTenant();
    const devices: unknown[] = newPkids(7).map((productKey) => ({ productKey }));
    devices.splice(3, 0, { productKey: 'bad' });
    const { batchId, items } = await runBatch(tenant.tenantId, devices);
    expect(items.map((d) => d.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    const paged = await listAllDevices(file.api, file.tokens[CONTOSO]!, tenant.tenantId, batchId, {
      pageSize: 2,
    });
    expect(paged.pages).toBe(4);
    expect(paged.items).toEqual(items);

    const registeredPages = await listAllDevices(file.api, file.tokens[CONTOSO]!, tenant.tenantId, batchId, {
      status: 'registered',
      pageSize: 2,
    });
    expect(registeredPages.items.map((d) => d.index)).toEqual([0, 1, 2, 4, 5, 6, 7]);

    const first = await file.api.request<Json>(
      'GET',
      `${batchPath(tenant.tenantId, batchId)}/devices?pageSize=2`,
      {
        token: file.tokens[CONTOSO],
      },
    );
    expect(first.body.items).toHaveLength(2);
    expect(typeof first.body.continuationToken).toBe('string');
    const forged = await file.api.request<Json>(
      'GET',
      `${batchPath(tenant.tenantId, batchId)}/devices?continuationToken=not-ours`,
      { token: file.tokens[CONTOSO] },
    );
    expect([forged.status, forged.body.field]).toEqual([400, 'continuationToken']);
  });
});

describe('one physical device', () => {
  it('when a device registered by tuple in one tenant is sent by hardware hash to another, then 808; sent again to the first, then 806', async () => {
    const a = await consentedTenant();
    const b = await consentedTenant();
    const tuple = newTuple();
    const hardwareHash = buildHardwareHash({
      serialNumber: tuple.serialNumber,
      manufacturer: tuple.oemManufacturerName,
      model: tuple.modelName,
    });

    const inA = await runBatch(a.tenantId, [tuple]);
    expect(inA.items.map(pick)).toEqual([[0, 'registered', null, null]]);

    const inB = await runBatch(b.tenantId, [{ hardwareHash }]);
    expect(inB.batch).toMatchObject({ status: 'finished_with_errors', registered: 0, failed: 1 });
    expect(inB.items.map(pick)).toEqual([[0, 'failed', 'ZtdDeviceAssignedToOtherTenant', 808]]);
    expect(inB.items[0]!.errorDescription).not.toContain(a.tenantId);
    expect(inB.items[0]!.errorDescription).not.toContain(a.domain);

    const hashAgainInA = await runBatch(a.tenantId, [{ hardwareHash }]);
    expect(hashAgainInA.items.map(pick)).toEqual([[0, 'failed', 'ZtdDeviceAlreadyAssigned', 806]]);
    const tupleAgainInA = await runBatch(a.tenantId, [tuple]);
    expect(tupleAgainInA.items.map(pick)).toEqual([[0, 'failed', 'ZtdDeviceAlreadyAssigned', 806]]);
    expect((await validate(b.tenantId, [{ hardwareHash }])).devices.map(pick)).toEqual([
      [0, 'invalid', 'ZtdDeviceAssignedToOtherTenant', 808],
    ]);
    expect((await validate(b.tenantId, [tuple])).devices.map(pick)).toEqual([
      [0, 'invalid', 'ZtdDeviceAssignedToOtherTenant', 808],
    ]);

    // The refused attempts left no key of theirs behind: once A lets the device go, a third tenant
    // registers it by its hash.
    const deviceId = inA.items[0]!.deviceId!;
    const released = await file.api.request<Json>(
      'DELETE',
      `/api/v1/customers/${a.tenantId}/devices/${encodeURIComponent(deviceId)}`,
      { token: file.tokens[CONTOSO] },
    );
    expect(released.status).toBe(204);
    const c = await consentedTenant();
    const inC = await runBatch(c.tenantId, [{ hardwareHash }]);
    expect(inC.items.map(pick)).toEqual([[0, 'registered', null, null]]);
    expect(inC.items[0]!.deviceId).toBe(deviceId);
  });

  it('when a real-layout hash is registered in one tenant, then its tuple and its product key are refused in another (808), and validate and the device list show the device the hash holds', async () => {
    const a = await consentedTenant();
    const b = await consentedTenant();
    const tuple = newTuple();
    const [productKey] = newPkids(1);
    const hardwareHash = buildHardwareHash({
      serialNumber: tuple.serialNumber,
      manufacturer: tuple.oemManufacturerName,
      model: tuple.modelName,
      productKey,
    });
    const fromHash = {
      serialNumber: tuple.serialNumber,
      manufacturer: tuple.oemManufacturerName,
      model: tuple.modelName,
    };
    expect((await validate(a.tenantId, [{ hardwareHash }])).devices[0]).toMatchObject({
      status: 'valid',
      hardwareHashDevice: fromHash,
    });

    const inA = await runBatch(a.tenantId, [{ hardwareHash, serialNumber: tuple.serialNumber }]);
    expect(inA.items.map(pick)).toEqual([[0, 'registered', null, null]]);
    expect(inA.items[0]!.hardwareHashDevice).toEqual(fromHash);

    const inB = await runBatch(b.tenantId, [
      tuple,
      { productKey },
      { serialNumber: 'ANOTHER', hardwareHash },
    ]);
    expect(inB.items.map(pick)).toEqual([
      [0, 'failed', 'ZtdDeviceAssignedToOtherTenant', 808],
      [1, 'failed', 'ZtdDeviceAssignedToOtherTenant', 808],
      [2, 'failed', 'InvalidZtdHardwareHash', 802],
    ]);
    expect(inB.items.map((d) => d.hardwareHashDevice)).toEqual([null, null, fromHash]);
    expect(inB.items[2]!.errorDescription).toContain('it is the wrong hash for this entry');
  });

  it('when two tenants race for the same 50 devices, then each device is registered in exactly one of them', async () => {
    const a = await consentedTenant();
    const b = await consentedTenant();
    const devices = newPkids(50).map((productKey) => ({ productKey }));
    const idA = newBatchId('race-a');
    const idB = newBatchId('race-b');
    await Promise.all([
      submitAccepted(file.api, file.tokens[CONTOSO]!, a.tenantId, { batchId: idA, devices }),
      submitAccepted(file.api, file.tokens[CONTOSO]!, b.tenantId, { batchId: idB, devices }),
    ]);
    const [batchA, batchB] = await Promise.all([
      waitForBatch(file.api, file.tokens[CONTOSO]!, a.tenantId, idA, isFinal, FINISH_MS),
      waitForBatch(file.api, file.tokens[CONTOSO]!, b.tenantId, idB, isFinal, FINISH_MS),
    ]);
    const listA = (await listAllDevices(file.api, file.tokens[CONTOSO]!, a.tenantId, idA)).items;
    const listB = (await listAllDevices(file.api, file.tokens[CONTOSO]!, b.tenantId, idB)).items;
    expect(listA).toHaveLength(50);
    expect(listB).toHaveLength(50);

    expect(batchA.registered + batchB.registered).toBe(50);
    expect(batchA.failed + batchB.failed).toBe(50);
    for (let i = 0; i < 50; i++) {
      const sides = [listA[i]!, listB[i]!];
      expect(sides.map((d) => d.index)).toEqual([i, i]);
      const winners = sides.filter((d) => d.status === 'registered');
      const losers = sides.filter((d) => d.status !== 'registered');
      expect([i, winners.length]).toEqual([i, 1]);
      expect([i, losers[0]!.status, losers[0]!.errorNumber]).toEqual([i, 'failed', 808]);
    }
    // The registry agrees with the lists.
    const fromA = await validateAll(file.api, file.tokens[CONTOSO]!, a.tenantId, devices);
    fromA.devices.forEach((d, i) =>
      expect([i, d.errorNumber]).toEqual([i, listA[i]!.status === 'registered' ? 806 : 808]),
    );
  });

  it('when two tenants race for the same hardware-hash devices (several keys each), then each is registered in exactly one', async () => {
    const a = await consentedTenant();
    const b = await consentedTenant();
    const devices = Array.from({ length: 30 }, () => {
      const t = newTuple();
      const [productKey] = newPkids(1);
      const hardwareHash = buildHardwareHash({
        serialNumber: t.serialNumber,
        manufacturer: t.oemManufacturerName,
        model: t.modelName,
        productKey,
      });
      return { hardwareHash };
    });
    const idA = newBatchId('hash-race-a');
    const idB = newBatchId('hash-race-b');
    await Promise.all([
      submitAccepted(file.api, file.tokens[CONTOSO]!, a.tenantId, { batchId: idA, devices }),
      submitAccepted(file.api, file.tokens[CONTOSO]!, b.tenantId, {
        batchId: idB,
        devices: [...devices].reverse(),
      }),
    ]);
    await Promise.all([
      waitForBatch(file.api, file.tokens[CONTOSO]!, a.tenantId, idA, isFinal, FINISH_MS),
      waitForBatch(file.api, file.tokens[CONTOSO]!, b.tenantId, idB, isFinal, FINISH_MS),
    ]);
    const listA = (await listAllDevices(file.api, file.tokens[CONTOSO]!, a.tenantId, idA)).items;
    const listB = (await listAllDevices(file.api, file.tokens[CONTOSO]!, b.tenantId, idB)).items.reverse();
    for (let i = 0; i < devices.length; i++) {
      const statuses = [listA[i]!, listB[i]!].map((d) =>
        d.status === 'registered' ? 'registered' : d.errorNumber,
      );
      expect([i, statuses.sort()]).toEqual([i, [808, 'registered']]);
    }
  });
});

describe('deregistration', () => {
  it('when the registering partner deregisters a device, then 204, it is audited, and another tenant can register it', async () => {
    const a = await consentedTenant();
    const b = await consentedTenant();
    const [pkid] = newPkids(1);
    const inA = await runBatch(a.tenantId, [{ productKey: pkid }]);
    const deviceId = inA.items[0]!.deviceId!;
    expect(deviceId).toBeTruthy();
    expect(inA.items[0]!.deregisteredAt).toBeNull();
    const path = `/api/v1/customers/${a.tenantId}/devices/${encodeURIComponent(deviceId)}`;

    const wrongTenant = await file.api.request<Json>(
      'DELETE',
      `/api/v1/customers/${b.tenantId}/devices/${encodeURIComponent(deviceId)}`,
      { token: file.tokens[CONTOSO] },
    );
    expect(wrongTenant.status).toBe(404);

    const res = await file.api.request<Json>('DELETE', path, { token: file.tokens[CONTOSO] });
    expect(res.status).toBe(204);
    const again = await file.api.request<Json>('DELETE', path, { token: file.tokens[CONTOSO] });
    expect([again.status, again.body.code]).toEqual([404, 'DeviceNotFound']);

    const deregistered = (await auditOf(CONTOSO)).filter(
      (e) => e.type === 'DeviceDeregistered' && e.details.deviceId === deviceId,
    );
    expect(deregistered).toHaveLength(1);
    expect(deregistered[0]).toMatchObject({ tenantId: a.tenantId, partnerId: CONTOSO });
    // The batch's list keeps the device's result and says when it was deregistered.
    const { items: afterwards } = await listAllDevices(
      file.api,
      file.tokens[CONTOSO]!,
      a.tenantId,
      inA.batchId,
    );
    expect(afterwards[0]).toMatchObject({ status: 'registered', deregisteredAt: expect.any(String) });

    const inB = await runBatch(b.tenantId, [{ productKey: pkid }]);
    expect(inB.items.map(pick)).toEqual([[0, 'registered', null, null]]);
    expect((await validate(a.tenantId, [{ productKey: pkid }])).devices.map((d) => d.errorNumber)).toEqual([
      808,
    ]);
  });

  it("when the tenant's Global Administrator deregisters, then 204; another partner, a helpdesk user or another tenant's admin cannot", async () => {
    const a = await consentedTenant();
    const stranger = await file.api.newTenant();
    const tuple = newTuple();
    const inA = await runBatch(a.tenantId, [tuple]);
    const deviceId = inA.items[0]!.deviceId!;
    const path = `/api/v1/customers/${a.tenantId}/devices/${encodeURIComponent(deviceId)}`;

    const otherPartner = await file.api.request<Json>('DELETE', path, { token: file.tokens[FABRIKAM] });
    expect(otherPartner.status).toBe(404);
    const helpdesk = await file.api.request<Json>('DELETE', path, {
      token: await file.api.userToken(a.helpdesk),
    });
    expect(helpdesk.status).toBe(403);
    const otherAdmin = await file.api.request<Json>('DELETE', path, {
      token: await file.api.userToken(stranger.admin),
    });
    expect([403, 404]).toContain(otherAdmin.status);
    const anonymous = await file.api.request<Json>('DELETE', path);
    expect(anonymous.status).toBe(401);
    expect((await validate(a.tenantId, [tuple])).devices.map((d) => d.errorNumber)).toEqual([806]);

    const admin = await file.api.request<Json>('DELETE', path, { token: await file.api.userToken(a.admin) });
    expect(admin.status).toBe(204);
    expect((await validate(a.tenantId, [tuple])).devices.map((d) => d.status)).toEqual(['valid']);
    const audit = (await auditOf(CONTOSO)).filter(
      (e) => e.type === 'DeviceDeregistered' && e.details.deviceId === deviceId,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor.kind).not.toBe('partner');
  });
});
