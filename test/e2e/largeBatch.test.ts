import { ApiClient } from '../support/apiClient';
import type { DeviceItem, Json } from '../support/batchHelpers';
import {
  batchPath,
  giveConsent,
  isFinal,
  newBatchId,
  pkidDevices,
  submitAccepted,
  waitForBatch,
} from '../support/batchHelpers';
import type { LocalHostProcess } from '../support/localHostProcess';
import { startLocalHostProcess } from '../support/localHostProcess';

/** The largest batch the contract allows, 100,000 product keys, through the local host. */
const CONTOSO = 'contoso-direct';
const TOTAL = 100_000;

let host: LocalHostProcess | undefined;

beforeAll(async () => {
  host = await startLocalHostProcess();
}, 90_000);

afterAll(async () => {
  await host?.stop();
});

it(
  'when 100,000 product keys are submitted to a consented tenant, then every one is registered',
  async () => {
    const api = new ApiClient(host!.baseUrl);
    const token = await api.partnerToken(CONTOSO);
    const tenant = await api.newTenant();
    await giveConsent(api, token, tenant.admin);
    const devices = pkidDevices(TOTAL);
    const batchId = newBatchId('large');
    const body = { batchId, devices };
    console.log(`large batch: body ${(JSON.stringify(body).length / 1e6).toFixed(1)} MB`);

    const t0 = Date.now();
    await submitAccepted(api, token, tenant.tenantId, body);
    const t1 = Date.now();
    let firstProgressAt = 0;
    const done = await waitForBatch(
      api,
      token,
      tenant.tenantId,
      batchId,
      (b) => {
        if (!firstProgressAt && b.registered > 0) firstProgressAt = Date.now();
        return isFinal(b);
      },
      14 * 60_000,
      1000,
    );
    const t2 = Date.now();
    console.log(
      `large batch: submission answered in ${((t1 - t0) / 1000).toFixed(1)} s; first devices registered after ` +
        `${((firstProgressAt - t0) / 1000).toFixed(1)} s; finished after ${((t2 - t0) / 1000).toFixed(1)} s ` +
        `(${Math.round(TOTAL / ((t2 - t1) / 1000))} devices/s after submission)`,
    );
    expect(done).toMatchObject({
      status: 'finished',
      progress: 100,
      total: TOTAL,
      registered: TOTAL,
      failed: 0,
    });
    expect(done.completedAt).not.toBeNull();

    const page = await api.request<{ items: DeviceItem[]; continuationToken: string | null } & Json>(
      'GET',
      `${batchPath(tenant.tenantId, batchId)}/devices`,
      { token },
    );
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1000);
    expect(page.body.items.map((d) => d.index)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(page.body.items.every((d) => d.status === 'registered')).toBe(true);
    expect(page.body.items[999]!.productKey).toBe(devices[999]!.productKey);
    expect(typeof page.body.continuationToken).toBe('string');

    const failed = await api.request<{ items: DeviceItem[]; continuationToken: string | null }>(
      'GET',
      `${batchPath(tenant.tenantId, batchId)}/devices?status=failed`,
      { token },
    );
    expect(failed.status).toBe(200);
    expect(failed.body.items).toEqual([]);
  },
  15 * 60_000,
);
