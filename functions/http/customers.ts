import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { app } from '@azure/functions';
import { getCustomer, listCustomers } from '../../shared/application/customers/listCustomers';
import type { Services } from '../../shared/compositionRoot';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import { authenticatePartner } from '../../shared/adapters/http/authentication';
import { TenantIdParams, toCustomer } from '../../shared/contract/customerContract';

export async function getCustomers(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const principal = await authenticatePartner(request, svc);
  const now = svc.deps.clock.now();
  return json(200, { items: (await listCustomers(svc.deps, principal)).map((r) => toCustomer(r, now)) });
}

export async function getOneCustomer(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const principal = await authenticatePartner(request, svc);
  const { tenantId } = TenantIdParams.parse(request.params);
  return json(200, toCustomer(await getCustomer(svc.deps, principal, tenantId), svc.deps.clock.now()));
}

app.http('listCustomers', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'v1/customers',
  handler: apiHandler(getCustomers),
});
app.http('getCustomer', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'v1/customers/{tenantId}',
  handler: apiHandler(getOneCustomer),
});
