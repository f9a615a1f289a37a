import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { failedDevices, pageOfDevices } from '../../shared/application/portal/portalBatchDevices';
import { getVisibleBatch, getVisibleBatchForPage } from '../../shared/application/portal/portalAccess';
import type { Services } from '../../shared/compositionRoot';
import { writeDeviceCsv } from '../../shared/adapters/csv/deviceCsvWriter';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { PortalBatchParams, PortalDeviceQuerySchema } from '../../shared/adapters/web/portalForms';
import type { PortalVisitor } from '../../shared/adapters/web/portalPage';
import { portalHtmlResponse, portalPage, renderPortalPage } from '../../shared/adapters/web/portalPage';
import { BATCH_STATUS_LABELS, batchPagePath, batchSummary } from '../../shared/adapters/web/portalViews';
import { toBatchStatus } from '../../shared/contract/deviceBatchContract';
import { guidParam, ok, page, problem, refusals } from '../../shared/contract/openApiParts';
import type { PortalBatchProgress } from '../../shared/contract/portalContract';
import { PortalBatchProgressSchema } from '../../shared/contract/portalContract';
import type { DeviceBatch } from '../../shared/domain/batches/deviceBatch';
import { TERMINAL_STATUSES } from '../../shared/domain/batches/deviceBatch';
import type { DeviceOutcome } from '../../shared/domain/batches/deviceOutcome';
import { DeviceOutcomeStatusSchema } from '../../shared/domain/batches/deviceOutcome';
import type { DeviceInput } from '../../shared/domain/devices';
import { DEVICE_ERROR_CODES, normalizeIdentifier } from '../../shared/domain/devices';
import type { PartnerUser } from '../../shared/domain/identity/principal';

/** A batch in the portal: live progress, per-device results with filters, and the failed rows as CSV. */
const PAGE_SIZE = 100;

export async function showPortalBatch(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  visitor: PortalVisitor,
): Promise<HttpResponseInit> {
  const ref = PortalBatchParams.parse(request.params);
  const query = PortalDeviceQuerySchema.parse(Object.fromEntries(request.query.entries()));
  const visible = await getVisibleBatchForPage(svc.batchDeps, visitor.principal, ref);
  const { batch, customerDomain } = visible;
  const page = await pageOfDevices(svc.batchDeps, batch, query, query.from, PAGE_SIZE);
  const path = batchPagePath(batch);
  const filterQuery = new URLSearchParams();
  if (query.status) filterQuery.set('status', query.status);
  if (query.errorCode) filterQuery.set('errorCode', query.errorCode);
  const nextUrl = page.next === null ? '' : `${path}?${withFrom(filterQuery, page.next)}`;
  const html = renderPortalPage(
    'portalBatch',
    visitor,
    { title: `Batch ${batch.batchId}`, section: 'customers' },
    {
      batch: batchSummary(visible),
      customerDomain,
      customerUrl: `/api/portal/customers/${batch.tenantId}`,
      statusUrl: `${path}/status`,
      failedRowsUrl: `${path}/failed.csv`,
      selfUrl: path,
      devices: page.items.map(({ outcome, submitted }) => ({
        row: outcome.index + 1,
        ...deviceShown(outcome, submitted),
        productKey: outcome.productKey ?? submitted.productKey ?? '',
        hasHash: Boolean(submitted.hardwareHash),
        status: outcome.status,
        errorCode: outcome.errorCode,
        errorNumber: outcome.errorNumber,
        errorDescription: outcome.errorDescription,
      })),
      filtered: Boolean(query.status ?? query.errorCode),
      statuses: DeviceOutcomeStatusSchema.options.map((value) => ({
        value,
        selected: value === query.status,
      })),
      errorCodes: DEVICE_ERROR_CODES.map((value) => ({ value, selected: value === query.errorCode })),
      nextUrl,
      firstUrl: query.from > 0 ? `${path}?${withFrom(filterQuery, 0)}` : '',
      from: query.from,
    },
  );
  return portalHtmlResponse(200, html);
}

/**
 * The serial number, make and model a row shows: the result's, else the row's as sent, else what its
 * hardware hash says; and the hash's device on a line of its own when it is another serial number (a
 * row refused for carrying another device's hash).
 */
function deviceShown(outcome: DeviceOutcome, submitted: DeviceInput) {
  const hash = outcome.hardwareHashDevice;
  const serialNumber = outcome.serialNumber ?? submitted.serialNumber ?? hash?.serialNumber ?? '';
  const otherSerial =
    hash?.serialNumber != null &&
    normalizeIdentifier(hash.serialNumber) !== normalizeIdentifier(serialNumber);
  return {
    serialNumber,
    manufacturer: outcome.manufacturer ?? submitted.oemManufacturerName ?? hash?.manufacturer ?? '',
    model: outcome.model ?? submitted.modelName ?? hash?.model ?? '',
    hashOfOther: otherSerial ? hash : null,
  };
}

/** GET …/status: the progress bar's JSON, for the portal's session (API clients have the batch API). */
export async function getPortalBatchStatus(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  principal: PartnerUser,
): Promise<HttpResponseInit> {
  const ref = PortalBatchParams.parse(request.params);
  const { batch } = await getVisibleBatch(svc.batchDeps, principal, ref);
  return json(200, toProgress(batch));
}

/** GET …/failed.csv: every failed row with its reason, ready to fix and upload again. */
export async function getPortalFailedRows(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  visitor: PortalVisitor,
): Promise<HttpResponseInit> {
  const ref = PortalBatchParams.parse(request.params);
  const { batch } = await getVisibleBatch(svc.batchDeps, visitor.principal, ref);
  const rows = (await failedDevices(svc.batchDeps, batch)).map(({ outcome, submitted }) => ({
    device: submitted,
    error: [
      `${outcome.errorCode ?? 'Failed'}${outcome.errorNumber === null ? '' : ` (${outcome.errorNumber})`}`,
      outcome.errorDescription ?? '',
    ]
      .filter(Boolean)
      .join(': '),
  }));
  return {
    status: 200,
    body: writeDeviceCsv(rows),
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="failed-rows-${batch.batchId}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  };
}

function toProgress(batch: DeviceBatch): PortalBatchProgress {
  return {
    ...toBatchStatus(batch),
    partnerId: batch.partnerId,
    statusLabel: BATCH_STATUS_LABELS[batch.status],
    final: TERMINAL_STATUSES.has(batch.status),
  };
}

function withFrom(filters: URLSearchParams, from: number): string {
  const query = new URLSearchParams(filters);
  if (from > 0) query.set('from', String(from));
  return query.toString();
}

const batchParams = z.object({ tenantId: guidParam, partnerId: z.string(), batchId: z.string() });

export const portalBatchRoutes: readonly HttpRoute[] = [
  {
    name: 'portalBatchPage',
    method: 'GET',
    route: 'api/portal/batches/{tenantId}/{partnerId}/{batchId}',
    handler: portalPage(showPortalBatch),
    openApi: {
      summary: "A batch's page in the partner portal (HTML): progress and each device's result",
      request: { params: batchParams },
      responses: { 200: page('The page'), 303: { description: 'Sign in first' } },
    },
  },
  {
    name: 'portalBatchStatus',
    method: 'GET',
    route: 'api/portal/batches/{tenantId}/{partnerId}/{batchId}/status',
    // The page's progress bar polls this with the portal's session.
    handler: apiHandler(getPortalBatchStatus, { principal: 'portalUser', pageSession: true }),
    openApi: {
      summary:
        "A batch's progress for the partner portal: the partner's own batch, or (for an indirect provider) its reseller's",
      request: { params: batchParams },
      responses: {
        200: ok('Batch progress', PortalBatchProgressSchema.meta({ id: 'PortalBatchProgress' })),
        ...refusals,
        404: problem('No such batch that you may see'),
      },
    },
  },
  {
    name: 'portalBatchFailedRows',
    method: 'GET',
    route: 'api/portal/batches/{tenantId}/{partnerId}/{batchId}/failed.csv',
    handler: portalPage(getPortalFailedRows),
    openApi: {
      summary: "A batch's failed rows as CSV, each with its reason, to fix and upload again",
      request: { params: batchParams },
      responses: {
        200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
        303: { description: 'Sign in first' },
      },
    },
  },
];
