import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  JSON_DEVICE_WORDING,
  markSubmissionDuplicates,
  validateDevice,
  type DeviceValidationResult,
  type DeviceWording,
} from '../../domain/devices';

/** Devices validated between two turns of the event loop: about 3 ms of product keys, 20 ms of hashes. */
export const VALIDATION_SLICE = 1_000;

/**
 * The domain's validateSubmission, giving the event loop back between slices of devices: a submission
 * of 12,500 product keys is about 35 ms of validation, 15,000 real hardware hashes several hundred, and
 * every other request to this instance (a partner's status poll) would wait that long behind it. The
 * results are the same, in index order, duplicates marked across the whole submission.
 */
export async function validateSubmissionInSlices(
  entries: readonly unknown[],
  wording: DeviceWording = JSON_DEVICE_WORDING,
): Promise<DeviceValidationResult[]> {
  const results: DeviceValidationResult[] = [];
  for (let start = 0; start < entries.length; start += VALIDATION_SLICE) {
    if (start > 0) await nextTurn();
    const end = Math.min(entries.length, start + VALIDATION_SLICE);
    for (let index = start; index < end; index++) results.push(validateDevice(entries[index], wording));
  }
  return markSubmissionDuplicates(results, wording);
}
