import { createHash } from 'node:crypto';
import type { DeviceBatch } from '../../domain/batches/deviceBatch';
import type { HardwareHashDevice } from '../../domain/devices';
import { gone, invalid } from '../../domain/domainError';
import type { PartnerUser } from '../../domain/identity/principal';
import type { ConsentStatus } from '../batches/consentStatus';
import { submitDeviceBatch } from '../batches/submitDeviceBatch';
import { validateDeviceBatch } from '../batches/validateDeviceBatch';
import { partnerOf } from '../partnerOf';
import type { PortalDependencies } from './portalDependencies';
import type { StagedUpload } from './stagedUploads';

/**
 * The portal's two-step CSV upload. "Check" reads the file, validates every device (consent, format,
 * duplicates, devices already registered) and keeps the file staged; nothing is registered. "Confirm"
 * submits the staged file as a batch through the portal channel, the only one indirect resellers may use.
 */
const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

export interface RowProblem {
  /** The line of the file the row starts on (the header is line 1). */
  readonly line: number;
  readonly errorCode: string;
  readonly errorNumber: number | null;
  readonly errorDescription: string;
}

/** A row whose hardware hash could be read, with what the hash says the device is. */
export interface HashedRow extends HardwareHashDevice {
  readonly line: number;
  readonly ready: boolean;
}

export type CheckedUpload =
  | {
      readonly ok: true;
      readonly upload: StagedUpload;
      readonly headerStyle: string;
      readonly encoding: string;
      readonly total: number;
      readonly valid: number;
      readonly consent: ConsentStatus;
      readonly problems: readonly RowProblem[];
      readonly hashedRows: readonly HashedRow[];
    }
  | { readonly ok: false; readonly error: { code: string; message: string; line?: number } };

export async function checkUpload(
  deps: PortalDependencies,
  principal: PartnerUser,
  file: { tenantId: string; fileName: string; bytes: Buffer },
): Promise<CheckedUpload> {
  const partner = await partnerOf(deps, principal);
  const read = deps.readDeviceFile(file.bytes);
  if (!read.ok) return read;

  const devices = read.devices.map((row) => row.device);
  const checked = await validateDeviceBatch(deps, principal, file.tenantId, devices, 'portal', read.wording);
  const problems = checked.devices.flatMap((check): RowProblem[] =>
    check.error
      ? [
          {
            line: read.devices[check.index]?.line ?? 0,
            errorCode: check.error.errorCode,
            errorNumber: check.error.errorNumber,
            errorDescription: check.error.errorDescription,
          },
        ]
      : [],
  );
  const hashedRows = checked.devices.flatMap((check): HashedRow[] =>
    check.hardwareHashDevice
      ? [
          {
            line: read.devices[check.index]?.line ?? 0,
            ready: check.error === null,
            ...check.hardwareHashDevice,
          },
        ]
      : [],
  );

  const now = deps.clock.now();
  const upload: StagedUpload = {
    partnerId: partner.id,
    uploadId: createHash('sha256')
      .update(`${partner.id}\u0000${file.tenantId}\u0000`)
      .update(file.bytes)
      .digest('hex'),
    tenantId: file.tenantId,
    fileName: file.fileName,
    bytes: file.bytes,
    stagedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + UPLOAD_TTL_MS).toISOString(),
  };
  await deps.uploads.put(upload);
  return {
    ok: true,
    upload,
    headerStyle: read.headerStyle,
    encoding: read.encoding,
    total: devices.length,
    valid: devices.length - problems.length,
    consent: checked.consent,
    problems,
    hashedRows,
  };
}

/**
 * Submits a checked upload. The batchId comes from the upload and the time it was checked, so pressing
 * "Register" twice is one batch, while checking the same file again later makes a new one. The staged
 * file is kept until it expires, so a repeated confirmation still finds it.
 */
export async function confirmUpload(
  deps: PortalDependencies,
  principal: PartnerUser,
  uploadId: string,
): Promise<DeviceBatch> {
  const partner = await partnerOf(deps, principal);
  const upload = await deps.uploads.get(partner.id, uploadId);
  if (!upload || new Date(upload.expiresAt) <= deps.clock.now()) {
    throw gone(
      'UploadExpired',
      'This upload is no longer waiting for confirmation (uploads are kept for a day). Upload the file again.',
    );
  }
  const read = deps.readDeviceFile(upload.bytes);
  if (!read.ok) throw invalid(read.error.code, read.error.message);
  const { batch } = await submitDeviceBatch(deps, principal, 'portal', upload.tenantId, {
    batchId: batchIdOf(upload),
    devices: read.devices.map((row) => row.device),
  });
  return batch;
}

export function batchIdOf(upload: Pick<StagedUpload, 'uploadId' | 'stagedAt'>): string {
  return `csv-${upload.uploadId.slice(0, 24)}-${Date.parse(upload.stagedAt).toString(36)}`;
}
