import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { app } from '@azure/functions';
import { listAudit } from '../../shared/application/audit/listAudit';
import type { Services } from '../../shared/compositionRoot';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import { authenticate } from '../../shared/adapters/http/authentication';
import { AuditQuerySchema } from '../../shared/contract/auditContract';

/** The caller's audit trail: a partner's own events, or a Global Administrator's tenant's. */
export async function getAudit(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const { principal } = await authenticate(request, svc);
  const { limit } = AuditQuerySchema.parse(Object.fromEntries(request.query.entries()));
  return json(200, { items: await listAudit(svc.deps, principal, limit) });
}

app.http('listAudit', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'v1/audit',
  handler: apiHandler(getAudit),
});
