import type { RunningAzurite } from '../../infra/local/azurite';
import { startAzurite } from '../../infra/local/azurite';
import type { ApiResponse } from '../support/apiClient';
import { ApiClient } from '../support/apiClient';
import type { Json } from '../support/batchHelpers';
import {
  batchPath,
  countBy,
  giveConsent,
  isFinal,
  listAllDevices,
  newBatchId,
  pkidDevices,
  submitAccepted,
  submitBatch,
  validateAll,
  waitForBatch,
} from '../support/batchHelpers';
import type { LocalHostProcess } from '../support/localHostProcess';
import { startLocalHostProcess } from '../support/localHostProcess';

/**
 * Storage stops answering in the middle of a batch: the test's own Azurite (so that it owns the pid) is
 * paused with SIGSTOP, as a storage that accepts connections and never answers, then resumed with
 * SIGCONT. While it is paused, reads and writes answer 503 StorageUnavailable with Retry-After within
 * the 10 s, and health answers 503; afterwards the batch finishes with every device registered
 * exactly once, and the write refused during the pause, sent again, completes whole.
 */
const CONTOSO = 'contoso-direct';
const TOTAL = 20_000;
/** The bound for an answer while storage does not answer (the request budget is 8 s). */
const ANSWER_WITHIN_MS = 10_000;

let azurite: RunningAzurite | undefined;
let host: LocalHostProcess | undefined;
let paused: number | undefined;

afterAll(async () => {
  // Never leave an Azurite stopped behind, whatever failed.
  if (paused !== undefined) process.kill(paused, 'SIGCONT');
  await host?.stop();
  await azurite?.stop();
});

/** One request that must be answered within the bound; a request still unanswered then fails the test. */
async function answered(label: string, send: () => Promise<ApiResponse<Json>>): Promise<ApiResponse<Json>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label}: no answer within ${ANSWER_WITHIN_MS} ms while storage was paused`)),
      ANSWER_WITHIN_MS,
    );
  });
  try {
    return await Promise.race([send(), late]);
  } finally {
    clearTimeout(timer);
  }
}

function expectStorageUnavailable(res: ApiResponse<Json>): void {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status: 503, code: 'StorageUnavailable' });
}

it('when storage stops answering in the middle of a batch, then reads and writes answer 503 with Retry-After, health answers 503, and afterwards the batch finishes with every device registered exactly once', async () => {
  azurite = await startAzurite();
  host = await startLocalHostProcess({ env: { STORAGE_CONNECTION_STRING: azurite.connectionString } });
  const api = new ApiClient(host.baseUrl);
  const tenant = await api.newTenant();
  const token = await api.partnerToken(CONTOSO);
  await giveConsent(api, token, tenant.admin);
  const devices = pkidDevices(TOTAL);
  const batchId = newBatchId('outage');
  await submitAccepted(api, token, tenant.tenantId, { batchId, devices });
  const midway = await waitForBatch(
    api,
    token,
    tenant.tenantId,
    batchId,
    (b) => (b.status === 'processing' && b.progress > 0) || isFinal(b),
    300_000,
    50,
  );
  expect(midway.status).toBe('processing');

  const late = { batchId: newBatchId('during'), devices: pkidDevices(10) };
  const pid = azurite.pid;
  if (pid === undefined) throw new Error('Azurite has no pid');
  let read: ApiResponse<Json>, health: ApiResponse<Json>, write: ApiResponse<Json>;
  process.kill(pid, 'SIGSTOP');
  paused = pid;
  try {
    [read, health, write] = await Promise.all([
      answered('status read', () => api.request<Json>('GET', batchPath(tenant.tenantId, batchId), { token })),
      answered('health', () => api.request<Json>('GET', '/api/health')),
      answered('batch submission', () => submitBatch(api, token, tenant.tenantId, late)),
    ]);
  } finally {
    process.kill(pid, 'SIGCONT');
    paused = undefined;
  }
  expectStorageUnavailable(read);
  expectStorageUnavailable(write);
  expect(health.status).toBe(503);
  expect(health.headers.get('retry-after')).toMatch(/^\d+$/);

  const done = await waitForBatch(api, token, tenant.tenantId, batchId, isFinal, 600_000, 500);
  expect(done).toMatchObject({ status: 'finished', total: TOTAL, registered: TOTAL, failed: 0 });
  const { items } = await listAllDevices(api, token, tenant.tenantId, batchId);
  expect(items).toHaveLength(TOTAL);
  expect(countBy(items, (d) => d.status)).toEqual({ registered: TOTAL });
  expect(new Set(items.map((d) => d.productKey)).size).toBe(TOTAL);
  const check = await validateAll(api, token, tenant.tenantId, devices, 10_000);
  expect(countBy(check.devices, (d) => d.errorCode)).toEqual({ ZtdDeviceAlreadyAssigned: TOTAL });

  expect((await api.request<Json>('GET', '/api/health')).status).toBe(200);
  // The submission refused during the pause, sent again (its batchId is the idempotency key), completes whole.
  const again = await submitBatch(api, token, tenant.tenantId, late);
  expect([200, 202]).toContain(again.status);
  const lateDone = await waitForBatch(api, token, tenant.tenantId, late.batchId, isFinal, 300_000, 500);
  expect(lateDone).toMatchObject({ status: 'finished', total: 10, registered: 10, failed: 0 });
}, 1_200_000);
