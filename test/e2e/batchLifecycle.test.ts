import { PARALLEL_CHUNKS } from '../../functions/orchestrations/deviceBatchOrchestration';
import { CHUNK_SIZE } from '../../shared/application/batches/batchDependencies';
import { ApiClient } from '../support/apiClient';
import type { BatchStatus } from '../support/batchHelpers';
import {
  countBy,
  getBatch,
  giveConsent,
  isFinal,
  listAllDevices,
  newBatchId,
  pkidDevices,
  revokeConsent,
  sleep,
  submitAccepted,
  validateAll,
  waitForBatch,
} from '../support/batchHelpers';
import type { LocalHostProcess } from '../support/localHostProcess';
import { startLocalHostProcess } from '../support/localHostProcess';

/**
 * A batch's life over HTTP: waiting for consent, starting when it comes, expiring when it does not,
 * and stopping when it is revoked. One host with the default consent deadline, one with 4 seconds.
 */
const CONTOSO = 'contoso-direct';
const FABRIKAM = 'fabrikam-distribution';
const NORTHWIND = 'northwind-reseller';
jest.setTimeout(300_000);

let host: LocalHostProcess;
let shortHost: LocalHostProcess;
let api: ApiClient;
let shortApi: ApiClient;
const tokens: Record<string, string> = {};
const shortTokens: Record<string, string> = {};

beforeAll(async () => {
  [host, shortHost] = await Promise.all([
    startLocalHostProcess(),
    startLocalHostProcess({ env: { CONSENT_DEADLINE: 'PT4S' } }),
  ]);
  api = new ApiClient(host.baseUrl);
  shortApi = new ApiClient(shortHost.baseUrl);
  for (const partnerId of [CONTOSO, FABRIKAM, NORTHWIND]) {
    tokens[partnerId] = await api.partnerToken(partnerId);
    shortTokens[partnerId] = await shortApi.partnerToken(partnerId);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([host?.stop(), shortHost?.stop()]);
});

const statusIs =
  (...statuses: string[]) =>
  (batch: BatchStatus) =>
    statuses.includes(batch.status);

describe('waiting for consent', () => {
  it('when a batch arrives before consent, then it awaits consent, and after Accept it finishes with every device registered', async () => {
    const tenant = await api.newTenant();
    const devices = pkidDevices(25);
    const batchId = newBatchId('early');
    const accepted = await submitAccepted(api, tokens[CONTOSO]!, tenant.tenantId, { batchId, devices });
    expect(['queued', 'awaiting_consent']).toContain(accepted.status);

    const waiting = await waitForBatch(
      api,
      tokens[CONTOSO]!,
      tenant.tenantId,
      batchId,
      (b) => b.status !== 'queued',
      30_000,
    );
    expect(waiting).toMatchObject({ status: 'awaiting_consent', progress: 0, registered: 0, total: 25 });
    expect(waiting.startedAt).toBeNull();
    const check = await validateAll(api, tokens[CONTOSO]!, tenant.tenantId, devices);
    expect(check.consent).toBe('none');
    expect(check.devices.every((d) => d.status === 'valid')).toBe(true);
    const pending = await listAllDevices(api, tokens[CONTOSO]!, tenant.tenantId, batchId);
    expect(countBy(pending.items, (d) => d.status)).toEqual({ pending: 25 });
    // Still waiting a moment later: nothing runs without consent.
    await sleep(1000);
    expect((await getBatch(api, tokens[CONTOSO]!, tenant.tenantId, batchId)).status).toBe('awaiting_consent');

    await giveConsent(api, tokens[CONTOSO]!, tenant.admin);
    const done = await waitForBatch(api, tokens[CONTOSO]!, tenant.tenantId, batchId, isFinal, 60_000);
    expect(done).toMatchObject({ status: 'finished', progress: 100, total: 25, registered: 25, failed: 0 });
    expect(done.startedAt).not.toBeNull();
    const { items } = await listAllDevices(api, tokens[CONTOSO]!, tenant.tenantId, batchId);
    expect(items.map((d) => [d.index, d.status])).toEqual(devices.map((_, i) => [i, 'registered']));
    const after = await validateAll(api, tokens[CONTOSO]!, tenant.tenantId, devices);
    expect(after.consent).toBe('active');
    expect(countBy(after.devices, (d) => d.errorCode)).toEqual({ ZtdDeviceAlreadyAssigned: 25 });
  });

  it('when consent does not come before the deadline, then the batch expires, registers nothing, and consent given later does not revive it', async () => {
    const tenant = await shortApi.newTenant();
    const devices = pkidDevices(10);
    const batchId = newBatchId('expiring');
    await submitAccepted(shortApi, shortTokens[CONTOSO]!, tenant.tenantId, { batchId, devices });
    const expired = await waitForBatch(
      shortApi,
      shortTokens[CONTOSO]!,
      tenant.tenantId,
      batchId,
      isFinal,
      60_000,
    );
    expect(expired).toMatchObject({ status: 'expired', registered: 0, total: 10 });
    expect(expired.completedAt).not.toBeNull();
    const { items } = await listAllDevices(shortApi, shortTokens[CONTOSO]!, tenant.tenantId, batchId);
    expect(items).toHaveLength(10);
    expect(items.filter((d) => d.status === 'registered')).toEqual([]);

    // Not in the registry: validate finds every device free.
    const check = await validateAll(shortApi, shortTokens[CONTOSO]!, tenant.tenantId, devices);
    expect(check.devices.map((d) => d.status)).toEqual(devices.map(() => 'valid'));

    // Consent after the deadline does not bring the expired batch back.
    await giveConsent(shortApi, shortTokens[CONTOSO]!, tenant.admin);
    await sleep(3000);
    const later = await getBatch(shortApi, shortTokens[CONTOSO]!, tenant.tenantId, batchId);
    expect(later).toMatchObject({ status: 'expired', registered: 0 });
    const stillFree = await validateAll(shortApi, shortTokens[CONTOSO]!, tenant.tenantId, devices);
    expect(stillFree.consent).toBe('active');
    expect(stillFree.devices.map((d) => d.status)).toEqual(devices.map(() => 'valid'));
  });

  it('when the fabrikam provider submits for a tenant of its reseller northwind, then it runs; a waiting one starts when the reseller link is accepted', async () => {
    const linked = await api.newTenant();
    await giveConsent(api, tokens[NORTHWIND]!, linked.admin);
    const direct = newBatchId('provider');
    await submitAccepted(api, tokens[FABRIKAM]!, linked.tenantId, {
      batchId: direct,
      devices: pkidDevices(5),
    });
    expect(
      await waitForBatch(api, tokens[FABRIKAM]!, linked.tenantId, direct, isFinal, 60_000),
    ).toMatchObject({ status: 'finished', registered: 5 });

    const later = await api.newTenant();
    const devices = pkidDevices(5);
    const waitingId = newBatchId('provider-waits');
    await submitAccepted(api, tokens[FABRIKAM]!, later.tenantId, { batchId: waitingId, devices });
    await waitForBatch(
      api,
      tokens[FABRIKAM]!,
      later.tenantId,
      waitingId,
      statusIs('awaiting_consent'),
      30_000,
    );
    expect((await validateAll(api, tokens[FABRIKAM]!, later.tenantId, devices)).consent).toBe('none');

    await giveConsent(api, tokens[NORTHWIND]!, later.admin);
    const done = await waitForBatch(api, tokens[FABRIKAM]!, later.tenantId, waitingId, isFinal, 60_000);
    expect(done).toMatchObject({ status: 'finished', registered: 5, failed: 0 });
    expect((await validateAll(api, tokens[FABRIKAM]!, later.tenantId, devices)).consent).toBe('active');
  });
});

describe('revocation', () => {
  it('when consent was given and then revoked, then a new batch waits and validate says revoked', async () => {
    const tenant = await api.newTenant();
    await giveConsent(api, tokens[CONTOSO]!, tenant.admin);
    await revokeConsent(api, CONTOSO, tenant.admin);

    const devices = pkidDevices(5);
    const check = await validateAll(api, tokens[CONTOSO]!, tenant.tenantId, devices);
    expect(check.consent).toBe('revoked');
    const batchId = newBatchId('after-revoke');
    await submitAccepted(api, tokens[CONTOSO]!, tenant.tenantId, { batchId, devices });
    await waitForBatch(api, tokens[CONTOSO]!, tenant.tenantId, batchId, (b) => b.status !== 'queued', 30_000);
    await sleep(1500);
    const batch = await getBatch(api, tokens[CONTOSO]!, tenant.tenantId, batchId);
    expect(batch).toMatchObject({ status: 'awaiting_consent', registered: 0 });
    const still = await validateAll(api, tokens[CONTOSO]!, tenant.tenantId, devices);
    expect(still.devices.map((d) => d.status)).toEqual(devices.map(() => 'valid'));
  });

  it("when an indirect reseller is revoked, then its provider's new batches wait too", async () => {
    const tenant = await api.newTenant();
    await giveConsent(api, tokens[NORTHWIND]!, tenant.admin);
    await revokeConsent(api, NORTHWIND, tenant.admin);
    const devices = pkidDevices(3);
    expect((await validateAll(api, tokens[FABRIKAM]!, tenant.tenantId, devices)).consent).toBe('revoked');
    const batchId = newBatchId('provider-after-revoke');
    await submitAccepted(api, tokens[FABRIKAM]!, tenant.tenantId, { batchId, devices });
    await waitForBatch(
      api,
      tokens[FABRIKAM]!,
      tenant.tenantId,
      batchId,
      (b) => b.status !== 'queued',
      30_000,
    );
    await sleep(1500);
    expect(await getBatch(api, tokens[FABRIKAM]!, tenant.tenantId, batchId)).toMatchObject({
      status: 'awaiting_consent',
      registered: 0,
    });
  });

  it('when consent is revoked while a batch of three rounds of chunks runs, then it is canceled and nothing more is registered', async () => {
    const tenant = await api.newTenant();
    await giveConsent(api, tokens[CONTOSO]!, tenant.admin);
    // Enough chunks that some are still to start when the first progress shows.
    const total = 3 * PARALLEL_CHUNKS * CHUNK_SIZE;
    const devices = pkidDevices(total);
    const batchId = newBatchId('revoked-mid-run');
    await submitAccepted(api, tokens[CONTOSO]!, tenant.tenantId, { batchId, devices });

    const running = await waitForBatch(
      api,
      tokens[CONTOSO]!,
      tenant.tenantId,
      batchId,
      (b) => (b.status === 'processing' && b.registered > 0) || isFinal(b),
      120_000,
      50,
    );
    expect(running.status).toBe('processing');
    await revokeConsent(api, CONTOSO, tenant.admin);

    const canceled = await waitForBatch(api, tokens[CONTOSO]!, tenant.tenantId, batchId, isFinal, 120_000);
    expect(canceled.status).toBe('canceled');
    expect(canceled.registered).toBeLessThan(total);
    expect(canceled.registered).toBeGreaterThanOrEqual(running.registered);
    expect(canceled.completedAt).not.toBeNull();

    // Once canceled, nothing grows: the batch's count and the per-device list stay put.
    const countRegistered = async () =>
      (await listAllDevices(api, tokens[CONTOSO]!, tenant.tenantId, batchId)).items.filter(
        (d) => d.status === 'registered',
      );
    const listed1 = await countRegistered();
    await sleep(3000);
    const listed2 = await countRegistered();
    await sleep(3000);
    const listed3 = await countRegistered();
    const final = await getBatch(api, tokens[CONTOSO]!, tenant.tenantId, batchId);
    expect(final.registered).toBe(canceled.registered);
    expect(listed2.length).toBe(listed1.length);
    expect(listed3.length).toBe(listed1.length);

    // The list, the batch's count and the registry agree: what the registry holds for this tenant is
    // exactly what the list calls registered, and that is what the batch counted when it was canceled.
    // Without consent validate checks only each device's form (it is no ownership oracle), so the
    // registry is read with consent given again; the canceled batch stays canceled.
    expect((await validateAll(api, tokens[CONTOSO]!, tenant.tenantId, devices)).consent).toBe('revoked');
    await giveConsent(api, tokens[CONTOSO]!, tenant.admin);
    const check = await validateAll(api, tokens[CONTOSO]!, tenant.tenantId, devices);
    expect(check.consent).toBe('active');
    expect((await getBatch(api, tokens[CONTOSO]!, tenant.tenantId, batchId)).status).toBe('canceled');
    const inRegistry = check.devices.filter((d) => d.errorNumber === 806).map((d) => d.index);
    const listedIndexes = listed3.map((d) => d.index);
    expect(countBy(check.devices, (d) => d.errorCode)).toEqual(
      inRegistry.length === total
        ? { ZtdDeviceAlreadyAssigned: total }
        : { null: total - inRegistry.length, ZtdDeviceAlreadyAssigned: inRegistry.length },
    );
    expect(inRegistry).toEqual(listedIndexes);
    // Chunks in flight when the revocation lands either keep devices claimed before it and are counted,
    // or give their claims back: the canceled count is final and matches the registry. (Before a6b6bc7,
    // in-flight chunks registered after `canceled` was recorded: 6000 held against a count of 4000.)
    expect(listedIndexes.length).toBe(canceled.registered);
    console.log(
      `revocation mid-run: registered ${running.registered} when revoked, ${canceled.registered} at cancellation, ` +
        `${listedIndexes.length} in the list and registry (of ${total})`,
    );
  });
});
