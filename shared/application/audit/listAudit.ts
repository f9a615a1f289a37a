import type { Principal } from '../../domain/identity/principal';
import { assertGlobalAdministrator } from '../../domain/identity/principal';
import type { Dependencies } from '../dependencies';
import type { AuditPage } from '../ports/auditLog';

/** A partner sees the trail of what concerns it; a customer's Global Administrator that of its tenant. */
export async function listAudit(
  deps: Dependencies,
  principal: Principal,
  query: { readonly limit: number; readonly continuationToken?: string | undefined },
): Promise<AuditPage> {
  if (principal.kind === 'customer-user') {
    assertGlobalAdministrator(principal);
    return deps.audit.page({ tenantId: principal.tenantId }, query.limit, query.continuationToken);
  }
  return deps.audit.page({ partnerId: principal.partnerId }, query.limit, query.continuationToken);
}
