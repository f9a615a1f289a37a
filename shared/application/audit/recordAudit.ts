import type { AuditActor, AuditEventType } from '../../domain/audit/auditEvent';
import type { Principal } from '../../domain/identity/principal';
import type { Dependencies } from '../dependencies';

export function actorOf(principal: Principal): AuditActor {
  switch (principal.kind) {
    case 'partner-client':
      return { kind: principal.kind, id: `${principal.partnerId}/${principal.clientId}` };
    case 'partner-user':
      return { kind: principal.kind, id: principal.upn };
    case 'customer-user':
      return { kind: principal.kind, id: principal.upn };
  }
}

export async function recordAudit(
  deps: Pick<Dependencies, 'audit' | 'clock' | 'newId'>,
  type: AuditEventType,
  actor: AuditActor,
  scope: { partnerId?: string | null; tenantId?: string | null },
  details: Record<string, unknown> = {},
): Promise<void> {
  await deps.audit.append({
    id: deps.newId(),
    at: deps.clock.now().toISOString(),
    type,
    partnerId: scope.partnerId ?? null,
    tenantId: scope.tenantId ?? null,
    actor,
    details,
  });
}
