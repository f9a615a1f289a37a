import { randomInt, randomUUID } from 'node:crypto';
import type { ApiClient, ApiResponse } from './apiClient';
import type { HardwareHashDevice } from '../../shared/domain/devices';

/** Helpers for the device-batch end-to-end tests: consent, submission, polling and paging over HTTP. */
export type Json = Record<string, any>;

export interface BatchStatus {
  batchId: string;
  status: string;
  progress: number;
  total: number;
  registered: number;
  failed: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

export interface DeviceItem {
  index: number;
  deviceId: string | null;
  serialNumber: string | null;
  productKey: string | null;
  status: 'registered' | 'failed' | 'pending';
  errorCode: string | null;
  errorNumber: number | null;
  errorDescription: string | null;
  hardwareHashDevice: HardwareHashDevice | null;
  deregisteredAt: string | null;
}

export interface DeviceCheck {
  index: number;
  status: 'valid' | 'invalid';
  errorCode: string | null;
  errorNumber: number | null;
  errorDescription: string | null;
  hardwareHashDevice: HardwareHashDevice | null;
}

export const FINAL_STATUSES = ['finished', 'finished_with_errors', 'expired', 'canceled'];

const PKID_SALT = String(randomInt(10_000, 100_000));
let pkidCounter = 0;

/**
 * `count` product key IDs (13 digits) never handed out before in this process: a random 5-digit salt per
 * process, then an 8-digit counter, so that tests sharing a host never collide.
 */
export function newPkids(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`${PKID_SALT}${String(pkidCounter++).padStart(8, '0')}`);
  return out;
}

export const pkidDevices = (count: number): { productKey: string }[] =>
  newPkids(count).map((productKey) => ({ productKey }));

/** A serial/manufacturer/model tuple nobody else uses. */
export function newTuple(): { serialNumber: string; oemManufacturerName: string; modelName: string } {
  return {
    serialNumber: `SN-${randomUUID().slice(0, 18)}`,
    oemManufacturerName: 'Contoso Hardware',
    modelName: 'Surface-ish 9',
  };
}

export const newBatchId = (label = 'b'): string => `${label}-${randomUUID()}`;

export const batchesPath = (tenantId: string): string => `/api/v1/customers/${tenantId}/deviceBatches`;
export const batchPath = (tenantId: string, batchId: string): string =>
  `${batchesPath(tenantId)}/${encodeURIComponent(batchId)}`;

/** The customer accepts `partnerToken`'s reseller-relationship link as its Global Administrator. */
export async function giveConsent(api: ApiClient, partnerToken: string, adminUpn: string): Promise<void> {
  const invitation = await api.request<Json>('POST', '/api/v1/invitations', {
    token: partnerToken,
    json: { kind: 'reseller-relationship' },
  });
  if (invitation.status !== 201 && invitation.status !== 200)
    throw new Error(`invitation: ${invitation.status} ${invitation.text}`);
  const accepted = await api.request<Json>('POST', invitation.body.url as string, {
    token: await api.userToken(adminUpn),
    form: { consent: 'yes' },
    headers: { accept: 'application/json' },
  });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${accepted.text}`);
}

/** The tenant's Global Administrator revokes the partner. */
export async function revokeConsent(api: ApiClient, partnerId: string, adminUpn: string): Promise<void> {
  const res = await api.request<Json>('DELETE', `/api/v1/tenant/partners/${partnerId}`, {
    token: await api.userToken(adminUpn),
  });
  if (res.status !== 200 && res.status !== 204) throw new Error(`revoke: ${res.status} ${res.text}`);
}

export function submitBatch(
  api: ApiClient,
  token: string,
  tenantId: string,
  body: unknown,
): Promise<ApiResponse<Json>> {
  return api.request<Json>('POST', batchesPath(tenantId), { token, json: body });
}

/** Submits and insists on 202. */
export async function submitAccepted(
  api: ApiClient,
  token: string,
  tenantId: string,
  body: { batchId: string; devices: unknown[] },
): Promise<Json> {
  const res = await submitBatch(api, token, tenantId, body);
  if (res.status !== 202) throw new Error(`submit: ${res.status} ${res.text.slice(0, 2000)}`);
  return res.body;
}

export async function getBatch(
  api: ApiClient,
  token: string,
  tenantId: string,
  batchId: string,
): Promise<BatchStatus> {
  const res = await api.request<BatchStatus>('GET', batchPath(tenantId, batchId), { token });
  if (res.status !== 200) throw new Error(`get batch: ${res.status} ${res.text}`);
  return res.body;
}

/** Polls the batch's status until `predicate` holds; fails with the last status seen after `timeoutMs`. */
export async function waitForBatch(
  api: ApiClient,
  token: string,
  tenantId: string,
  batchId: string,
  predicate: (batch: BatchStatus) => boolean,
  timeoutMs: number,
  intervalMs = 200,
): Promise<BatchStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: BatchStatus | undefined;
  for (;;) {
    const res = await api.request<BatchStatus>('GET', batchPath(tenantId, batchId), { token });
    // A poller does what a 503's Retry-After asks: storage (Azurite busy with the batch's own writes,
    // on a loaded machine) did not answer within the request's budget; the next poll asks again.
    if (res.status === 503 && res.headers.has('retry-after')) {
      if (Date.now() > deadline) throw new Error(`Batch ${batchId}: storage unavailable until the deadline`);
      await sleep(intervalMs);
      continue;
    }
    if (res.status !== 200) throw new Error(`get batch: ${res.status} ${res.text}`);
    last = res.body;
    if (predicate(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(
        `Batch ${batchId} did not reach the expected state in ${timeoutMs} ms: ${JSON.stringify(last)}`,
      );
    }
    await sleep(intervalMs);
  }
}

export const isFinal = (batch: BatchStatus): boolean => FINAL_STATUSES.includes(batch.status);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every device of the batch, following continuationToken to the end. */
export async function listAllDevices(
  api: ApiClient,
  token: string,
  tenantId: string,
  batchId: string,
  query: { status?: string; pageSize?: number } = {},
): Promise<{ items: DeviceItem[]; pages: number }> {
  const items: DeviceItem[] = [];
  let continuationToken: string | null = null;
  let pages = 0;
  do {
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.pageSize) params.set('pageSize', String(query.pageSize));
    if (continuationToken) params.set('continuationToken', continuationToken);
    const res: ApiResponse<{ items: DeviceItem[]; continuationToken: string | null }> = await api.request(
      'GET',
      `${batchPath(tenantId, batchId)}/devices?${params.toString()}`,
      { token },
    );
    if (res.status !== 200) throw new Error(`list devices: ${res.status} ${res.text}`);
    items.push(...res.body.items);
    continuationToken = res.body.continuationToken;
    pages++;
    if (pages > 100_000) throw new Error('list devices: the continuation tokens never end');
  } while (continuationToken);
  return { items, pages };
}

/** Validates devices in chunks of at most `chunkSize`; indexes in the result are global. */
export async function validateAll(
  api: ApiClient,
  token: string,
  tenantId: string,
  devices: readonly unknown[],
  chunkSize = 10_000,
): Promise<{ consent: string; devices: DeviceCheck[] }> {
  const checks: DeviceCheck[] = [];
  let consent = '';
  for (let start = 0; start < devices.length; start += chunkSize) {
    const res = await api.request<{ consent: { status: string }; devices: DeviceCheck[] }>(
      'POST',
      `${batchesPath(tenantId)}/validate`,
      { token, json: { devices: devices.slice(start, start + chunkSize) } },
    );
    if (res.status !== 200) throw new Error(`validate: ${res.status} ${res.text.slice(0, 2000)}`);
    consent = res.body.consent.status;
    checks.push(...res.body.devices.map((d) => ({ ...d, index: d.index + start })));
  }
  return { consent, devices: checks };
}

export function countBy<T>(items: readonly T[], key: (item: T) => string | null): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const k = String(key(item));
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}
