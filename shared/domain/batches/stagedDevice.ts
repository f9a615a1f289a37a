import type { DeviceError, HardwareHashDevice } from '../devices';
import { DEVICE_FIELD_LIMITS, DEVICE_INPUT_FIELDS, HARDWARE_HASH_MAX_BASE64_LENGTH } from '../devices';

/**
 * A submitted device as kept between submission and registration: its position, the entry exactly as
 * sent (a refused one as `refusedEntry` keeps it), and the refusal already known from the whole
 * submission (malformed, duplicated). Registration validates the entry again (deterministic) rather
 * than storing derived keys.
 */
export interface StagedDevice {
  readonly index: number;
  readonly entry: unknown;
  readonly error?: DeviceError;
}

/**
 * What is kept of a device refused at submission: its known string fields, the ones a partner reads back
 * or downloads to send again, each within its limit (text fields cut, a hash longer than any accepted
 * dropped). A refused entry may be of any size and shape, and staged devices are stored in rows.
 */
export function refusedEntry(entry: unknown): Record<string, string> {
  const kept: Record<string, string> = {};
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return kept;
  for (const field of DEVICE_INPUT_FIELDS) {
    const value = (entry as Record<string, unknown>)[field];
    if (typeof value !== 'string') continue;
    if (field === 'hardwareHash') {
      if (value.length <= HARDWARE_HASH_MAX_BASE64_LENGTH) kept[field] = value;
    } else {
      kept[field] = value.slice(0, DEVICE_FIELD_LIMITS[field]);
    }
  }
  return kept;
}

/** What registration decided for one device, as the partner reads it. */
export interface DeviceOutcome {
  readonly index: number;
  readonly deviceId: string | null;
  readonly serialNumber: string | null;
  readonly productKey: string | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly groupTag: string | null;
  readonly status: 'registered' | 'failed' | 'pending';
  readonly errorCode: string | null;
  readonly errorNumber: number | null;
  readonly errorDescription: string | null;
  /**
   * What the device's hardware hash says it is, when it was sent with one that can be read; absent
   * otherwise (and in results stored before this field existed).
   */
  readonly hardwareHashDevice?: HardwareHashDevice;
  /**
   * When the device was deregistered after this batch registered it (its status stays the batch's
   * result, `registered`); absent otherwise.
   */
  readonly deregisteredAt?: string;
}
