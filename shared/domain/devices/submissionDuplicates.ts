import { deviceError } from './deviceErrors';
import { keyKind, type DeviceKeyKind } from './deviceIdentity';
import type { DeviceValidationResult } from './deviceValidation';
import { JSON_DEVICE_WORDING, type DeviceWording } from './deviceWording';

const MATCH_LABEL: Readonly<Record<DeviceKeyKind, string>> = {
  tuple: 'serial number, manufacturer and model',
  pkid: 'product key ID',
  hash: 'hardware hash',
};

/**
 * Marks repeated devices within one submission. Results are in index order; a valid device that shares
 * ANY identity key with an earlier valid device becomes `ZtdDeviceDuplicated` (the first is processed).
 * A duplicate's other keys are attributed to the same first device, so a chain (A by tuple, B by tuple
 * and PKID, C by PKID) marks both B and C as repeats of A. Invalid entries take no part. O(n) in the
 * number of keys, with one Map from key to the index of the first device that carried it.
 *
 * `wording` names the first device in the source's terms (an index in JSON, a line in a CSV file).
 * Returns a new array; entries that are not duplicates are the same objects as given.
 */
export function markSubmissionDuplicates(
  results: readonly DeviceValidationResult[],
  wording: DeviceWording = JSON_DEVICE_WORDING,
): DeviceValidationResult[] {
  const firstIndexByKey = new Map<string, number>();
  return results.map((result, index) => {
    if (result.status !== 'valid') return result;
    const { keys } = result.device;
    let first: { index: number; key: string } | undefined;
    for (const key of keys) {
      const seen = firstIndexByKey.get(key);
      if (seen !== undefined) {
        first = { index: seen, key };
        break;
      }
    }
    const owner = first?.index ?? index;
    for (const key of keys) {
      if (!firstIndexByKey.has(key)) firstIndexByKey.set(key, owner);
    }
    if (first === undefined) return result;
    const kind = keyKind(first.key);
    const through = kind === undefined ? 'identifier' : MATCH_LABEL[kind];
    return {
      status: 'invalid',
      error: deviceError(
        'ZtdDeviceDuplicated',
        `This is the same device as ${wording.entry(first.index)} (same ${through})`,
        wording.advice('ZtdDeviceDuplicated'),
      ),
    };
  });
}
