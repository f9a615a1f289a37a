import type { BatchStatus, DeviceBatch } from '../../domain/batches/deviceBatch';
import type { DeviceOutcome } from '../../domain/batches/stagedDevice';

/**
 * This service's statuses as Partner Center's clients can read them. The SDK parses a status into its
 * DeviceUploadStatusType (Unknown, Queued, Processing, Finished, FinishedWithErrors) by upper-casing the
 * first letter and each letter after "_", and throws on anything else — the documentation's device value
 * "in-progress" included — so only these five values are ever sent, for batches and devices alike. What
 * they cannot say travels beside them: `detailedStatus` and `statusDescription` on the upload, and on a
 * device `errorCode`, `errorDescription` (the error's name) and `errorDetail` (the sentence).
 */
export const PC_STATUSES = ['unknown', 'queued', 'processing', 'finished', 'finished_with_errors'] as const;
export type PcStatus = (typeof PC_STATUSES)[number];

const BATCH_STATUS: Readonly<Record<BatchStatus, PcStatus>> = {
  queued: 'queued',
  // Partner Center has no "waiting": the upload reads queued (PowerShell keeps polling), the reason beside it.
  awaiting_consent: 'queued',
  processing: 'processing',
  finished: 'finished',
  finished_with_errors: 'finished_with_errors',
  // Ended without registering what was left: every such device reads finished_with_errors with its reason.
  expired: 'finished_with_errors',
  canceled: 'finished_with_errors',
};

export const pcBatchStatus = (status: BatchStatus): PcStatus => BATCH_STATUS[status];

export function statusDescription(batch: DeviceBatch): string | undefined {
  switch (batch.status) {
    case 'awaiting_consent':
      return `Waiting for the customer to accept your reseller-relationship link (GET /v1/customers/relationshiprequests); the devices are registered as soon as it does, if before ${batch.consentDeadline}.`;
    case 'expired':
      return `The customer did not give consent by ${batch.consentDeadline}; the devices not registered were not kept. Upload them again once the customer has accepted your link.`;
    case 'canceled':
      return 'The customer revoked your relationship before these devices were registered; they were not kept. Upload them again once the customer has accepted your link again.';
    default:
      return undefined;
  }
}

/**
 * Per-device error codes for errors Windows Autopilot gives no number: the error's name itself, so that a
 * client switching on `errorCode` never confuses it with a numbered Autopilot error.
 */
export const CONSENT_EXPIRED = 'ConsentExpired';
export const CONSENT_REVOKED = 'ConsentRevoked';

export interface PcDeviceStatus {
  readonly status: PcStatus;
  readonly errorCode?: string;
  readonly errorDescription?: string;
  readonly errorDetail?: string;
}

/** A device's outcome in its upload, as Partner Center's DeviceUploadDetails reads it. */
export function pcDeviceStatus(
  outcome: DeviceOutcome,
  batch: Pick<DeviceBatch, 'status' | 'consentDeadline'>,
): PcDeviceStatus {
  if (outcome.status === 'registered') return { status: 'finished' };
  if (outcome.status === 'failed' && outcome.errorCode) {
    return {
      status: 'finished_with_errors',
      errorCode: outcome.errorNumber === null ? outcome.errorCode : String(outcome.errorNumber),
      errorDescription: outcome.errorCode,
      ...(outcome.errorDescription ? { errorDetail: outcome.errorDescription } : {}),
    };
  }
  // Pending: waiting with its batch, or left behind by a batch that ended without it.
  if (batch.status === 'expired') {
    return {
      status: 'finished_with_errors',
      errorCode: CONSENT_EXPIRED,
      errorDescription: CONSENT_EXPIRED,
      errorDetail: `The customer did not give consent by ${batch.consentDeadline}, so this device was not registered. Upload it again once the customer has accepted your link.`,
    };
  }
  if (batch.status === 'canceled') {
    return {
      status: 'finished_with_errors',
      errorCode: CONSENT_REVOKED,
      errorDescription: CONSENT_REVOKED,
      errorDetail:
        'The customer revoked your relationship before this device was registered. Upload it again once the customer has accepted your link again.',
    };
  }
  return { status: batch.status === 'processing' ? 'processing' : 'queued' };
}
