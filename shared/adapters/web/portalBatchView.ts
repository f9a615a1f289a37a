import type { z } from 'zod';
import type { BatchForPage } from '../../application/portal/portalAccess';
import type { PortalDevice } from '../../application/portal/portalBatchDevices';
import { toBatchStatus } from '../../contract/deviceBatchContract';
import type { PortalBatchProgress } from '../../contract/portalContract';
import type { DeviceBatch } from '../../domain/batches/deviceBatch';
import { TERMINAL_STATUSES } from '../../domain/batches/deviceBatch';
import type { DeviceOutcome } from '../../domain/batches/deviceOutcome';
import { DeviceOutcomeStatusSchema } from '../../domain/batches/deviceOutcome';
import type { DeviceInput } from '../../domain/devices';
import { DEVICE_ERROR_CODES, normalizeIdentifier } from '../../domain/devices';
import type { PortalDeviceQuerySchema } from './portalForms';
import { BATCH_STATUS_LABELS, batchPagePath, batchSummary } from './portalViews';

/**
 * A batch in the portal as its page (portalBatch.hbs), its progress bar's JSON and its failed-rows
 * download see it: what the use cases return, named and formatted. The handlers read, this file shapes.
 */
export function batchPageModel(
  visible: BatchForPage,
  customerDomain: string,
  page: { readonly items: readonly PortalDevice[]; readonly next: number | null },
  query: z.infer<typeof PortalDeviceQuerySchema>,
) {
  const { batch } = visible;
  const path = batchPagePath(batch);
  const filterQuery = new URLSearchParams();
  if (query.status) filterQuery.set('status', query.status);
  if (query.errorCode) filterQuery.set('errorCode', query.errorCode);
  const nextUrl = page.next === null ? '' : `${path}?${withFrom(filterQuery, page.next)}`;
  return {
    batch: batchSummary(visible),
    customerDomain,
    customerUrl: `/api/portal/customers/${batch.tenantId}`,
    statusUrl: `${path}/status`,
    failedRowsUrl: `${path}/failed.csv`,
    selfUrl: path,
    devices: page.items.map(({ outcome, submitted }) => ({
      row: outcome.index + 1,
      ...deviceShown(outcome, submitted),
      productKey: outcome.productKey ?? submitted.productKey ?? '',
      hasHash: Boolean(submitted.hardwareHash),
      status: outcome.status,
      errorCode: outcome.errorCode,
      errorNumber: outcome.errorNumber,
      errorDescription: outcome.errorDescription,
    })),
    filtered: Boolean(query.status ?? query.errorCode),
    statuses: DeviceOutcomeStatusSchema.options.map((value) => ({
      value,
      selected: value === query.status,
    })),
    errorCodes: DEVICE_ERROR_CODES.map((value) => ({ value, selected: value === query.errorCode })),
    nextUrl,
    firstUrl: query.from > 0 ? `${path}?${withFrom(filterQuery, 0)}` : '',
    from: query.from,
  };
}

/**
 * The serial number, make and model a row shows: the result's, else the row's as sent, else what its
 * hardware hash says; and the hash's device on a line of its own when it is another serial number (a
 * row refused for carrying another device's hash).
 */
function deviceShown(outcome: DeviceOutcome, submitted: DeviceInput) {
  const hash = outcome.hardwareHashDevice;
  const serialNumber = outcome.serialNumber ?? submitted.serialNumber ?? hash?.serialNumber ?? '';
  const otherSerial =
    hash?.serialNumber != null &&
    normalizeIdentifier(hash.serialNumber) !== normalizeIdentifier(serialNumber);
  // Another device's hash: its make and model are not this row's, and show on the hash's own line.
  const fromHash = otherSerial ? undefined : hash;
  return {
    serialNumber,
    manufacturer: outcome.manufacturer ?? submitted.oemManufacturerName ?? fromHash?.manufacturer ?? '',
    model: outcome.model ?? submitted.modelName ?? fromHash?.model ?? '',
    hashOfOther: otherSerial ? hash : null,
  };
}

/** The progress bar's JSON: the API's batch status, with the portal's label for it. */
export function batchProgressView(batch: DeviceBatch): PortalBatchProgress {
  return {
    ...toBatchStatus(batch),
    partnerId: batch.partnerId,
    statusLabel: BATCH_STATUS_LABELS[batch.status],
    final: TERMINAL_STATUSES.has(batch.status),
  };
}

function withFrom(filters: URLSearchParams, from: number): string {
  const query = new URLSearchParams(filters);
  if (from > 0) query.set('from', String(from));
  return query.toString();
}

/** A failed device as a row of the failed-rows download: the row as sent, and why it failed. */
export function failedRow({ outcome, submitted }: PortalDevice): { device: DeviceInput; error: string } {
  return {
    device: submitted,
    error: [
      `${outcome.errorCode ?? 'Failed'}${outcome.errorNumber === null ? '' : ` (${outcome.errorNumber})`}`,
      outcome.errorDescription ?? '',
    ]
      .filter(Boolean)
      .join(': '),
  };
}
