import type { DeviceErrorCode } from './deviceErrors';
import type { DeviceInput } from './deviceInput';

/**
 * How a per-device refusal speaks of where the device came from. The API's partners send JSON entries
 * by index; a portal user uploads CSV rows by line, under the columns of its header. Validation builds
 * its sentences through this, so a refusal reads in the terms of its source, while the error's code and
 * number stay the same whatever the source.
 */
export interface DeviceWording {
  /** A device field as the source names it: `productKey` in JSON, `Windows product ID` in a CSV file. */
  readonly field: (name: keyof DeviceInput) => string;
  /** Another entry of the same submission, by its index there: "the entry at index 3", "line 5". */
  readonly entry: (index: number) => string;
  /** The device being refused, as the source knows it: "this entry", "this row". */
  readonly thisEntry: string;
  /** Advice that replaces the catalogue's for this code, when the catalogue's speaks of the API's format. */
  readonly advice: (code: DeviceErrorCode) => string | undefined;
}

/** The API's wording: JSON field names, entries by index, the catalogue's advice. */
export const JSON_DEVICE_WORDING: DeviceWording = {
  field: (name) => name,
  entry: (index) => `the entry at index ${index}`,
  thisEntry: 'this entry',
  advice: () => undefined,
};
