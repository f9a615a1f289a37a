import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { invocationDeps } from '../../shared/adapters/durable/invocationDeps';
import {
  listTenantPartners,
  removeDelegatedAdmin,
  revokePartner,
} from '../../shared/application/tenantAdmin/tenantPartners';
import type { Services } from '../../shared/compositionRoot';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import { authenticate } from '../../shared/adapters/http/authentication';
import { toCustomer } from '../../shared/contract/customerContract';
import { PartnerIdParams, toTenantPartner } from '../../shared/contract/tenantAdminContract';
import { assertGlobalAdministrator } from '../../shared/domain/identity/principal';

export async function getTenantPartners(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const { principal } = await authenticate(request, svc);
  const now = svc.deps.clock.now();
  return json(200, {
    items: (await listTenantPartners(svc.deps, principal)).map((p) => toTenantPartner(p, now)),
  });
}

export async function postRemoveDelegatedAdmin(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const { principal } = await authenticate(request, svc);
  assertGlobalAdministrator(principal);
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
): Promise<HttpResponseInit> {
  const { principal } = await authenticate(request, svc);
  assertGlobalAdministrator(principal);
  const { partnerId } = PartnerIdParams.parse(request.params);
  return json(
    200,
    toCustomer(await revokePartner(invocationDeps(svc, context), principal, partnerId), svc.deps.clock.now()),
  );
}

app.http('listTenantPartners', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'v1/tenant/partners',
  handler: apiHandler(getTenantPartners),
});
app.http('removeDelegatedAdmin', {
  methods: ['POST'],
  authLevel: 'anonymous',
  route: 'v1/tenant/partners/{partnerId}/removeDelegatedAdmin',
  handler: apiHandler(postRemoveDelegatedAdmin),
});
app.http('revokeTenantPartner', {
  methods: ['DELETE'],
  authLevel: 'anonymous',
  route: 'v1/tenant/partners/{partnerId}',
  extraInputs: [df.input.durableClient()],
  handler: apiHandler(deleteTenantPartner),
});
