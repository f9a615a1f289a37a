import type { HttpResponseInit, InvocationContext } from '@azure/functions';
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
import { parsePcJson, pcJson } from '../../shared/adapters/http/partnerCenterHandler';
import {
  PcAddDevicesSchema,
  PcBatchCreationSchema,
  PcBatchParams,
  PcDeviceParams,
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
  const body = PcBatchCreationSchema.parse(parsePcJson(call.request, call.body));
  const trackingId = await createBatch(writeDeps(call.svc, call.context), call.principal, tenantId, {
    name: body.batchid,
    devices: body.devices,
  });
  return accepted(tenantId, trackingId);
}

/** POST /v1/customers/{id}/deviceBatches/{batch}/devices: a new upload of devices to the batch. */
export async function postPcDevices(call: PcCall<PartnerClient>): Promise<HttpResponseInit> {
  const { tenantId, batchName } = PcBatchParams.parse(call.request.params);
  const devices = PcAddDevicesSchema.parse(parsePcJson(call.request, call.body));
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
