import type { DeviceFileRead } from '../../application/portal/portalDependencies';
import { readDeviceCsv, type DeviceCsvReadOptions } from './deviceCsvReader';
import { deviceCsvWording } from './deviceCsvWording';

/** The portal's device file: the CSV's rows, and the wording that names them by line and column. */
export function readDeviceCsvFile(bytes: Uint8Array, options?: DeviceCsvReadOptions): DeviceFileRead {
  const read = readDeviceCsv(bytes, options);
  return read.ok ? { ...read, wording: deviceCsvWording(read.devices, read.headerStyle) } : read;
}
