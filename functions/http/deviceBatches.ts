import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { deregisterDevice } from '../../shared/application/batches/deregisterDevice';
import { getDeviceBatch, listBatchDevices } from '../../shared/application/batches/readDeviceBatch';
import { submitDeviceBatch } from '../../shared/application/batches/submitDeviceBatch';
import { validateDeviceBatch } from '../../shared/application/batches/validateDeviceBatch';
import type { Services } from '../../shared/compositionRoot';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import { authenticate, authenticatePartner } from '../../shared/adapters/http/authentication';
import { readJson } from '../../shared/adapters/http/requestBody';
import { invocationDeps } from '../../shared/adapters/durable/invocationDeps';
import { TenantIdParams } from '../../shared/contract/customerContract';
import {
  BatchParams,
  DeviceBatchRequestSchema,
  DeviceListQuerySchema,
  DeviceParams,
  MAX_BATCH_BODY_BYTES,
  ValidateRequestSchema,
  toBatchStatus,
  toDeviceOutcomePage,
} from '../../shared/contract/deviceBatchContract';
import { assertPartnerClient } from '../../shared/domain/identity/principal';

const batchLocation = (tenantId: string, batchId: string) =>
  `/api/v1/customers/${tenantId}/deviceBatches/${encodeURIComponent(batchId)}`;

/** POST …/deviceBatches: 202 with the batch's status URL; the batchId makes retries safe. */
export async function postDeviceBatch(
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const { principal } = await authenticate(request, svc);
  assertPartnerClient(principal);
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
): Promise<HttpResponseInit> {
  const { principal } = await authenticate(request, svc);
  assertPartnerClient(principal);
  const { tenantId } = TenantIdParams.parse(request.params);
  const body = await readJson(request, ValidateRequestSchema, MAX_BATCH_BODY_BYTES);
  const result = await validateDeviceBatch(svc.batchDeps, principal, tenantId, body.devices);
  return json(200, {
    consent: { status: result.consent },
    devices: result.devices.map((d) => ({
      index: d.index,
      status: d.status,
      errorCode: d.error?.errorCode ?? null,
      errorNumber: d.error?.errorNumber ?? null,
      errorDescription: d.error?.errorDescription ?? null,
    })),
  });
}

export async function getBatch(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const principal = await authenticatePartner(request, svc);
  const { tenantId, batchId } = BatchParams.parse(request.params);
  return json(200, toBatchStatus(await getDeviceBatch(svc.batchDeps, principal, tenantId, batchId)));
}

export async function getBatchDevices(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const principal = await authenticatePartner(request, svc);
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
): Promise<HttpResponseInit> {
  const { principal } = await authenticate(request, svc);
  const { tenantId, deviceId } = DeviceParams.parse(request.params);
  await deregisterDevice(svc.batchDeps, principal, tenantId, deviceId);
  return { status: 204 };
}

// Only submission starts an orchestration, so only it takes the durable client input.
app.http('submitDeviceBatch', {
  methods: ['POST'],
  authLevel: 'anonymous',
  route: 'v1/customers/{tenantId}/deviceBatches',
  extraInputs: [df.input.durableClient()],
  handler: apiHandler(postDeviceBatch),
});
app.http('validateDeviceBatch', {
  methods: ['POST'],
  authLevel: 'anonymous',
  route: 'v1/customers/{tenantId}/deviceBatches/validate',
  handler: apiHandler(postValidate),
});
app.http('getDeviceBatch', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'v1/customers/{tenantId}/deviceBatches/{batchId}',
  handler: apiHandler(getBatch),
});
app.http('listDeviceBatchDevices', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'v1/customers/{tenantId}/deviceBatches/{batchId}/devices',
  handler: apiHandler(getBatchDevices),
});
app.http('deregisterDevice', {
  methods: ['DELETE'],
  authLevel: 'anonymous',
  route: 'v1/customers/{tenantId}/devices/{deviceId}',
  handler: apiHandler(deleteDevice),
});
