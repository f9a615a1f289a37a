import type { AuditEvent } from '../../domain/audit/auditEvent';

export type AuditScope = { readonly partnerId: string } | { readonly tenantId: string };

export interface AuditPage {
  readonly items: AuditEvent[];
  /** Where the next page starts (opaque); null on the last page. */
  readonly continuationToken: string | null;
}

export interface AuditLog {
  /** Appending the same event (same id) twice records it once. */
  append(event: AuditEvent): Promise<void>;
  /**
   * Appends the event unless an event was appended under the same `onceKey` before (a fact worth
   * recording once, however often it recurs, such as one person opening a link they cannot accept).
   */
  appendOnce(event: AuditEvent, onceKey: string): Promise<void>;
  /** Newest first. */
  list(scope: AuditScope, limit: number): Promise<AuditEvent[]>;
  /** Newest first, `limit` at a time; `continuationToken` is one an earlier page returned. */
  page(scope: AuditScope, limit: number, continuationToken?: string): Promise<AuditPage>;
}
