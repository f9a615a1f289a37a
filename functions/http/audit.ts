import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { listAudit } from '../../shared/application/audit/listAudit';
import type { Services } from '../../shared/compositionRoot';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { AuditListSchema, AuditQuerySchema } from '../../shared/contract/auditContract';
import { ok, refusals } from '../../shared/contract/openApiParts';
import type { Principal } from '../../shared/domain/identity/principal';

/** The caller's audit trail: a partner's own events, or a Global Administrator's tenant's. */
export async function getAudit(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  principal: Principal,
): Promise<HttpResponseInit> {
  const query = AuditQuerySchema.parse(Object.fromEntries(request.query.entries()));
  const page = await listAudit(svc.deps, principal, query);
  return json(200, { items: page.items, continuationToken: page.continuationToken });
}

export const auditRoutes: readonly HttpRoute[] = [
  {
    name: 'listAudit',
    method: 'GET',
    route: 'api/v1/audit',
    handler: apiHandler(getAudit, { principal: 'any' }),
    openApi: {
      summary: "The caller's audit trail (partner, or Global Administrator's tenant), newest first",
      request: { query: AuditQuerySchema },
      responses: { 200: ok('Audit events', AuditListSchema), ...refusals },
    },
  },
];
