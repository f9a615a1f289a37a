import { z } from 'zod';

/**
 * One device of a batch as partners send it, with Partner Center's field names. Every field is an
 * optional string: which combination is present is checked per device afterwards (see
 * deviceValidation.ts), so that one bad device does not reject the whole batch. Unknown fields make
 * the device malformed (801).
 *
 * Length limits are on the value as sent. The product key ID's format (13 digits) and the hardware
 * hash's structure are checked by validation, which can say precisely what is wrong.
 */
export const DEVICE_FIELD_LIMITS = {
  serialNumber: 128,
  oemManufacturerName: 255,
  modelName: 255,
  productKey: 64,
  groupTag: 128,
} as const;

const limited = (field: keyof typeof DEVICE_FIELD_LIMITS) =>
  z
    .string()
    .max(DEVICE_FIELD_LIMITS[field], {
      error: `${field} is longer than ${DEVICE_FIELD_LIMITS[field]} characters`,
    })
    .optional();

export const deviceInputSchema = z.strictObject({
  hardwareHash: z.string().optional(),
  productKey: limited('productKey'),
  serialNumber: limited('serialNumber'),
  oemManufacturerName: limited('oemManufacturerName'),
  modelName: limited('modelName'),
  groupTag: limited('groupTag'),
});

export type DeviceInput = z.infer<typeof deviceInputSchema>;

export const DEVICE_INPUT_FIELDS = Object.keys(deviceInputSchema.shape) as (keyof DeviceInput)[];

export const MAX_DEVICES_PER_BATCH = 100_000;
export const BATCH_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A batch body: `{ batchId, devices }`. Each entry of `devices` is `unknown` here and is validated on
 * its own, so that a malformed entry yields 801 for its index rather than a 400 for the batch.
 */
export const deviceBatchBodySchema = z.strictObject({
  batchId: z.string().regex(BATCH_ID_PATTERN, {
    error: 'batchId must be 1 to 64 characters of A-Z, a-z, 0-9, ".", "_" and "-"',
  }),
  devices: z
    .array(z.unknown())
    .min(1, { error: 'devices must hold at least one device' })
    .max(MAX_DEVICES_PER_BATCH, { error: `devices may hold at most ${MAX_DEVICES_PER_BATCH} devices` }),
});

export type DeviceBatchBody = z.infer<typeof deviceBatchBodySchema>;
