/**
 * Partner Center's clients on the wire, written from their sources and documentation rather than from
 * this service's code, so that tests sending these bodies and reading answers through this client prove
 * that those clients work here.
 *
 * Request bodies, as each client's Newtonsoft settings serialise the SDK's models (compact, PascalCase,
 * derived-class properties before the base class's `Attributes`):
 * - the Microsoft .NET SDK (Microsoft.Store.PartnerCenter), written from its Device model (which has since
 *   gained ModelName and OemManufacturerName) in the layout of the body Partner Center's REST reference
 *   captured (DOCUMENTED_BATCH_CREATION_BODY below): `null`s kept, `Id` first,
 *   `UploadedDate` "0001-01-01T00:00:00" (DateTime.MinValue, no zone);
 * - the PartnerCenter PowerShell module (its PartnerCenter.DotNet SDK, PartnerServiceClient's settings:
 *   NullValueHandling.Ignore, DateTimeZoneHandling.Utc): no `null`s, properties in declaration order
 *   (alphabetical in its Device class), `UploadedDate` "0001-01-01T00:00:00Z", and
 *   `Attributes: {"ObjectType": ...}` (its `Etag` is null, so left out).
 */
/**
 * The request body Partner Center's REST reference prints, verbatim, for "Upload a list of devices to create
 * a new batch for the specified customer" (Request example;
 * https://learn.microsoft.com/en-us/partner-center/developer/upload-a-list-of-devices-to-create-a-new-batch-for-the-specified-customer):
 * an older .NET SDK's capture, pretty-printed, without ModelName/OemManufacturerName, with a hash that is
 * not a real hardware hash. Partner Center answers it 202 (Response example: `Content-Length: 0`,
 * `Location: /customers/{id}/batchJobStatus/{trackingId}`).
 */
export const DOCUMENTED_BATCH_CREATION_BODY = `{
    "BatchId": "SDKTestDeviceBatch",
    "Devices": [{
            "Id": null,
            "SerialNumber": "1R9-ZNP67",
            "ProductKey": "00329-00000-0003-AA606",
            "HardwareHash": "DummyHash123",
            "Policies": null,
            "CreatedBy": null,
            "UploadedDate": "0001-01-01T00:00:00",
            "AllowedOperations": null,
            "Attributes": {
                "ObjectType": "Device"
            }
        }
    ],
    "Attributes": {
        "ObjectType": "DeviceBatchCreationRequest"
    }
}`;

/**
 * The response body Partner Center's REST reference prints, verbatim, for "Get the status of a device batch
 * upload" (Response example, `HTTP/1.1 200 OK`;
 * https://learn.microsoft.com/en-us/partner-center/developer/get-the-status-of-a-device-batch-upload).
 */
export const DOCUMENTED_BATCH_UPLOAD_DETAILS = `{
    "batchTrackingId": "0127ed8e-ff72-4983-a3d8-e8d8bd378932",
    "status": "finished",
    "startedTime": "2017-07-25T10:00:00",
    "completedTime": "2017-07-25T10:10:00",
    "devicesStatus": [{
            "serialNumber": "1234567890",
            "productKey": "12345-67890-09876-54321-13579",
            "status": "finished_with_errors",
            "errorCode": "808",
            "errorDescription": "ZtdDeviceAssignedToOtherTenant",
            "attributes": {
                "objectType": "DeviceUploadDetails"
            }
        }
    ],
    "attributes": {
        "objectType": "BatchUploadDetails"
    }
}`;

export interface WireDevice {
  readonly serialNumber?: string;
  readonly productKey?: string;
  readonly hardwareHash?: string;
  readonly modelName?: string;
  readonly oemManufacturerName?: string;
}

const str = (value: string | undefined): string => (value === undefined ? 'null' : JSON.stringify(value));

/** One Device as the Microsoft .NET SDK sends it. */
export function dotnetSdkDevice(d: WireDevice): string {
  return (
    `{"Id":null,"SerialNumber":${str(d.serialNumber)},"ProductKey":${str(d.productKey)},` +
    `"HardwareHash":${str(d.hardwareHash)},"ModelName":${str(d.modelName)},` +
    `"OemManufacturerName":${str(d.oemManufacturerName)},"Policies":null,"CreatedBy":null,` +
    `"UploadedDate":"0001-01-01T00:00:00","AllowedOperations":null,"Attributes":{"ObjectType":"Device"}}`
  );
}

/** DeviceBatchCreationRequest as the Microsoft .NET SDK sends it. */
export const dotnetSdkBatchCreation = (batchId: string, devices: readonly WireDevice[]): string =>
  `{"BatchId":${JSON.stringify(batchId)},"Devices":[${devices.map(dotnetSdkDevice).join(',')}],` +
  `"Attributes":{"ObjectType":"DeviceBatchCreationRequest"}}`;

/** The bare Device array of "add devices to a batch", as the Microsoft .NET SDK sends it. */
export const dotnetSdkDeviceList = (devices: readonly WireDevice[]): string =>
  `[${devices.map(dotnetSdkDevice).join(',')}]`;

/** One Device as the PowerShell module sends it (New-PartnerCustomerDeviceBatch). */
export function powerShellDevice(d: WireDevice): string {
  const fields: [string, string | undefined][] = [
    ['HardwareHash', d.hardwareHash],
    ['ModelName', d.modelName],
    ['OemManufacturerName', d.oemManufacturerName],
    ['ProductKey', d.productKey],
    ['SerialNumber', d.serialNumber],
  ];
  const present = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `"${k}":${JSON.stringify(v)}`);
  return `{${[...present, '"UploadedDate":"0001-01-01T00:00:00Z"', '"Attributes":{"ObjectType":"Device"}'].join(',')}}`;
}

export const powerShellBatchCreation = (batchId: string, devices: readonly WireDevice[]): string =>
  `{"BatchId":${JSON.stringify(batchId)},"Devices":[${devices.map(powerShellDevice).join(',')}],` +
  `"Attributes":{"ObjectType":"DeviceBatchCreationRequest"}}`;

export const powerShellDeviceList = (devices: readonly WireDevice[]): string =>
  `[${devices.map(powerShellDevice).join(',')}]`;

/** The headers the SDKs send with every call (PartnerServiceClient.AddRequestHeadersAsync). */
export function sdkHeaders(token: string, requestId: string, correlationId: string): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    accept: 'application/json',
    'ms-partnercenter-client': 'Partner Center .NET SDK',
    'ms-correlationid': correlationId,
    'x-locale': 'en-US',
    'ms-requestid': requestId,
    'ms-sdkversion': '1.15.6',
    'ms-partnercenter-application': 'Partner Center .NET SDK Samples',
  };
}

/**
 * Reading answers as the SDK does, strictly: a status value is parsed as the SDK's EnumJsonConverter does
 * (first letter and every letter after "_" upper-cased, then an exact DeviceUploadStatusType name), which
 * throws on anything else — "in-progress" included.
 */
const SDK_STATUS_NAMES = ['Unknown', 'Queued', 'Processing', 'Finished', 'FinishedWithErrors'];

export function sdkParseStatus(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new Error(`status ${String(value)} is not a string`);
  let pascal = value[0]!.toUpperCase();
  for (let i = 1; i < value.length; i++)
    pascal += value[i] === '_' ? (value[++i] ?? '').toUpperCase() : value[i];
  if (!SDK_STATUS_NAMES.includes(pascal)) throw new Error(`the SDK cannot parse status "${value}"`);
  return pascal;
}

/** The batch statuses Partner Center documents for BatchUploadDetails. */
export const DOCUMENTED_BATCH_STATUSES = [
  'unknown',
  'queued',
  'processing',
  'finished',
  'finished_with_errors',
];

type Json = Record<string, unknown>;

function fail(message: string, value: unknown): never {
  throw new Error(`${message}: ${JSON.stringify(value)}`);
}

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(`${what} is not an object`, value);
  return value as Json;
}

function resource(value: unknown, objectType: string): Json {
  const item = object(value, objectType);
  const attributes = object(item.attributes, `${objectType}.attributes`);
  if (attributes.objectType !== objectType) fail(`attributes.objectType is not ${objectType}`, item);
  return item;
}

function optionalString(item: Json, field: string): void {
  if (item[field] !== undefined && typeof item[field] !== 'string') fail(`${field} is not a string`, item);
}

function optionalDate(item: Json, field: string): void {
  const v = item[field];
  if (v === undefined) return;
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) fail(`${field} is not a date`, item);
}

function collection(body: unknown, objectType: string): Json[] {
  const c = resource(body, 'Collection');
  if (!Number.isInteger(c.totalCount)) fail('totalCount is not an integer', c);
  if (!Array.isArray(c.items)) fail('items is not an array', c);
  return (c.items as unknown[]).map((i) => resource(i, objectType));
}

export interface PcDeviceBatchRead {
  readonly id: string;
  readonly devicesCount: number;
  readonly creationDate: string;
  readonly devicesLinkUri: string;
}

export function readDeviceBatches(body: unknown): PcDeviceBatchRead[] {
  return collection(body, 'DeviceBatch').map((b) => {
    if (typeof b.id !== 'string') fail('id is not a string', b);
    if (!Number.isInteger(b.devicesCount)) fail('devicesCount is not an integer', b);
    optionalDate(b, 'creationDate');
    const link = object(b.devicesLink, 'devicesLink');
    if (typeof link.uri !== 'string' || link.method !== 'GET' || !Array.isArray(link.headers))
      fail('devicesLink is not a Link', link);
    return {
      id: b.id,
      devicesCount: b.devicesCount as number,
      creationDate: b.creationDate as string,
      devicesLinkUri: link.uri,
    };
  });
}

export interface PcDeviceRead {
  readonly id: string;
  readonly serialNumber?: string;
  readonly productKey?: string;
  readonly modelName?: string;
  readonly oemManufacturerName?: string;
}

export function readDevicePage(body: unknown): { items: PcDeviceRead[]; continuationToken?: string } {
  const items = collection(body, 'Device').map((d) => {
    if (typeof d.id !== 'string' || d.id === '') fail('id is not a device id', d);
    for (const f of ['serialNumber', 'productKey', 'hardwareHash', 'modelName', 'oemManufacturerName'])
      optionalString(d, f);
    if (d.policies !== undefined && !Array.isArray(d.policies)) fail('policies is not an array', d);
    optionalDate(d, 'uploadedDate');
    return d as unknown as PcDeviceRead;
  });
  const token = (body as Json).continuationToken;
  if (token !== undefined && (typeof token !== 'string' || token === '')) fail('continuationToken', body);
  return token === undefined ? { items } : { items, continuationToken: token };
}

export interface PcDeviceStatusRead {
  readonly deviceId?: string;
  readonly serialNumber?: string;
  readonly productKey?: string;
  readonly status: string;
  readonly errorCode?: string;
  readonly errorDescription?: string;
}

export interface PcUploadRead {
  readonly batchTrackingId: string;
  readonly status: string;
  readonly devicesStatus: PcDeviceStatusRead[];
  readonly raw: Json;
}

export function readBatchUploadDetails(body: unknown): PcUploadRead {
  const u = resource(body, 'BatchUploadDetails');
  if (typeof u.batchTrackingId !== 'string') fail('batchTrackingId is not a string', u);
  if (!DOCUMENTED_BATCH_STATUSES.includes(u.status as string))
    fail('status is not a Partner Center status', u);
  sdkParseStatus(u.status);
  optionalDate(u, 'startedTime');
  optionalDate(u, 'completedTime');
  if (!Array.isArray(u.devicesStatus)) fail('devicesStatus is not an array', u);
  const devicesStatus = (u.devicesStatus as unknown[]).map((value) => {
    const d = resource(value, 'DeviceUploadDetails');
    sdkParseStatus(d.status);
    for (const f of ['deviceId', 'serialNumber', 'productKey', 'errorCode', 'errorDescription'])
      optionalString(d, f);
    return d as unknown as PcDeviceStatusRead;
  });
  return { batchTrackingId: u.batchTrackingId, status: u.status as string, devicesStatus, raw: u };
}

/** The tracking ID as PowerShell reads it: `Location.Split('/')[4]`, which must be a GUID. */
export function trackingIdOf(location: string | null, tenantId: string): string {
  if (location === null) throw new Error('no Location header');
  const parts = location.split('/');
  const trackingId = parts[4];
  if (
    parts.length !== 5 ||
    parts[0] !== '' ||
    parts[1] !== 'customers' ||
    parts[2] !== tenantId ||
    parts[3] !== 'batchJobStatus' ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(trackingId ?? '')
  ) {
    throw new Error(`Location is not /customers/{id}/batchJobStatus/{trackingId}: ${location}`);
  }
  return trackingId!;
}

export interface PcErrorRead {
  readonly code: string;
  readonly description: string;
  readonly data: unknown[];
  readonly source: string;
}

/** Partner Center's error body (the SDK's ApiFault), strictly. */
export function readError(body: unknown): PcErrorRead {
  const e = object(body, 'error');
  if (typeof e.code !== 'string' || e.code === '') fail('code', e);
  if (typeof e.description !== 'string' || e.description === '' || e.description.length > 1024)
    fail('description', e);
  if (!Array.isArray(e.data)) fail('data', e);
  if (typeof e.source !== 'string' || e.source === '') fail('source', e);
  return e as unknown as PcErrorRead;
}
