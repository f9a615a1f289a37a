import { z } from 'zod';
import { HardwareHashDeviceSchema } from '../devices';

/**
 * What registration decided for one device, as the partner reads it: defined once, here. The API's
 * contract extends this schema (deviceBatchContract.ts), and the outcome table stores exactly its fields
 * but deregisteredAt (deviceOutcomeTable.ts), so a field added here reaches both or fails a test.
 */
export const DeviceOutcomeStatusSchema = z.enum(['registered', 'failed', 'pending']);
export type DeviceOutcomeStatus = z.infer<typeof DeviceOutcomeStatusSchema>;

export const DeviceOutcomeSchema = z.object({
  index: z.number().int(),
  deviceId: z.string().nullable(),
  serialNumber: z.string().nullable(),
  productKey: z.string().nullable(),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  groupTag: z.string().nullable(),
  status: DeviceOutcomeStatusSchema,
  errorCode: z.string().nullable(),
  errorNumber: z.number().int().nullable(),
  errorDescription: z.string().nullable(),
  /**
   * What the device's hardware hash says it is, when it was sent with one that can be read; absent
   * otherwise (and in results stored before this field existed).
   */
  hardwareHashDevice: HardwareHashDeviceSchema.optional(),
  /**
   * When the device was deregistered after this batch registered it (its status stays the batch's
   * result, `registered`); absent otherwise. Kept apart from the result (a row of its own).
   */
  deregisteredAt: z.string().optional(),
});
export type DeviceOutcome = Readonly<z.infer<typeof DeviceOutcomeSchema>>;

/** A device's error fields, as every per-device answer carries them. */
export const DeviceErrorFieldsSchema = DeviceOutcomeSchema.pick({
  errorCode: true,
  errorNumber: true,
  errorDescription: true,
});

/** The fields a stored result holds: the outcome's, but its deregistration (written apart, never rewritten). */
export const STORED_OUTCOME_FIELDS = Object.keys(DeviceOutcomeSchema.shape).filter(
  (field): field is Exclude<keyof DeviceOutcome, 'deregisteredAt'> => field !== 'deregisteredAt',
);
