import type { DeviceError } from '../devices';

/**
 * A submitted device as kept between submission and registration: its position, the entry exactly as
 * sent, and the refusal already known from the whole submission (malformed, duplicated). Registration
 * validates the entry again (deterministic) rather than storing derived keys.
 */
export interface StagedDevice {
  readonly index: number;
  readonly entry: unknown;
  readonly error?: DeviceError;
}

/** What registration decided for one device, as the partner reads it. */
export interface DeviceOutcome {
  readonly index: number;
  readonly deviceId: string | null;
  readonly serialNumber: string | null;
  readonly productKey: string | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly groupTag: string | null;
  readonly status: 'registered' | 'failed' | 'pending';
  readonly errorCode: string | null;
  readonly errorNumber: number | null;
  readonly errorDescription: string | null;
}
