import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { failedDevices, pageOfDevices } from '../../shared/application/portal/portalBatchDevices';
import { getVisibleBatch, getVisibleBatchForPage } from '../../shared/application/portal/portalAccess';
import type { Services } from '../../shared/compositionRoot';
import { writeDeviceCsv } from '../../shared/adapters/csv/deviceCsvWriter';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { batchPageModel, batchProgressView, failedRow } from '../../shared/adapters/web/portalBatchView';
import { PortalBatchParams, PortalDeviceQuerySchema } from '../../shared/adapters/web/portalForms';
import type { PortalVisitor } from '../../shared/adapters/web/portalPage';
import { portalHtmlResponse, portalPage, renderPortalPage } from '../../shared/adapters/web/portalPage';
import { ok, page, problem, refusals } from '../../shared/contract/openApiParts';
import { PortalBatchProgressSchema } from '../../shared/contract/portalContract';
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
  const html = renderPortalPage(
    'portalBatch',
    visitor,
    { title: `Batch ${batch.batchId}`, section: 'customers' },
    batchPageModel(visible, customerDomain, page, query),
  );
  return portalHtmlResponse(200, html);
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
  return json(200, batchProgressView(batch));
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
  const rows = (await failedDevices(svc.batchDeps, batch)).map(failedRow);
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

export const portalBatchRoutes: readonly HttpRoute[] = [
  {
    name: 'portalBatchPage',
    method: 'GET',
    route: 'api/portal/batches/{tenantId}/{partnerId}/{batchId}',
    handler: portalPage(showPortalBatch),
    openApi: {
      summary: "A batch's page in the partner portal (HTML): progress and each device's result",
      request: { params: PortalBatchParams },
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
      request: { params: PortalBatchParams },
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
      request: { params: PortalBatchParams },
      responses: {
        200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
        303: { description: 'Sign in first' },
      },
    },
  },
];
