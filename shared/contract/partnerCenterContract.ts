import { z } from 'zod';
import { PC_STATUSES } from '../application/partnerCenter/partnerCenterStatus';
import { BATCH_STATUSES } from '../domain/batches/deviceBatch';
import { MAX_DEVICES_PER_BATCH } from '../domain/devices';
import { Guid } from './common';

/**
 * The Partner Center–compatible surface's wire contract (`/v1/...` at the host's root), written to what
 * Partner Center's own clients send and read: its .NET SDK (Newtonsoft, PascalCase property names, `null`s
 * or no nulls depending on the SDK build, `Id`, `Policies`, `UploadedDate`, `AllowedOperations`,
 * `Attributes`) and its PowerShell module. Requests match property names without case and ignore every
 * field this service has no use for; answers are camelCase with `attributes.objectType` on each resource.
 */

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An object's properties keyed by their lower-cased names, the way Newtonsoft matches them. Of two names
 * that differ only in case the later one wins, as it would in the SDK's own deserialisation.
 */
export function lowerCaseKeys(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.toLowerCase(), v]));
}

/** Partner Center's device fields, by lower-cased name, and the field of this service each one is. */
const DEVICE_FIELDS: Readonly<Record<string, string>> = {
  hardwarehash: 'hardwareHash',
  productkey: 'productKey',
  serialnumber: 'serialNumber',
  oemmanufacturername: 'oemManufacturerName',
  modelname: 'modelName',
  grouptag: 'groupTag',
};

/**
 * One device as a Partner Center client sends it, as this service's device entry: the identifying fields
 * under their names here, `null`s dropped (the SDK sends them for fields it has no value for), and every
 * other field (`Id`, `Policies`, `CreatedBy`, `UploadedDate`, `AllowedOperations`, `Attributes`) left out.
 * Anything that is not an object stays as it is, so the shared validation refuses that one device (801).
 */
export function toDeviceEntry(device: unknown): unknown {
  if (!isPlainObject(device)) return device;
  const entry: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(device)) {
    const field = DEVICE_FIELDS[key.toLowerCase()];
    if (field !== undefined && value !== null && value !== undefined) entry[field] = value;
  }
  return entry;
}

/** A device as Partner Center's clients send it (for the OpenAPI document; the handlers read any casing). */
export const PcDeviceInputSchema = z
  .object({
    SerialNumber: z.string().nullable().optional(),
    ProductKey: z.string().nullable().optional(),
    HardwareHash: z.string().nullable().optional(),
    OemManufacturerName: z.string().nullable().optional(),
    ModelName: z.string().nullable().optional(),
  })
  .describe(
    'Property names match without case; null means absent; Id, Policies, CreatedBy, UploadedDate, AllowedOperations, Attributes and unknown fields are ignored',
  );

export const PC_BATCH_NAME_MAX = 256;

/**
 * A batch's name is free text chosen by the partner (Partner Center's own example is `Test batch`). It
 * travels unescaped in the SDK's URL paths, so a name that could not be a path segment is refused.
 */
export const PcBatchName = z
  .string({ error: 'BatchId must be a string' })
  .min(1, { error: 'BatchId must not be empty' })
  .max(PC_BATCH_NAME_MAX, { error: `BatchId may be at most ${PC_BATCH_NAME_MAX} characters` })
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f/\\?#]+$/, {
    error: 'BatchId may not hold control characters, "/", "\\", "?" or "#"',
  })
  .refine((name) => name.trim() === name, { error: 'BatchId may not start or end with spaces' });

const devicesArray = z
  .array(z.unknown(), { error: 'Devices must be an array of devices' })
  .min(1, { error: 'Devices must hold at least one device' })
  .max(MAX_DEVICES_PER_BATCH, { error: `Devices may hold at most ${MAX_DEVICES_PER_BATCH} devices` });

/** `POST /v1/customers/{id}/deviceBatches`: the SDK's DeviceBatchCreationRequest. */
export const PcBatchCreationSchema = z.preprocess(
  lowerCaseKeys,
  z.object({ batchid: PcBatchName, devices: devicesArray.transform((d) => d.map(toDeviceEntry)) }),
);

/** `POST .../deviceBatches/{batch}/devices`: a bare array of the SDK's Device. */
export const PcAddDevicesSchema = devicesArray.transform((d) => d.map(toDeviceEntry));

export const PcTenantParams = z.object({ tenantId: Guid });
export const PcBatchParams = z.object({ tenantId: Guid, batchName: PcBatchName });
export const PcTrackingParams = z.object({ tenantId: Guid, trackingId: Guid });
export const PcDeviceParams = z.object({
  tenantId: Guid,
  batchName: PcBatchName,
  deviceId: z.string().min(1).max(200),
});

const attributes = (objectType: string) =>
  z.object({ objectType: z.literal(objectType) }).describe(`Always {"objectType": "${objectType}"}`);

/** The SDK's Link: where the devices of a batch are listed. */
export const PcLinkSchema = z.object({
  uri: z.string(),
  method: z.literal('GET'),
  headers: z.array(z.object({ key: z.string(), value: z.string() })),
});

export const PcDeviceBatchSchema = z.object({
  id: z.string().describe("The batch's name, as the partner first sent it"),
  creationDate: z.iso.datetime(),
  devicesCount: z
    .number()
    .int()
    .describe('Devices this batch registered (deregistrations are not subtracted)'),
  devicesLink: PcLinkSchema,
  attributes: attributes('DeviceBatch'),
});

export const PcDeviceBatchCollectionSchema = z.object({
  totalCount: z.number().int(),
  items: z.array(PcDeviceBatchSchema),
  attributes: attributes('Collection'),
});

export const PcDeviceSchema = z.object({
  id: z.string().describe('The device ID (DELETE .../devices/{id} deregisters it)'),
  serialNumber: z.string().optional(),
  productKey: z.string().optional(),
  hardwareHash: z.string().optional(),
  modelName: z.string().optional(),
  oemManufacturerName: z.string().optional(),
  policies: z.array(z.object({ key: z.string(), value: z.string().nullable() })),
  uploadedDate: z.iso.datetime(),
  attributes: attributes('Device'),
});

export const PcDeviceCollectionSchema = z.object({
  totalCount: z.number().int().describe('Devices on this page'),
  items: z.array(PcDeviceSchema),
  continuationToken: z
    .string()
    .optional()
    .describe('Present when there is a next page: send it in the MS-ContinuationToken header'),
  attributes: attributes('Collection'),
});

export const PcDeviceUploadDetailsSchema = z.object({
  deviceId: z.string().optional(),
  serialNumber: z.string().optional(),
  productKey: z.string().optional(),
  status: z.enum(PC_STATUSES),
  errorCode: z
    .string()
    .optional()
    .describe('The Windows Autopilot error number as a string ("806", "808"), or a code of this service'),
  errorDescription: z.string().optional().describe("The error's name, e.g. ZtdDeviceAssignedToOtherTenant"),
  errorDetail: z.string().optional().describe('What is wrong and what to do, in a sentence'),
  attributes: attributes('DeviceUploadDetails'),
});

export const PcBatchUploadDetailsSchema = z.object({
  batchTrackingId: Guid,
  status: z.enum(PC_STATUSES),
  detailedStatus: z
    .enum(BATCH_STATUSES)
    .describe("This service's own status, beside Partner Center's (awaiting_consent reads queued)"),
  statusDescription: z.string().optional().describe('Why the upload is where it is, when that needs saying'),
  startedTime: z.iso.datetime().optional(),
  completedTime: z.iso.datetime().optional(),
  devicesStatus: z.array(PcDeviceUploadDetailsSchema),
  attributes: attributes('BatchUploadDetails'),
});

export const PcRelationshipRequestSchema = z.object({
  url: z.url(),
  attributes: attributes('RelationshipRequest'),
});

/** Partner Center's error body (the SDK's ApiFault reads code, description and data). */
export const PcErrorSchema = z.object({
  code: z.string(),
  description: z.string(),
  data: z.array(z.unknown()),
  source: z.string(),
});

export const PcThrottledSchema = z.object({ statusCode: z.literal(429), message: z.string() });

export type PcDeviceBatch = z.infer<typeof PcDeviceBatchSchema>;
export type PcDevice = z.infer<typeof PcDeviceSchema>;
export type PcDeviceUploadDetails = z.infer<typeof PcDeviceUploadDetailsSchema>;
export type PcBatchUploadDetails = z.infer<typeof PcBatchUploadDetailsSchema>;
export type PcError = z.infer<typeof PcErrorSchema>;

/** Where an upload's status is read: no `/v1`, as Partner Center answers (PowerShell takes segment 4). */
export const trackingLocation = (tenantId: string, trackingId: string): string =>
  `/customers/${tenantId}/batchJobStatus/${trackingId}`;

export const devicesLink = (tenantId: string, batchName: string) => ({
  uri: `/customers/${tenantId}/deviceBatches/${encodeURIComponent(batchName)}/devices`,
  method: 'GET' as const,
  headers: [],
});
