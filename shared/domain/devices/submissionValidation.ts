import { validateDevice, type DeviceValidationResult } from './deviceValidation';
import { markSubmissionDuplicates } from './submissionDuplicates';
import { JSON_DEVICE_WORDING, type DeviceWording } from './deviceWording';

/**
 * Validates every entry of a submission, in index order, then marks repeats of the same device
 * (`ZtdDeviceDuplicated`). One result per entry, at the entry's index; sentences in `wording`'s terms.
 */
export function validateSubmission(
  entries: readonly unknown[],
  wording: DeviceWording = JSON_DEVICE_WORDING,
): DeviceValidationResult[] {
  return markSubmissionDuplicates(
    entries.map((entry) => validateDevice(entry, wording)),
    wording,
  );
}
