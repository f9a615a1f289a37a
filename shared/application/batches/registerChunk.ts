import type { BatchRef, BatchStatus } from '../../domain/batches/deviceBatch';
import type { DeviceOutcome, StagedDevice } from '../../domain/batches/stagedDevice';
import type { DeviceError, HardwareHashDevice, NormalizedDevice } from '../../domain/devices';
import {
  DEVICE_FIELD_LIMITS,
  deviceError,
  hardwareHashDeviceOf,
  readHardwareHashDevice,
  validateDevice,
} from '../../domain/devices';
import type { DeviceClaim } from '../ports/deviceRegistry';
import { sameOwner } from '../ports/deviceRegistry';
import type { BatchDependencies } from './batchDependencies';
import { consentStatus } from './consentStatus';

export interface ChunkResult {
  readonly registered: number;
  readonly failed: number;
  /** Consent was no longer active: nothing was registered. */
  readonly canceled: boolean;
}

const PARALLEL_RELEASES = 16;

export interface PlannedClaim {
  readonly device: NormalizedDevice;
  readonly staged: StagedDevice;
  readonly claim: DeviceClaim;
}

/**
 * A chunk's staged devices, validated again (deterministic): the outcomes of those refused, and the
 * claim each valid one makes for this batch.
 */
export function planChunk(
  staged: readonly StagedDevice[],
  ref: BatchRef,
  chunkNo: number,
  registeredAt: string,
): { refused: DeviceOutcome[]; claims: PlannedClaim[] } {
  const refused: DeviceOutcome[] = [];
  const claims: PlannedClaim[] = [];
  for (const item of staged) {
    const checked = item.error ? undefined : validateDevice(item.entry);
    if (!checked || checked.status === 'invalid') {
      refused.push(failedOutcome(item, checked?.status === 'invalid' ? checked.error : item.error!));
      continue;
    }
    const { device } = checked;
    const owner = {
      ...ref,
      index: item.index,
      chunkNo,
      deviceId: device.deviceId,
      keys: device.keys,
      registeredAt,
    };
    claims.push({ device, staged: item, claim: { keys: device.keys, owner } });
  }
  return { refused, claims };
}

/**
 * Registers one chunk of a batch. Safe to run again after a crash or a retry: keys this batch already
 * holds count as registered, and outcomes are overwritten with the same values. Once consent is gone,
 * every run gives back whatever this chunk holds, so that nothing it did outlives the revocation, even
 * when an earlier attempt crashed or failed half-way through giving its claims back.
 */
export async function registerChunk(
  deps: Pick<BatchDependencies, 'relationships' | 'batches' | 'staging' | 'registry' | 'outcomes' | 'clock'>,
  ref: BatchRef,
  chunkNo: number,
): Promise<ChunkResult> {
  const staged = await stagedChunk(deps, ref, chunkNo);
  const { refused: outcomes, claims } = planChunk(staged, ref, chunkNo, deps.clock.now().toISOString());

  const canceled = async (): Promise<ChunkResult> => {
    await releaseHeld(deps, claims);
    // An earlier attempt may have written its outcomes before its result was lost: they would read
    // registered for devices just given back.
    await deps.outcomes.clearChunk(ref, chunkNo);
    return { registered: 0, failed: 0, canceled: true };
  };
  if ((await consentStatus(deps, ref.partnerId, ref.tenantId)) !== 'active') return canceled();
  const results = await deps.registry.claim(claims.map((c) => c.claim));
  // Consent revoked while the keys were being claimed.
  if ((await consentStatus(deps, ref.partnerId, ref.tenantId)) !== 'active') return canceled();
  claims.forEach(({ device, staged: item }, i) => {
    const result = results[i]!;
    if (result.claimed) {
      outcomes.push(deviceOutcome(item.index, device, 'registered', null));
    } else if (result.owner.tenantId === ref.tenantId) {
      outcomes.push(deviceOutcome(item.index, device, 'failed', deviceError('ZtdDeviceAlreadyAssigned')));
    } else {
      outcomes.push(
        deviceOutcome(item.index, device, 'failed', deviceError('ZtdDeviceAssignedToOtherTenant')),
      );
    }
  });
  outcomes.sort((a, b) => a.index - b.index);
  await deps.outcomes.writeChunk(ref, chunkNo, outcomes);
  const registered = outcomes.filter((o) => o.status === 'registered').length;
  return { registered, failed: outcomes.length - registered, canceled: false };
}

/** A chunk of the batch's devices, as staged by the body whose fingerprint the batch row names. */
export async function stagedChunk(
  deps: Pick<BatchDependencies, 'batches' | 'staging'>,
  ref: BatchRef,
  chunkNo: number,
): Promise<StagedDevice[]> {
  const batch = await deps.batches.get(ref);
  if (!batch) throw new Error(`Batch ${ref.batchId} of ${ref.partnerId} for ${ref.tenantId} does not exist`);
  return deps.staging.readChunk(batch.value, chunkNo);
}

/**
 * Gives back the keys these devices hold for this batch (found by one read per index range, then
 * released); keys held by anyone else are left alone. Also used to close a chunk that kept failing.
 */
export async function releaseHeld(
  deps: Pick<BatchDependencies, 'registry'>,
  claims: readonly Pick<PlannedClaim, 'claim'>[],
): Promise<void> {
  if (claims.length === 0) return;
  const owners = await deps.registry.findMany(claims.flatMap((c) => c.claim.keys));
  const held = claims.filter(({ claim }) =>
    claim.keys.some((key) => {
      const owner = owners.get(key);
      return owner !== undefined && sameOwner(owner, claim.owner);
    }),
  );
  // A few at a time: a chunk holds up to CHUNK_SIZE devices, each release a read and a delete per key.
  for (let i = 0; i < held.length; i += PARALLEL_RELEASES) {
    await Promise.all(held.slice(i, i + PARALLEL_RELEASES).map((c) => deps.registry.release(c.claim.owner)));
  }
}

export function deviceOutcome(
  index: number,
  device: NormalizedDevice,
  status: DeviceOutcome['status'],
  error: DeviceError | null,
): DeviceOutcome {
  return {
    index,
    deviceId: device.deviceId,
    serialNumber: device.serialNumber ?? device.hardwareHash?.serialNumber ?? null,
    productKey: device.productKey ?? device.hardwareHash?.productKey ?? null,
    manufacturer: device.oemManufacturerName ?? device.hardwareHash?.manufacturer ?? null,
    model: device.modelName ?? device.hardwareHash?.model ?? null,
    groupTag: device.groupTag ?? null,
    status,
    errorCode: error?.errorCode ?? null,
    errorNumber: error?.errorNumber ?? null,
    errorDescription: error?.errorDescription ?? null,
    ...withHashDevice(device.hardwareHash === undefined ? null : hardwareHashDeviceOf(device.hardwareHash)),
  };
}

/** A device refused before registration: report what can be read of what was sent. */
export function failedOutcome(item: StagedDevice, error: DeviceError): DeviceOutcome {
  const sent = (item.entry && typeof item.entry === 'object' ? item.entry : {}) as Record<string, unknown>;
  // Cut to the field's limit: a refused value may be of any length, and results are stored.
  const text = (field: keyof typeof DEVICE_FIELD_LIMITS) => {
    const v = sent[field];
    return typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, DEVICE_FIELD_LIMITS[field]) : null;
  };
  return {
    index: item.index,
    deviceId: null,
    serialNumber: text('serialNumber'),
    productKey: text('productKey'),
    manufacturer: text('oemManufacturerName'),
    model: text('modelName'),
    groupTag: text('groupTag'),
    status: 'failed',
    errorCode: error.errorCode,
    errorNumber: error.errorNumber,
    errorDescription: error.errorDescription,
    ...withHashDevice(readHardwareHashDevice(item.entry)),
  };
}

/** The field is left out rather than null: results are stored packed, and most devices have no hash. */
const withHashDevice = (device: HardwareHashDevice | null) =>
  device === null ? {} : { hardwareHashDevice: device };

/**
 * How a device without a written result reads in a batch of this status: pending, or failed when refused
 * at submission; in a finished batch (a chunk that could not even be closed, see finishWithLostChunks)
 * failed with ZtdDeviceRegistrationFailed, since nothing will register it any more.
 */
export function unwrittenOutcome(item: StagedDevice, batchStatus: BatchStatus): DeviceOutcome {
  const outcome = pendingOutcome(item);
  if (outcome.status !== 'pending' || (batchStatus !== 'finished' && batchStatus !== 'finished_with_errors'))
    return outcome;
  const error = deviceError('ZtdDeviceRegistrationFailed');
  return {
    ...outcome,
    status: 'failed',
    errorCode: error.errorCode,
    errorNumber: error.errorNumber,
    errorDescription: error.errorDescription,
  };
}

/** How a device not yet registered reads: pending, or failed if it was refused at submission. */
export function pendingOutcome(item: StagedDevice): DeviceOutcome {
  if (item.error) return failedOutcome(item, item.error);
  const checked = validateDevice(item.entry);
  if (checked.status === 'invalid') return failedOutcome(item, checked.error);
  return deviceOutcome(item.index, checked.device, 'pending', null);
}
