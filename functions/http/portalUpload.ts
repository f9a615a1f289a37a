import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { getCustomer, listCustomers } from '../../shared/application/customers/listCustomers';
import type { PortalDependencies } from '../../shared/application/portal/portalDependencies';
import { checkUpload, confirmUpload } from '../../shared/application/portal/portalUploads';
import type { Services } from '../../shared/compositionRoot';
import { readDeviceCsvFile } from '../../shared/adapters/csv/deviceCsvFile';
import { invocationDeps } from '../../shared/adapters/durable/invocationDeps';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { redirect } from '../../shared/adapters/http/pageHandler';
import {
  ButtonFormSchema,
  MAX_UPLOAD_FORM_BYTES,
  UploadFormSchema,
  UploadIdParams,
} from '../../shared/adapters/web/portalForms';
import type { PortalVisitor } from '../../shared/adapters/web/portalPage';
import {
  portalHtmlResponse,
  portalPage,
  readPortalForm,
  renderPortalPage,
} from '../../shared/adapters/web/portalPage';
import { batchPagePath } from '../../shared/adapters/web/portalViews';
import { page } from '../../shared/contract/openApiParts';
import type { UploadRefusal } from '../../shared/adapters/web/portalUploadView';
import { checkedPageModel, uploadPageModel } from '../../shared/adapters/web/portalUploadView';

/** The portal's CSV upload: pick a customer and a file, see every row checked, then confirm. */

export async function showPortalUpload(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  visitor: PortalVisitor,
): Promise<HttpResponseInit> {
  return portalHtmlResponse(200, await uploadPage(svc, visitor, request.query.get('tenantId') ?? ''));
}

async function uploadPage(
  svc: Services,
  visitor: PortalVisitor,
  selectedTenantId: string,
  refusal?: UploadRefusal,
): Promise<string> {
  const customers = await listCustomers(svc.deps, visitor.principal);
  return renderPortalPage(
    'portalUpload',
    visitor,
    { title: 'Upload devices', section: 'upload' },
    uploadPageModel(visitor, customers, selectedTenantId, refusal),
  );
}

/** POST the file: read and check it, stage it, and show each row's problems; nothing is registered. */
export async function postPortalUpload(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  visitor: PortalVisitor,
): Promise<HttpResponseInit> {
  const { fields, form } = await readPortalForm(
    request,
    visitor,
    svc,
    UploadFormSchema,
    MAX_UPLOAD_FORM_BYTES,
  );
  const customer = await getCustomer(svc.deps, visitor.principal, fields.tenantId);
  const file = form.get('file');
  if (!(file instanceof Blob) || file.size === 0) {
    const refusal = { code: 'CsvFileMissing', message: 'Choose a CSV file to upload.' };
    return portalHtmlResponse(400, await uploadPage(svc, visitor, fields.tenantId, refusal));
  }
  const fileName = 'name' in file && typeof file.name === 'string' ? file.name : 'upload.csv';
  const checked = await checkUpload(portalDeps(svc), visitor.principal, {
    tenantId: customer.tenantId,
    fileName,
    bytes: Buffer.from(await file.arrayBuffer()),
  });
  if (!checked.ok) {
    const refusal = { ...checked.error, fileName };
    return portalHtmlResponse(400, await uploadPage(svc, visitor, fields.tenantId, refusal));
  }
  const html = renderPortalPage(
    'portalUploadChecked',
    visitor,
    { title: `Check ${fileName}`, section: 'upload' },
    checkedPageModel(visitor, fileName, customer, checked),
  );
  return portalHtmlResponse(200, html);
}

/** POST confirm: the staged file becomes a batch (the same batch however often it is confirmed). */
export async function postPortalUploadConfirm(
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
  visitor: PortalVisitor,
): Promise<HttpResponseInit> {
  await readPortalForm(request, visitor, svc, ButtonFormSchema);
  const { uploadId } = UploadIdParams.parse(request.params);
  const batch = await confirmUpload(
    { ...portalDeps(svc), ...invocationDeps(svc, context) },
    visitor.principal,
    uploadId,
  );
  return redirect(batchPagePath(batch));
}

function portalDeps(svc: Services): PortalDependencies {
  return { ...svc.batchDeps, uploads: svc.uploads, readDeviceFile: readDeviceCsvFile };
}

export const portalUploadRoutes: readonly HttpRoute[] = [
  {
    name: 'portalUploadPage',
    method: 'GET',
    route: 'api/portal/upload',
    handler: portalPage(showPortalUpload),
    openApi: {
      summary: "The portal's upload page (HTML): pick a customer and a CSV file",
      responses: { 200: page('The page'), 303: { description: 'Sign in first' } },
    },
  },
  {
    name: 'portalUploadCheck',
    method: 'POST',
    route: 'api/portal/upload',
    handler: portalPage(postPortalUpload, { formPage: '/api/portal/upload' }),
    openApi: {
      summary: 'Check a CSV file (multipart form) and stage it; registers nothing',
      responses: { 200: page('Every row checked'), 400: page('The file cannot be read') },
    },
  },
  {
    name: 'portalUploadConfirm',
    method: 'POST',
    route: 'api/portal/upload/{uploadId}/confirm',
    durableClient: true,
    // The confirm button's page is the check's answer to a POST; the way back to it is the upload page.
    handler: portalPage(postPortalUploadConfirm, { formPage: '/api/portal/upload' }),
    openApi: {
      summary: 'Confirm a checked file: it becomes a device batch (the same one however often confirmed)',
      request: { params: UploadIdParams },
      responses: { 303: { description: "To the batch's page" } },
    },
  },
];
