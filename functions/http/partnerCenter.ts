import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import {
  addDevices,
  createBatch,
  deleteDevice,
  listBatches,
  listDevices,
  uploadStatus,
} from '../../shared/application/partnerCenter/partnerCenterBatches';
import type { PartnerCenterDependencies } from '../../shared/application/partnerCenter/partnerCenterBatches';
import { pcBatchStatus, statusDescription } from '../../shared/application/partnerCenter/partnerCenterStatus';
import { relationshipRequestUrl } from '../../shared/application/partnerCenter/relationshipRequest';
import type { Services } from '../../shared/compositionRoot';
import { invocationDeps } from '../../shared/adapters/durable/invocationDeps';
import type { PcCall } from '../../shared/adapters/http/partnerCenterHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { partnerCenterHandler, pcJson } from '../../shared/adapters/http/partnerCenterHandler';
import { parseJsonBody } from '../../shared/adapters/http/requestBody';
import { guidParam, jsonBody, ok } from '../../shared/contract/openApiParts';
import {
  PcAddDevicesSchema,
  PcBatchCreationSchema,
  PcBatchParams,
  PcBatchUploadDetailsSchema,
  PcDeviceBatchCollectionSchema,
  PcDeviceCollectionSchema,
  PcDeviceInputSchema,
  PcDeviceParams,
  PcErrorSchema,
  PcRelationshipRequestSchema,
  PcTenantParams,
  PcTrackingParams,
  devicesLink,
  trackingLocation,
} from '../../shared/contract/partnerCenterContract';
import type {
  PcBatchUploadDetails,
  PcDevice,
  PcDeviceBatch,
  PcDeviceUploadDetails,
} from '../../shared/contract/partnerCenterContract';
import type { PartnerClient, PartnerPrincipal } from '../../shared/domain/identity/principal';

/**
 * Partner Center's device-batch calls at the host's root (`/v1/...`), thin: parse Partner Center's
 * request, call the Partner Center use cases (which run on the API's own), answer Partner Center's shapes.
 * The wrapper (partnerCenterHandler) authenticates, shapes errors and replays retried POSTs.
 */
const readDeps = (svc: Services): PartnerCenterDependencies => ({
  ...svc.batchDeps,
  partnerCenter: svc.partnerCenter,
});
const writeDeps = (svc: Services, context: InvocationContext): PartnerCenterDependencies => ({
  ...invocationDeps(svc, context),
  partnerCenter: svc.partnerCenter,
});

const accepted = (tenantId: string, trackingId: string): HttpResponseInit => ({
  status: 202,
  headers: { location: trackingLocation(tenantId, trackingId), 'cache-control': 'no-store' },
  body: '',
});

/** POST /v1/customers/{id}/deviceBatches: creates a named batch with its first devices. */
export async function postPcDeviceBatch(call: PcCall<PartnerClient>): Promise<HttpResponseInit> {
  const { tenantId } = PcTenantParams.parse(call.request.params);
  const body = PcBatchCreationSchema.parse(parseJsonBody(call.request, call.body));
  const trackingId = await createBatch(writeDeps(call.svc, call.context), call.principal, tenantId, {
    name: body.batchid,
    devices: body.devices,
  });
  return accepted(tenantId, trackingId);
}

/** POST /v1/customers/{id}/deviceBatches/{batch}/devices: a new upload of devices to the batch. */
export async function postPcDevices(call: PcCall<PartnerClient>): Promise<HttpResponseInit> {
  const { tenantId, batchName } = PcBatchParams.parse(call.request.params);
  const devices = PcAddDevicesSchema.parse(parseJsonBody(call.request, call.body));
  const trackingId = await addDevices(
    writeDeps(call.svc, call.context),
    call.principal,
    tenantId,
    batchName,
    devices,
    call.requestId,
  );
  return accepted(tenantId, trackingId);
}

/** GET /v1/customers/{id}/deviceBatches */
export async function getPcDeviceBatches(call: PcCall<PartnerPrincipal>): Promise<HttpResponseInit> {
  const { tenantId } = PcTenantParams.parse(call.request.params);
  const batches = await listBatches(readDeps(call.svc), call.principal, tenantId);
  const items: PcDeviceBatch[] = batches.map((b) => ({
    id: b.name,
    creationDate: b.createdAt,
    devicesCount: b.devicesCount,
    devicesLink: devicesLink(tenantId, b.name),
    attributes: { objectType: 'DeviceBatch' },
  }));
  return pcJson(200, { totalCount: items.length, items, attributes: { objectType: 'Collection' } });
}

/** GET /v1/customers/{id}/deviceBatches/{batch}/devices: pages of 100, the next asked with MS-ContinuationToken. */
export async function getPcDevices(call: PcCall<PartnerPrincipal>): Promise<HttpResponseInit> {
  const { tenantId, batchName } = PcBatchParams.parse(call.request.params);
  const token = call.request.headers.get('ms-continuationtoken') ?? undefined;
  const page = await listDevices(readDeps(call.svc), call.principal, tenantId, batchName, token || undefined);
  const items: PcDevice[] = page.items.map(({ outcome, uploadedDate }) => ({
    id: outcome.deviceId ?? '',
    ...(outcome.serialNumber !== null ? { serialNumber: outcome.serialNumber } : {}),
    ...(outcome.productKey !== null ? { productKey: outcome.productKey } : {}),
    ...(outcome.model !== null ? { modelName: outcome.model } : {}),
    ...(outcome.manufacturer !== null ? { oemManufacturerName: outcome.manufacturer } : {}),
    policies: [],
    uploadedDate,
    attributes: { objectType: 'Device' },
  }));
  return pcJson(200, {
    totalCount: items.length,
    items,
    ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    attributes: { objectType: 'Collection' },
  });
}

/** DELETE /v1/customers/{id}/deviceBatches/{batch}/devices/{deviceId}: deregisters the device. */
export async function deletePcDevice(call: PcCall<PartnerPrincipal>): Promise<HttpResponseInit> {
  const { tenantId, batchName, deviceId } = PcDeviceParams.parse(call.request.params);
  await deleteDevice(readDeps(call.svc), call.principal, tenantId, batchName, deviceId);
  return { status: 204 };
}

/** GET /v1/customers/{id}/batchJobStatus/{trackingId}: an upload's status and each device's. */
export async function getPcBatchJobStatus(call: PcCall<PartnerPrincipal>): Promise<HttpResponseInit> {
  const { tenantId, trackingId } = PcTrackingParams.parse(call.request.params);
  const { batch, devices } = await uploadStatus(readDeps(call.svc), call.principal, tenantId, trackingId);
  const description = statusDescription(batch);
  const devicesStatus: PcDeviceUploadDetails[] = devices.map(({ outcome, status }) => ({
    ...(outcome.deviceId !== null ? { deviceId: outcome.deviceId } : {}),
    ...(outcome.serialNumber !== null ? { serialNumber: outcome.serialNumber } : {}),
    ...(outcome.productKey !== null ? { productKey: outcome.productKey } : {}),
    ...status,
    attributes: { objectType: 'DeviceUploadDetails' },
  }));
  const body: PcBatchUploadDetails = {
    batchTrackingId: trackingId,
    status: pcBatchStatus(batch.status),
    detailedStatus: batch.status,
    ...(description ? { statusDescription: description } : {}),
    ...(batch.startedAt ? { startedTime: batch.startedAt } : {}),
    ...(batch.completedAt ? { completedTime: batch.completedAt } : {}),
    devicesStatus,
    attributes: { objectType: 'BatchUploadDetails' },
  };
  return pcJson(200, body);
}

/** GET /v1/customers/relationshiprequests: the partner's DAP-free reseller-relationship link. */
export async function getPcRelationshipRequest(call: PcCall<PartnerPrincipal>): Promise<HttpResponseInit> {
  const url = await relationshipRequestUrl(call.svc.deps, call.principal);
  return pcJson(200, { url, attributes: { objectType: 'RelationshipRequest' } });
}

const PC_TAG = 'Partner Center–compatible';
const pcError = (description: string) => ({
  description,
  content: { 'application/json': { schema: PcErrorSchema.meta({ id: 'PartnerCenterError' }) } },
});
const pcRefusals = {
  400: pcError('The request is not valid; `code` says what, `data` lists the fields'),
  401: pcError('Missing or invalid bearer token'),
  403: pcError('This caller may not do this (indirect resellers: ResellerMustUsePortal)'),
};
const pcHeaders = z.object({
  'MS-RequestId': z
    .string()
    .optional()
    .describe('A GUID per call; a POST retried with the same one (same request) answers as the first time'),
  'MS-CorrelationId': z.string().optional().describe('Echoed back'),
});
const batchNameParam = z.string().describe('The batch name (free text, URL-encoded)');
const tenantParams = z.object({ tenantId: guidParam });
const batchParams = z.object({ tenantId: guidParam, batchName: batchNameParam });
const acceptedUpload = {
  description: 'Accepted: the upload runs; Location is where its status is read',
  headers: z.object({
    Location: z.string().describe('/customers/{id}/batchJobStatus/{trackingId} (relative to <root>/v1)'),
  }),
};
const PcDevice = PcDeviceInputSchema.meta({ id: 'PartnerCenterDevice' });

/** Partner Center's device calls at the host's root, as its .NET SDK and PowerShell module call them. */
export const partnerCenterRoutes: readonly HttpRoute[] = [
  {
    name: 'pcCreateDeviceBatch',
    method: 'POST',
    route: 'v1/customers/{tenantId}/deviceBatches',
    durableClient: true,
    handler: partnerCenterHandler('partnerClient', postPcDeviceBatch),
    openApi: {
      tags: [PC_TAG],
      summary:
        'Create a named device batch with its first devices (Partner Center: upload a list of devices)',
      request: {
        params: tenantParams,
        headers: pcHeaders,
        body: jsonBody(
          z.object({ BatchId: batchNameParam, Devices: z.array(PcDevice).min(1).max(100_000) }).meta({
            id: 'PartnerCenterDeviceBatchCreationRequest',
            description: 'Property names match without case; unknown fields are ignored',
          }),
        ),
      },
      responses: {
        202: acceptedUpload,
        ...pcRefusals,
        409: pcError('A batch of that name exists with other devices (DeviceBatchAlreadyExists)'),
        413: pcError('Body over 64 MiB'),
      },
    },
  },
  {
    name: 'pcListDeviceBatches',
    method: 'GET',
    route: 'v1/customers/{tenantId}/deviceBatches',
    handler: partnerCenterHandler('partner', getPcDeviceBatches),
    openApi: {
      tags: [PC_TAG],
      summary: "The partner's device batches for the customer",
      request: { params: tenantParams, headers: pcHeaders },
      responses: {
        200: ok('Batches', PcDeviceBatchCollectionSchema.meta({ id: 'PartnerCenterDeviceBatchCollection' })),
        ...pcRefusals,
      },
    },
  },
  {
    name: 'pcAddDevices',
    method: 'POST',
    route: 'v1/customers/{tenantId}/deviceBatches/{batchName}/devices',
    durableClient: true,
    handler: partnerCenterHandler('partnerClient', postPcDevices),
    openApi: {
      tags: [PC_TAG],
      summary: 'Add devices to a batch: a new upload with its own tracking ID',
      request: {
        params: batchParams,
        headers: pcHeaders,
        body: jsonBody(z.array(PcDevice).min(1).max(100_000)),
      },
      responses: {
        202: acceptedUpload,
        ...pcRefusals,
        404: pcError('No batch of that name of yours (DeviceBatchNotFound)'),
        413: pcError('Body over 64 MiB'),
      },
    },
  },
  {
    name: 'pcListDevices',
    method: 'GET',
    route: 'v1/customers/{tenantId}/deviceBatches/{batchName}/devices',
    handler: partnerCenterHandler('partner', getPcDevices),
    openApi: {
      tags: [PC_TAG],
      summary: "A batch's registered devices, 100 a page",
      request: {
        params: batchParams,
        headers: pcHeaders.extend({
          'MS-ContinuationToken': z.string().optional().describe("The previous page's continuationToken"),
        }),
      },
      responses: {
        200: ok('A page of devices', PcDeviceCollectionSchema.meta({ id: 'PartnerCenterDeviceCollection' })),
        ...pcRefusals,
        404: pcError('No batch of that name of yours'),
      },
    },
  },
  {
    name: 'pcDeleteDevice',
    method: 'DELETE',
    route: 'v1/customers/{tenantId}/deviceBatches/{batchName}/devices/{deviceId}',
    handler: partnerCenterHandler('partner', deletePcDevice),
    openApi: {
      tags: [PC_TAG],
      summary: 'Delete a device from its batch: deregisters it, freeing it for any tenant',
      request: {
        params: batchParams.extend({ deviceId: z.string() }),
        headers: pcHeaders,
      },
      responses: {
        204: { description: 'Deregistered' },
        ...pcRefusals,
        404: pcError('No such device in that batch of yours'),
      },
    },
  },
  {
    name: 'pcGetBatchJobStatus',
    method: 'GET',
    route: 'v1/customers/{tenantId}/batchJobStatus/{trackingId}',
    handler: partnerCenterHandler('partner', getPcBatchJobStatus),
    openApi: {
      tags: [PC_TAG],
      summary: "An upload's status and each of its devices'",
      request: { params: z.object({ tenantId: guidParam, trackingId: guidParam }), headers: pcHeaders },
      responses: {
        200: ok('The upload', PcBatchUploadDetailsSchema.meta({ id: 'PartnerCenterBatchUploadDetails' })),
        ...pcRefusals,
        404: pcError('No upload with that tracking ID of yours'),
      },
    },
  },
  {
    name: 'pcGetRelationshipRequest',
    method: 'GET',
    route: 'v1/customers/relationshiprequests',
    handler: partnerCenterHandler('partner', getPcRelationshipRequest),
    openApi: {
      tags: [PC_TAG],
      summary: "The partner's reseller-relationship link for customers to accept (no delegated admin roles)",
      request: { headers: pcHeaders },
      responses: {
        200: ok('The link', PcRelationshipRequestSchema.meta({ id: 'PartnerCenterRelationshipRequest' })),
        ...pcRefusals,
      },
    },
  },
];
