import type { AuditEvent } from '../../domain/audit/auditEvent';
import type { Principal } from '../../domain/identity/principal';
import { assertGlobalAdministrator } from '../../domain/identity/principal';
import type { Dependencies } from '../dependencies';

/** A partner sees the trail of what concerns it; a customer's Global Administrator that of its tenant. */
export async function listAudit(
  deps: Dependencies,
  principal: Principal,
  limit: number,
): Promise<AuditEvent[]> {
  if (principal.kind === 'customer-user') {
    assertGlobalAdministrator(principal);
    return deps.audit.list({ tenantId: principal.tenantId }, limit);
  }
  return deps.audit.list({ partnerId: principal.partnerId }, limit);
}
