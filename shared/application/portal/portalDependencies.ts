import type { DeviceInput, DeviceWording } from '../../domain/devices';
import type { BatchDependencies } from '../batches/batchDependencies';
import type { StagedUploadStore } from './stagedUploads';

/** A device file as the portal reads it: every device with the line it starts on, or one refusal. */
export type DeviceFileRead =
  | {
      readonly ok: true;
      readonly devices: readonly { readonly line: number; readonly device: DeviceInput }[];
      readonly headerStyle: string;
      readonly encoding: string;
      /** How per-device refusals name this file's rows and columns. */
      readonly wording: DeviceWording;
    }
  | {
      readonly ok: false;
      readonly error: { readonly code: string; readonly message: string; readonly line?: number };
    };

export type DeviceFileReader = (bytes: Uint8Array) => DeviceFileRead;

/** What the partner portal's use cases need beyond the device-batch ones. */
export interface PortalDependencies extends BatchDependencies {
  readonly uploads: StagedUploadStore;
  readonly readDeviceFile: DeviceFileReader;
}
