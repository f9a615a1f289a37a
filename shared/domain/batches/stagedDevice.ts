import type { DeviceError } from '../devices';
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

/** Defined with its schema in deviceOutcome.ts; kept importable from here, where it used to live. */
export type { DeviceOutcome } from './deviceOutcome';
