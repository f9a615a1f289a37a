import { z } from 'zod';
import { decodeHardwareHash, type HardwareHashInfo } from './hardwareHash';

/**
 * What a hardware hash says the device is: its SMBIOS serial number, manufacturer and model, shown to
 * partners beside what they sent (a partner recognises "HP EliteBook 840 G8" at once, and a hash put
 * beside the wrong row shows whose hash it is). Null fields are records the hash does not hold.
 *
 * Each value is cut to SHOWN_CHARACTERS: real SMBIOS strings are far shorter, and results are stored 50
 * to a row whatever a hash holds (see deviceOutcomeTable.ts).
 */
export const HardwareHashDeviceSchema = z.object({
  serialNumber: z.string().nullable(),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
});
export type HardwareHashDevice = Readonly<z.infer<typeof HardwareHashDeviceSchema>>;

export const HARDWARE_HASH_DEVICE_SHOWN_CHARACTERS = 64;

const shown = (value: string | undefined) =>
  value === undefined ? null : value.trim().slice(0, HARDWARE_HASH_DEVICE_SHOWN_CHARACTERS);

export function hardwareHashDeviceOf(info: HardwareHashInfo): HardwareHashDevice {
  return {
    serialNumber: shown(info.serialNumber),
    manufacturer: shown(info.manufacturer),
    model: shown(info.model),
  };
}

/**
 * The device a submitted entry's hash describes, for an entry refused for another reason (the wrong
 * hash for its serial, already registered, ...); null when the entry has no hash or it cannot be read.
 */
export function readHardwareHashDevice(entry: unknown): HardwareHashDevice | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const hash = (entry as { hardwareHash?: unknown }).hardwareHash;
  if (typeof hash !== 'string' || hash.trim() === '') return null;
  const decoded = decodeHardwareHash(hash.trim());
  return decoded.ok ? hardwareHashDeviceOf(decoded.value) : null;
}
