import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { getCustomer, listCustomers } from '../../shared/application/customers/listCustomers';
import type { Services } from '../../shared/compositionRoot';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { CustomerListSchema, TenantIdParams, toCustomer } from '../../shared/contract/customerContract';
import { Customer, ok, problem, refusals } from '../../shared/contract/openApiParts';
import type { PartnerPrincipal } from '../../shared/domain/identity/principal';

export async function getCustomers(
  _request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  principal: PartnerPrincipal,
): Promise<HttpResponseInit> {
  const now = svc.deps.clock.now();
  return json(200, { items: (await listCustomers(svc.deps, principal)).map((r) => toCustomer(r, now)) });
}

export async function getOneCustomer(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  principal: PartnerPrincipal,
): Promise<HttpResponseInit> {
  const { tenantId } = TenantIdParams.parse(request.params);
  return json(200, toCustomer(await getCustomer(svc.deps, principal, tenantId), svc.deps.clock.now()));
}

export const customerRoutes: readonly HttpRoute[] = [
  {
    name: 'listCustomers',
    method: 'GET',
    route: 'api/v1/customers',
    handler: apiHandler(getCustomers, { principal: 'partner' }),
    openApi: {
      summary: "The partner's customers",
      responses: { 200: ok('Customers', CustomerListSchema), ...refusals },
    },
  },
  {
    name: 'getCustomer',
    method: 'GET',
    route: 'api/v1/customers/{tenantId}',
    handler: apiHandler(getOneCustomer, { principal: 'partner' }),
    openApi: {
      summary: 'One customer of the partner',
      request: { params: TenantIdParams },
      responses: {
        200: ok('Customer', Customer),
        ...refusals,
        404: problem('Not a customer of this partner'),
      },
    },
  },
];
