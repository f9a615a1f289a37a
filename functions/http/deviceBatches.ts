import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { deregisterDevice } from '../../shared/application/batches/deregisterDevice';
import { getDeviceBatch, listBatchDevices } from '../../shared/application/batches/readDeviceBatch';
import { submitDeviceBatch } from '../../shared/application/batches/submitDeviceBatch';
import { validateDeviceBatch } from '../../shared/application/batches/validateDeviceBatch';
import type { Services } from '../../shared/compositionRoot';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { readJson } from '../../shared/adapters/http/requestBody';
import { invocationDeps } from '../../shared/adapters/durable/invocationDeps';
import { TenantIdParams } from '../../shared/contract/customerContract';
import {
  BatchAcceptedSchema,
  BatchParams,
  BatchStatusSchema,
  DeviceBatchRequestSchema,
  DeviceListQuerySchema,
  DeviceOutcomePageSchema,
  DeviceParams,
  DeviceSchema,
  MAX_BATCH_BODY_BYTES,
  ValidateRequestSchema,
  ValidateResponseSchema,
  toBatchStatus,
  toDeviceOutcomePage,
} from '../../shared/contract/deviceBatchContract';
import { jsonBody, ok, problem, refusals } from '../../shared/contract/openApiParts';
import type { PartnerClient, PartnerPrincipal, Principal } from '../../shared/domain/identity/principal';

const batchLocation = (tenantId: string, batchId: string) =>
  `/api/v1/customers/${tenantId}/deviceBatches/${encodeURIComponent(batchId)}`;

/** POST …/deviceBatches: 202 with the batch's status URL; the batchId makes retries safe. */
export async function postDeviceBatch(
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
  principal: PartnerClient,
): Promise<HttpResponseInit> {
  const { tenantId } = TenantIdParams.parse(request.params);
  const body = await readJson(request, DeviceBatchRequestSchema, MAX_BATCH_BODY_BYTES);
  const { batch } = await submitDeviceBatch(invocationDeps(svc, context), principal, 'api', tenantId, body);
  return json(
    202,
    { batchId: batch.batchId, status: batch.status },
    { location: batchLocation(tenantId, batch.batchId) },
  );
}

/** POST …/deviceBatches/validate: consent and per-device checks, writing nothing. */
export async function postValidate(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  principal: PartnerClient,
): Promise<HttpResponseInit> {
  const { tenantId } = TenantIdParams.parse(request.params);
  const body = await readJson(request, ValidateRequestSchema, MAX_BATCH_BODY_BYTES);
  const result = await validateDeviceBatch(svc.batchDeps, principal, tenantId, body.devices);
  return json(200, {
    consent: { status: result.consent },
    ownershipChecked: result.ownershipChecked,
    devices: result.devices.map((d) => ({
      index: d.index,
      status: d.status,
      errorCode: d.error?.errorCode ?? null,
      errorNumber: d.error?.errorNumber ?? null,
      errorDescription: d.error?.errorDescription ?? null,
      hardwareHashDevice: d.hardwareHashDevice,
    })),
  });
}

export async function getBatch(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  principal: PartnerPrincipal,
): Promise<HttpResponseInit> {
  const { tenantId, batchId } = BatchParams.parse(request.params);
  return json(200, toBatchStatus(await getDeviceBatch(svc.batchDeps, principal, tenantId, batchId)));
}

export async function getBatchDevices(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  principal: PartnerPrincipal,
): Promise<HttpResponseInit> {
  const { tenantId, batchId } = BatchParams.parse(request.params);
  const query = DeviceListQuerySchema.parse(Object.fromEntries(request.query.entries()));
  return json(
    200,
    toDeviceOutcomePage(await listBatchDevices(svc.batchDeps, principal, tenantId, batchId, query)),
  );
}

/** DELETE …/devices/{deviceId}: by the partner that registered it, or the tenant's Global Administrator. */
export async function deleteDevice(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  principal: Principal,
): Promise<HttpResponseInit> {
  const { tenantId, deviceId } = DeviceParams.parse(request.params);
  await deregisterDevice(svc.batchDeps, principal, tenantId, deviceId);
  return { status: 204 };
}

// The body's devices are parsed one by one (a bad device fails alone); this is their shape.
const Device = DeviceSchema.meta({ id: 'Device' });
const batchBody = DeviceBatchRequestSchema.extend({ devices: z.array(Device).min(1).max(100_000) });

export const deviceBatchRoutes: readonly HttpRoute[] = [
  {
    name: 'submitDeviceBatch',
    method: 'POST',
    route: 'api/v1/customers/{tenantId}/deviceBatches',
    // Only submission starts an orchestration, so only it takes the durable client input.
    durableClient: true,
    handler: apiHandler(postDeviceBatch, { principal: 'partnerClient' }),
    openApi: {
      summary:
        'Submit up to 100,000 devices; batchId is the idempotency key; waits for consent if there is none',
      request: { params: TenantIdParams, body: jsonBody(batchBody.meta({ id: 'DeviceBatchRequest' })) },
      responses: {
        202: { description: 'Accepted; Location is the status URL', ...jsonBody(BatchAcceptedSchema) },
        ...refusals,
        409: problem('batchId already used with different devices'),
        413: problem('Body over 64 MiB'),
      },
    },
  },
  {
    name: 'validateDeviceBatch',
    method: 'POST',
    route: 'api/v1/customers/{tenantId}/deviceBatches/validate',
    handler: apiHandler(postValidate, { principal: 'partnerClient' }),
    openApi: {
      summary: 'Check consent and each device before submitting; writes nothing',
      request: {
        params: TenantIdParams,
        body: jsonBody(ValidateRequestSchema.extend({ devices: batchBody.shape.devices })),
      },
      responses: {
        200: ok('Consent and per-device checks', ValidateResponseSchema),
        ...refusals,
        413: problem('Body over 64 MiB'),
      },
    },
  },
  {
    name: 'getDeviceBatch',
    method: 'GET',
    route: 'api/v1/customers/{tenantId}/deviceBatches/{batchId}',
    handler: apiHandler(getBatch, { principal: 'partner' }),
    openApi: {
      summary: "A batch's status and progress",
      request: { params: BatchParams },
      responses: {
        200: ok('Batch status', BatchStatusSchema.meta({ id: 'DeviceBatchStatus' })),
        ...refusals,
        404: problem('No such batch of yours'),
      },
    },
  },
  {
    name: 'listDeviceBatchDevices',
    method: 'GET',
    route: 'api/v1/customers/{tenantId}/deviceBatches/{batchId}/devices',
    handler: apiHandler(getBatchDevices, { principal: 'partner' }),
    openApi: {
      summary: "A batch's devices with their outcome, in submission order, paged",
      request: { params: BatchParams, query: DeviceListQuerySchema },
      responses: {
        200: ok('A page of devices', DeviceOutcomePageSchema),
        ...refusals,
        404: problem('No such batch of yours'),
      },
    },
  },
  {
    name: 'deregisterDevice',
    method: 'DELETE',
    route: 'api/v1/customers/{tenantId}/devices/{deviceId}',
    handler: apiHandler(deleteDevice, { principal: 'any' }),
    openApi: {
      summary: 'Deregister a device (the partner that registered it, or the tenant’s Global Administrator)',
      request: { params: DeviceParams },
      responses: {
        204: { description: 'Deregistered' },
        ...refusals,
        404: problem('No such device for you'),
      },
    },
  },
];
