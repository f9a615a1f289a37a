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
 * How a fact that may be recorded more than once (a retry, a repeated refusal) stays one event:
 * - `{ id, at }`: the fact has an identity and a time of its own (a batch's submission, its completion),
 *   so the event is the same every time and the log's idempotent append keeps one;
 * - `{ key }`: it has neither (a refusal: its time is when it first happened), so the first event written
 *   under the key is kept (AuditLog.appendOnce).
 */
export type RecordedOnce = { readonly id: string; readonly at: string } | { readonly key: string };

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
  /** Record the fact once, however often it recurs (see RecordedOnce). */
  once?: RecordedOnce,
): Promise<void> {
  const event: AuditEvent = {
    id: once && 'id' in once ? once.id : deps.newId(),
    at: once && 'at' in once ? once.at : deps.clock.now().toISOString(),
    type,
    partnerId: scope.partnerId ?? null,
    tenantId: scope.tenantId ?? null,
    actor,
    details,
  };
  if (once && 'key' in once) await deps.audit.appendOnce(event, once.key);
  else await deps.audit.append(event);
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
