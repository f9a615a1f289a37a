import { validateDevice, type DeviceValidationResult } from './deviceValidation';
import { markSubmissionDuplicates } from './submissionDuplicates';

/**
 * Validates every entry of a submission, in index order, then marks repeats of the same device
 * (`ZtdDeviceDuplicated`). One result per entry, at the entry's index.
 */
export function validateSubmission(entries: readonly unknown[]): DeviceValidationResult[] {
  return markSubmissionDuplicates(entries.map((entry) => validateDevice(entry)));
}
