import { ApiClient } from '../support/apiClient';
import {
  countBy,
  giveConsent,
  isFinal,
  listAllDevices,
  newBatchId,
  pkidDevices,
  submitAccepted,
  validateAll,
  waitForBatch,
} from '../support/batchHelpers';
import type { LocalHostProcess } from '../support/localHostProcess';
import { startLocalHostProcess } from '../support/localHostProcess';

/**
 * A host killed (SIGKILL) in the middle of a 30,000-device batch: a second host on the same data picks
 * the orchestration up and finishes it, with every device registered exactly once.
 */
const CONTOSO = 'contoso-direct';
const TOTAL = 30_000;

let hostA: LocalHostProcess | undefined;
let hostB: LocalHostProcess | undefined;

afterAll(async () => {
  await hostA?.kill();
  await hostB?.stop();
});

it('when the host is killed mid-batch and another starts on the same data, then the batch finishes with every device registered exactly once', async () => {
  hostA = await startLocalHostProcess();
  const apiA = new ApiClient(hostA.baseUrl);
  const tenant = await apiA.newTenant();
  await giveConsent(apiA, await apiA.partnerToken(CONTOSO), tenant.admin);
  const devices = pkidDevices(TOTAL);
  const batchId = newBatchId('restart');
  const tokenA = await apiA.partnerToken(CONTOSO);
  await submitAccepted(apiA, tokenA, tenant.tenantId, { batchId, devices });

  const midway = await waitForBatch(
    apiA,
    tokenA,
    tenant.tenantId,
    batchId,
    (b) => (b.status === 'processing' && b.progress > 0) || isFinal(b),
    180_000,
    50,
  );
  expect(midway.status).toBe('processing');
  expect(midway.progress).toBeGreaterThan(0);
  expect(midway.progress).toBeLessThan(100);
  await hostA.kill();

  hostB = await startLocalHostProcess({ tablePrefix: hostA.tablePrefix });
  const apiB = new ApiClient(hostB.baseUrl);
  const tokenB = await apiB.partnerToken(CONTOSO);
  const done = await waitForBatch(apiB, tokenB, tenant.tenantId, batchId, isFinal, 600_000, 500);
  console.log(
    `restart: killed at progress ${midway.progress} (${midway.registered} registered); ` +
      `host B finished with ${done.registered} registered, ${done.failed} failed`,
  );
  expect(done).toMatchObject({
    status: 'finished',
    progress: 100,
    total: TOTAL,
    registered: TOTAL,
    failed: 0,
  });

  const { items } = await listAllDevices(apiB, tokenB, tenant.tenantId, batchId);
  expect(items).toHaveLength(TOTAL);
  expect(items.every((d, i) => d.index === i)).toBe(true);
  expect(countBy(items, (d) => d.status)).toEqual({ registered: TOTAL });
  expect(items.every((d, i) => d.productKey === devices[i]!.productKey)).toBe(true);

  const check = await validateAll(apiB, tokenB, tenant.tenantId, devices, 10_000);
  expect(check.devices).toHaveLength(TOTAL);
  expect(countBy(check.devices, (d) => d.errorCode)).toEqual({ ZtdDeviceAlreadyAssigned: TOTAL });
}, 900_000);
