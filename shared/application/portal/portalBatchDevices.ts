import type { DeviceBatch } from '../../domain/batches/deviceBatch';
import type { DeviceOutcome, StagedDevice } from '../../domain/batches/stagedDevice';
import type { DeviceInput } from '../../domain/devices';
import { DEVICE_INPUT_FIELDS } from '../../domain/devices';
import type { BatchDependencies } from '../batches/batchDependencies';
import { CHUNK_SIZE } from '../batches/batchDependencies';
import { chunkResults } from '../batches/readDeviceBatch';

/**
 * A batch's devices as the portal shows them: each outcome beside the device as it was submitted (the
 * outcome does not keep the hardware hash, which the failed-rows download must give back).
 */
type ReadDeps = Pick<BatchDependencies, 'staging' | 'outcomes'>;

export interface PortalDevice {
  readonly outcome: DeviceOutcome;
  readonly submitted: DeviceInput;
}

export interface PortalDeviceFilter {
  readonly status?: DeviceOutcome['status'] | undefined;
  readonly errorCode?: string | undefined;
}

/** One page from index `from` on; `next` is where the following page starts, or null at the end. */
export async function pageOfDevices(
  deps: ReadDeps,
  batch: DeviceBatch,
  filter: PortalDeviceFilter,
  from: number,
  pageSize: number,
): Promise<{ items: PortalDevice[]; next: number | null }> {
  const items: PortalDevice[] = [];
  for (let chunkNo = Math.floor(from / CHUNK_SIZE); chunkNo < batch.chunkCount; chunkNo++) {
    for (const device of await chunkDevices(deps, batch, chunkNo)) {
      if (device.outcome.index < from || !matches(device, filter)) continue;
      if (items.length === pageSize) return { items, next: device.outcome.index };
      items.push(device);
    }
  }
  return { items, next: null };
}

/** Every failed device with its reason, in submission order: the rows of the failed-rows download. */
export async function failedDevices(deps: ReadDeps, batch: DeviceBatch): Promise<PortalDevice[]> {
  const failed: PortalDevice[] = [];
  for (let chunkNo = 0; chunkNo < batch.chunkCount; chunkNo++) {
    failed.push(...(await chunkDevices(deps, batch, chunkNo)).filter((d) => d.outcome.status === 'failed'));
  }
  return failed;
}

async function chunkDevices(deps: ReadDeps, batch: DeviceBatch, chunkNo: number): Promise<PortalDevice[]> {
  return (await chunkResults(deps, batch, chunkNo)).map(({ staged, outcome }) => ({
    outcome,
    submitted: submittedFields(staged),
  }));
}

function matches(device: PortalDevice, filter: PortalDeviceFilter): boolean {
  if (filter.status && device.outcome.status !== filter.status) return false;
  if (filter.errorCode && device.outcome.errorCode !== filter.errorCode) return false;
  return true;
}

/** The string fields of the entry as it was sent (an API entry may hold anything; a CSV row never does). */
function submittedFields(item: StagedDevice): DeviceInput {
  const entry = item.entry;
  const device: DeviceInput = {};
  if (typeof entry !== 'object' || entry === null) return device;
  for (const field of DEVICE_INPUT_FIELDS) {
    const value = (entry as Record<string, unknown>)[field];
    if (typeof value === 'string') device[field] = value;
  }
  return device;
}
