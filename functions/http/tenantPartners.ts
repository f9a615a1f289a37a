import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { invocationDeps } from '../../shared/adapters/durable/invocationDeps';
import {
  listTenantPartners,
  removeDelegatedAdmin,
  revokePartner,
} from '../../shared/application/tenantAdmin/tenantPartners';
import type { Services } from '../../shared/compositionRoot';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { toCustomer } from '../../shared/contract/customerContract';
import { Customer, ok, problem, refusals } from '../../shared/contract/openApiParts';
import {
  PartnerIdParams,
  TenantPartnerListSchema,
  toTenantPartner,
} from '../../shared/contract/tenantAdminContract';
import type { CustomerUser } from '../../shared/domain/identity/principal';

export async function getTenantPartners(
  _request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  principal: CustomerUser,
): Promise<HttpResponseInit> {
  const now = svc.deps.clock.now();
  return json(200, {
    items: (await listTenantPartners(svc.deps, principal)).map((p) => toTenantPartner(p, now)),
  });
}

export async function postRemoveDelegatedAdmin(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  principal: CustomerUser,
): Promise<HttpResponseInit> {
  const { partnerId } = PartnerIdParams.parse(request.params);
  return json(
    200,
    toCustomer(await removeDelegatedAdmin(svc.deps, principal, partnerId), svc.deps.clock.now()),
  );
}

export async function deleteTenantPartner(
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
  principal: CustomerUser,
): Promise<HttpResponseInit> {
  const { partnerId } = PartnerIdParams.parse(request.params);
  return json(
    200,
    toCustomer(await revokePartner(invocationDeps(svc, context), principal, partnerId), svc.deps.clock.now()),
  );
}

export const tenantPartnerRoutes: readonly HttpRoute[] = [
  {
    name: 'listTenantPartners',
    method: 'GET',
    route: 'api/v1/tenant/partners',
    handler: apiHandler(getTenantPartners, { principal: 'globalAdministrator' }),
    openApi: {
      summary: "Every partner relationship of the Global Administrator's tenant",
      responses: { 200: ok('Partners', TenantPartnerListSchema), ...refusals },
    },
  },
  {
    name: 'removeDelegatedAdmin',
    method: 'POST',
    route: 'api/v1/tenant/partners/{partnerId}/removeDelegatedAdmin',
    handler: apiHandler(postRemoveDelegatedAdmin, { principal: 'globalAdministrator' }),
    openApi: {
      summary: "Remove a partner's delegated admin roles",
      request: { params: PartnerIdParams },
      responses: { 200: ok('Updated relationship', Customer), ...refusals, 404: problem('No relationship') },
    },
  },
  {
    name: 'revokeTenantPartner',
    method: 'DELETE',
    route: 'api/v1/tenant/partners/{partnerId}',
    // Revoking cancels the partner's batches that have not run.
    durableClient: true,
    handler: apiHandler(deleteTenantPartner, { principal: 'globalAdministrator' }),
    openApi: {
      summary: "Revoke a partner's relationship (OEMs included)",
      request: { params: PartnerIdParams },
      responses: { 200: ok('Revoked relationship', Customer), ...refusals, 404: problem('No relationship') },
    },
  },
];
