import type { AuditEvent } from '../../domain/audit/auditEvent';

export type AuditScope = { readonly partnerId: string } | { readonly tenantId: string };

export interface AuditLog {
  /** Appending the same event (same id) twice records it once. */
  append(event: AuditEvent): Promise<void>;
  /** Newest first. */
  list(scope: AuditScope, limit: number): Promise<AuditEvent[]>;
}
