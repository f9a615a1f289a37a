import { buildHardwareHash } from '../support/hardwareHashes';

/** Unique devices for a run: product keys, tuples, hardware hashes, or a mix of the three. */
export type DeviceMix = 'pkid' | 'tuple' | 'hash' | 'mixed';

export function generateDevices(count: number, mix: DeviceMix, runId: number): Record<string, string>[] {
  const devices: Record<string, string>[] = [];
  for (let i = 0; i < count; i++) {
    const kind = mix === 'mixed' ? (['pkid', 'tuple', 'hash'] as const)[i % 3]! : mix;
    const serial = `R${runId}-S${i}`;
    if (kind === 'pkid') devices.push({ productKey: String(runId * 1_000_000 + i).padStart(13, '0') });
    else if (kind === 'tuple')
      devices.push({ serialNumber: serial, oemManufacturerName: 'Contoso', modelName: 'Laptop 5' });
    else
      devices.push({
        hardwareHash: buildHardwareHash({
          serialNumber: serial,
          manufacturer: 'Contoso',
          model: 'Laptop 5',
        }),
      });
  }
  return devices;
}
