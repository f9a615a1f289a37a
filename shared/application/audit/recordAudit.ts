import type { AuditActor, AuditEvent, AuditEventType } from '../../domain/audit/auditEvent';
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

/**
 * Appends to the audit trail, then raises the same fact as a telemetry event for operators (the one
 * place every consent, revocation and batch outcome passes through).
 */
export async function recordAudit(
  deps: Pick<Dependencies, 'audit' | 'clock' | 'newId' | 'telemetry'>,
  type: AuditEventType,
  actor: AuditActor,
  scope: { partnerId?: string | null; tenantId?: string | null },
  details: Record<string, unknown> = {},
  /** Record the fact once for this key, however often it recurs (see AuditLog.appendOnce). */
  onceKey?: string,
): Promise<void> {
  const event: AuditEvent = {
    id: deps.newId(),
    at: deps.clock.now().toISOString(),
    type,
    partnerId: scope.partnerId ?? null,
    tenantId: scope.tenantId ?? null,
    actor,
    details,
  };
  if (onceKey === undefined) await deps.audit.append(event);
  else await deps.audit.appendOnce(event, onceKey);
  deps.telemetry?.event(type, telemetryProperties(event));
}

/**
 * The event's fields as strings, as Application Insights keeps custom properties. People's names
 * (UPNs) stay in the audit trail and out of telemetry: an operator sees who by kind, and the audit ID
 * leads to the rest.
 */
export function telemetryProperties(event: AuditEvent): Record<string, string> {
  const properties: Record<string, string> = { auditId: event.id, actorKind: event.actor.kind };
  if (event.actor.kind === 'partner-client' || event.actor.kind === 'system')
    properties.actorId = event.actor.id;
  if (event.partnerId) properties.partnerId = event.partnerId;
  if (event.tenantId) properties.tenantId = event.tenantId;
  for (const [key, value] of Object.entries(event.details)) {
    if (value === undefined || value === null || key in properties) continue;
    properties[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return properties;
}
