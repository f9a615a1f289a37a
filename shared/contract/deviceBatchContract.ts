import { z } from 'zod';
import type { DeviceBatch } from '../domain/batches/deviceBatch';
import type { DeviceOutcome } from '../domain/batches/deviceOutcome';
import {
  DeviceErrorFieldsSchema,
  DeviceOutcomeSchema as DomainDeviceOutcomeSchema,
  DeviceOutcomeStatusSchema,
} from '../domain/batches/deviceOutcome';
import { DeviceBatchStatusSchema, batchProgress } from '../domain/batches/deviceBatch';
import {
  BATCH_ID_PATTERN,
  HardwareHashDeviceSchema as DomainHardwareHashDeviceSchema,
  deviceBatchBodySchema,
  deviceInputSchema,
} from '../domain/devices';
import { Guid } from './common';

/**
 * A larger body is refused with 413. 64 MiB holds 100,000 devices by product key or tuple, but only about
 * 16,000 by hardware hash: a real hash is 4,000 base64 characters (a larger set goes as several batches).
 * Raising it would not help much: the Functions host refuses request bodies over 100 MB.
 */
export const MAX_BATCH_BODY_BYTES = 64 * 1024 * 1024;

export const DeviceBatchRequestSchema = deviceBatchBodySchema;
export const DeviceSchema = deviceInputSchema;
export const ValidateRequestSchema = z.strictObject({
  batchId: z.string().regex(BATCH_ID_PATTERN).optional(),
  devices: deviceBatchBodySchema.shape.devices,
});

export const BatchParams = z.object({
  tenantId: Guid,
  batchId: z.string().regex(BATCH_ID_PATTERN, 'not a valid batchId'),
});
export const DeviceParams = z.object({ tenantId: Guid, deviceId: z.string().min(1).max(200) });
export const DeviceListQuerySchema = z.strictObject({
  status: DeviceOutcomeStatusSchema.optional(),
  continuationToken: z.string().max(200).optional(),
  pageSize: z.coerce.number().int().min(1).max(1000).default(1000),
});

export const BatchAcceptedSchema = z.object({ batchId: z.string(), status: DeviceBatchStatusSchema });

export const BatchStatusSchema = z.object({
  batchId: z.string(),
  status: DeviceBatchStatusSchema,
  progress: z.number().int().min(0).max(100),
  total: z.number().int(),
  registered: z.number().int(),
  failed: z.number().int(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  consentDeadline: z.iso.datetime(),
});

const DeviceErrorFields = DeviceErrorFieldsSchema.shape;

export const HardwareHashDeviceSchema = DomainHardwareHashDeviceSchema.describe(
  "What the device's hardware hash says it is (its SMBIOS serial number, manufacturer and model, each " +
    'cut to 64 characters); null when the device was sent without a hash or its hash cannot be read.',
);

export const ValidateResponseSchema = z.object({
  consent: z.object({ status: z.enum(['active', 'none', 'revoked']) }),
  ownershipChecked: z
    .boolean()
    .describe(
      'Whether each device was also checked against the devices already registered (806, 808). Only with active consent for the tenant: otherwise only its form was checked.',
    ),
  devices: z.array(
    z.object({
      index: z.number().int(),
      status: z.enum(['valid', 'invalid']),
      ...DeviceErrorFields,
      hardwareHashDevice: HardwareHashDeviceSchema.nullable(),
    }),
  ),
});

/** The domain's outcome (deviceOutcome.ts), its absent fields null on the wire. */
export const DeviceOutcomeSchema = DomainDeviceOutcomeSchema.extend({
  hardwareHashDevice: HardwareHashDeviceSchema.nullable(),
  deregisteredAt: z
    .string()
    .nullable()
    .describe(
      'When the device was deregistered after this batch registered it (its status stays registered).',
    ),
});
export const DeviceOutcomePageSchema = z.object({
  items: z.array(DeviceOutcomeSchema),
  continuationToken: z.string().nullable(),
});

export function toDeviceOutcomePage(page: {
  readonly items: readonly DeviceOutcome[];
  readonly continuationToken: string | null;
}): z.infer<typeof DeviceOutcomePageSchema> {
  return {
    items: page.items.map((o) => ({
      ...o,
      hardwareHashDevice: o.hardwareHashDevice ?? null,
      deregisteredAt: o.deregisteredAt ?? null,
    })),
    continuationToken: page.continuationToken,
  };
}

export function toBatchStatus(batch: DeviceBatch): z.infer<typeof BatchStatusSchema> {
  return {
    batchId: batch.batchId,
    status: batch.status,
    progress: batchProgress(batch),
    total: batch.total,
    registered: batch.registered,
    failed: batch.failed,
    createdAt: batch.createdAt,
    startedAt: batch.startedAt,
    completedAt: batch.completedAt,
    consentDeadline: batch.consentDeadline,
  };
}
