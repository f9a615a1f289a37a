import { createHash } from 'node:crypto';
import type { DeviceBatch } from '../../domain/batches/deviceBatch';
import type { DeviceOutcome } from '../../domain/batches/stagedDevice';
import { DomainError, conflict, invalid, notFound } from '../../domain/domainError';
import type { PartnerClient, PartnerPrincipal } from '../../domain/identity/principal';
import { assertMayUseDeviceApi } from '../../domain/partners/partnerRules';
import type { BatchDependencies } from '../batches/batchDependencies';
import { assertDeviceId, deregisterDevice } from '../batches/deregisterDevice';
import { getDeviceBatch, listBatchDevices } from '../batches/readDeviceBatch';
import { submitDeviceBatch } from '../batches/submitDeviceBatch';
import { derivedId } from '../invitations/createInvitation';
import { partnerOf } from '../partnerOf';
import { VersionConflict } from '../ports/versioned';
import type { PartnerCenterStore, PcBatchRecord, PcUploadRecord } from './partnerCenterStore';
import type { PcDeviceStatus } from './partnerCenterStatus';
import { pcDeviceStatus } from './partnerCenterStatus';

/**
 * The Partner Center–compatible device batches, on the same use cases as this service's own API: every
 * upload (a batch's creation, and each later addition of devices) is one submission through
 * submitDeviceBatch, under batchId `pc-<trackingId>`, so consent, ownership, validation and idempotency
 * are exactly those of the API. What is kept here is only how uploads make up a named batch.
 */
export interface PartnerCenterDependencies extends BatchDependencies {
  readonly partnerCenter: PartnerCenterStore;
}

/** Our batchId of an upload: within BATCH_ID_PATTERN, and never one a partner's own API batch can take by accident. */
export const uploadBatchId = (trackingId: string): string => `pc-${trackingId}`;

/** A batch name's identity: Unicode-normalised and case-folded, hashed to a fixed-length key. */
export const batchNameKey = (name: string): string =>
  createHash('sha256').update(name.normalize('NFC').toLowerCase()).digest('hex');

const fingerprintOf = (devices: readonly unknown[]): string =>
  createHash('sha256').update(JSON.stringify(devices)).digest('hex');

async function devicePartner(deps: PartnerCenterDependencies, principal: PartnerClient) {
  const partner = await partnerOf(deps, principal);
  // Refused before anything is written (submitDeviceBatch refuses too, but after the batch's record).
  assertMayUseDeviceApi(partner);
  return partner;
}

const batchMissing = (name: string, tenantId: string) =>
  notFound(
    'DeviceBatchNotFound',
    `No device batch named "${name}" of yours exists for customer ${tenantId}. Create it with POST /v1/customers/${tenantId}/deviceBatches.`,
  );

/**
 * Creates a named batch with its first devices; answers the upload's tracking ID. The same creation again
 * (same name, same devices) is the same upload; the name with other devices is a conflict, as a batchId is
 * on the API (add devices to an existing batch with addDevices).
 */
export async function createBatch(
  deps: PartnerCenterDependencies,
  principal: PartnerClient,
  tenantId: string,
  body: { readonly name: string; readonly devices: readonly unknown[] },
): Promise<string> {
  const partner = await devicePartner(deps, principal);
  const nameKey = batchNameKey(body.name);
  const fingerprint = fingerprintOf(body.devices);
  let record = await deps.partnerCenter.getBatch(tenantId, partner.id, nameKey);
  if (!record) {
    const created: PcBatchRecord = {
      tenantId,
      partnerId: partner.id,
      nameKey,
      name: body.name,
      createdAt: deps.clock.now().toISOString(),
      creationTrackingId: deps.newId(),
      creationFingerprint: fingerprint,
    };
    try {
      await deps.partnerCenter.createBatch(created);
      record = created;
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      // The same name was created at the same moment: the first one stands.
      record = await deps.partnerCenter.getBatch(tenantId, partner.id, nameKey);
      if (!record) throw error;
    }
  }
  if (record.creationFingerprint !== fingerprint) {
    throw conflict(
      'DeviceBatchAlreadyExists',
      `A device batch named "${record.name}" already exists for this customer with other devices. Add devices to it with POST /v1/customers/${tenantId}/deviceBatches/{batch-id}/devices, or choose another name.`,
    );
  }
  // Recorded before the submission: an upload whose submission never happened reads as no devices, and
  // the creation's retry (which finds the record) submits it.
  await upload(
    deps,
    principal,
    {
      tenantId,
      partnerId: partner.id,
      nameKey,
      trackingId: record.creationTrackingId,
      createdAt: record.createdAt,
      total: body.devices.length,
    },
    body.devices,
  );
  return record.creationTrackingId;
}

/**
 * Adds devices to an existing batch as a new upload; answers its tracking ID. With a request ID (the
 * MS-RequestId header) the tracking ID derives from it and the devices, so a retry that arrives while the
 * first is still running submits the same upload rather than a second one.
 */
export async function addDevices(
  deps: PartnerCenterDependencies,
  principal: PartnerClient,
  tenantId: string,
  name: string,
  devices: readonly unknown[],
  requestId?: string,
): Promise<string> {
  const partner = await devicePartner(deps, principal);
  const record = await deps.partnerCenter.getBatch(tenantId, partner.id, batchNameKey(name));
  if (!record) throw batchMissing(name, tenantId);
  const trackingId =
    requestId === undefined
      ? deps.newId()
      : derivedId(
          `pc-upload|${partner.id}|${tenantId}|${record.nameKey}|${requestId}|${fingerprintOf(devices)}`,
        );
  await upload(
    deps,
    principal,
    {
      tenantId,
      partnerId: partner.id,
      nameKey: record.nameKey,
      trackingId,
      createdAt: deps.clock.now().toISOString(),
      total: devices.length,
    },
    devices,
  );
  return trackingId;
}

async function upload(
  deps: PartnerCenterDependencies,
  principal: PartnerClient,
  record: PcUploadRecord,
  devices: readonly unknown[],
): Promise<void> {
  await deps.partnerCenter.addUpload(record);
  await submitDeviceBatch(deps, principal, 'api', record.tenantId, {
    batchId: uploadBatchId(record.trackingId),
    devices: [...devices],
  });
}

async function namedBatch(
  deps: PartnerCenterDependencies,
  principal: PartnerPrincipal,
  tenantId: string,
  name: string,
): Promise<{ record: PcBatchRecord; uploads: PcUploadRecord[] }> {
  const partner = await partnerOf(deps, principal);
  const record = await deps.partnerCenter.getBatch(tenantId, partner.id, batchNameKey(name));
  if (!record) throw batchMissing(name, tenantId);
  return { record, uploads: await deps.partnerCenter.listUploads(tenantId, partner.id, record.nameKey) };
}

/** The batch behind an upload, or undefined when its submission never happened (see createBatch). */
async function uploadBatch(
  deps: PartnerCenterDependencies,
  upload: PcUploadRecord,
): Promise<DeviceBatch | undefined> {
  const found = await deps.batches.get({
    tenantId: upload.tenantId,
    partnerId: upload.partnerId,
    batchId: uploadBatchId(upload.trackingId),
  });
  return found?.value;
}

export interface PcBatchSummary {
  readonly name: string;
  readonly createdAt: string;
  /** Devices the batch's uploads registered. */
  readonly devicesCount: number;
}

/** The partner's batches for the tenant, oldest first. */
export async function listBatches(
  deps: PartnerCenterDependencies,
  principal: PartnerPrincipal,
  tenantId: string,
): Promise<PcBatchSummary[]> {
  const partner = await partnerOf(deps, principal);
  const records = await deps.partnerCenter.listBatches(tenantId, partner.id);
  return Promise.all(
    records.map(async (record) => {
      const uploads = await deps.partnerCenter.listUploads(tenantId, partner.id, record.nameKey);
      const batches = await Promise.all(uploads.map((u) => uploadBatch(deps, u)));
      const devicesCount = batches.reduce((sum, b) => sum + (b?.registered ?? 0), 0);
      return { name: record.name, createdAt: record.createdAt, devicesCount };
    }),
  );
}

export interface PcUploadStatus {
  readonly batch: DeviceBatch;
  readonly devices: { readonly outcome: DeviceOutcome; readonly status: PcDeviceStatus }[];
}

const ALL_DEVICES_PAGE = 10_000;

/** An upload's status and every device's outcome in it (the partner's own uploads only). */
export async function uploadStatus(
  deps: PartnerCenterDependencies,
  principal: PartnerPrincipal,
  tenantId: string,
  trackingId: string,
): Promise<PcUploadStatus> {
  let batch: DeviceBatch;
  try {
    batch = await getDeviceBatch(deps, principal, tenantId, uploadBatchId(trackingId));
  } catch (error) {
    if (!(error instanceof DomainError && error.kind === 'notFound')) throw error;
    throw notFound(
      'BatchTrackingIdNotFound',
      `No upload with tracking ID ${trackingId} of yours exists for customer ${tenantId}.`,
    );
  }
  const devices: PcUploadStatus['devices'] = [];
  let continuationToken: string | undefined;
  do {
    const page = await listBatchDevices(deps, principal, tenantId, batch.batchId, {
      pageSize: ALL_DEVICES_PAGE,
      continuationToken,
    });
    for (const outcome of page.items) devices.push({ outcome, status: pcDeviceStatus(outcome, batch) });
    continuationToken = page.continuationToken ?? undefined;
  } while (continuationToken);
  return { batch, devices };
}

export const DEVICE_PAGE_SIZE = 100;

export interface PcDevicePage {
  readonly items: { readonly outcome: DeviceOutcome; readonly uploadedDate: string }[];
  readonly continuationToken: string | null;
}

interface PageCursor {
  /** The upload to go on in. */
  readonly t: string;
  /** That upload's own continuation token, or null to start it from its first device. */
  readonly c: string | null;
}

/**
 * A batch's devices that are registered, upload after upload, in pages of 100. The token names the upload
 * and the position in it, so uploads added between two pages are read after the ones before them.
 */
export async function listDevices(
  deps: PartnerCenterDependencies,
  principal: PartnerPrincipal,
  tenantId: string,
  name: string,
  token: string | undefined,
): Promise<PcDevicePage> {
  const { uploads } = await namedBatch(deps, principal, tenantId, name);
  const cursor = decodeCursor(token);
  let at = 0;
  if (cursor) {
    at = uploads.findIndex((u) => u.trackingId === cursor.t);
    if (at < 0) throw badToken();
  }
  let inner = cursor?.c ?? undefined;
  const items: PcDevicePage['items'] = [];
  for (; at < uploads.length; at++, inner = undefined) {
    const upload = uploads[at]!;
    if (!(await uploadBatch(deps, upload))) continue;
    do {
      const page = await listBatchDevices(deps, principal, tenantId, uploadBatchId(upload.trackingId), {
        status: 'registered',
        pageSize: DEVICE_PAGE_SIZE - items.length,
        continuationToken: inner,
      });
      for (const outcome of page.items) {
        // A deregistered device is no longer in the batch.
        if (outcome.deviceId && !outcome.deregisteredAt)
          items.push({ outcome, uploadedDate: upload.createdAt });
      }
      inner = page.continuationToken ?? undefined;
      if (items.length === DEVICE_PAGE_SIZE) {
        const next: PageCursor | undefined = inner
          ? { t: upload.trackingId, c: inner }
          : uploads[at + 1] && { t: uploads[at + 1]!.trackingId, c: null };
        return { items, continuationToken: next ? encodeCursor(next) : null };
      }
    } while (inner);
  }
  return { items, continuationToken: null };
}

const encodeCursor = (cursor: PageCursor): string =>
  Buffer.from(JSON.stringify(cursor)).toString('base64url');

const badToken = () =>
  invalid(
    'InvalidContinuationToken',
    'The MS-ContinuationToken is not one this API returned for this batch.',
    {
      field: 'MS-ContinuationToken',
    },
  );

function decodeCursor(token: string | undefined): PageCursor | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<PageCursor>;
    if (typeof parsed.t === 'string' && (parsed.c === null || typeof parsed.c === 'string'))
      return { t: parsed.t, c: parsed.c };
  } catch {
    // refused below
  }
  throw badToken();
}

/**
 * Deregisters a device of the batch (the partner's own): it is then free for any tenant. A device the
 * batch did not register is not found, as one of another partner is.
 */
export async function deleteDevice(
  deps: PartnerCenterDependencies,
  principal: PartnerPrincipal,
  tenantId: string,
  name: string,
  deviceId: string,
): Promise<void> {
  assertDeviceId(deviceId);
  const { uploads } = await namedBatch(deps, principal, tenantId, name);
  const owner = await deps.registry.find(deviceId);
  const ours = new Set(uploads.map((u) => uploadBatchId(u.trackingId)));
  if (!owner || !ours.has(owner.batchId)) {
    throw notFound('DeviceNotFound', `No device ${deviceId} is registered in batch "${name}" of yours.`);
  }
  await deregisterDevice(deps, principal, tenantId, deviceId);
}
