import { odata } from '@azure/data-tables';
import type { TableClient } from '@azure/data-tables';
import type { AuditLog, AuditScope } from '../../application/ports/auditLog';
import type { AuditEvent } from '../../domain/audit/auditEvent';
import { isConflict } from './tableErrors';

/**
 * Append-only: each event is written once into its partner's partition and once into its tenant's,
 * RowKey = inverted time + event id, so a partition reads newest first and a retried append of the
 * same event meets its own row (409) instead of adding a second one. Rows are never updated.
 */
const MAX_TICKS = 9_999_999_999_999;

export class AuditTableLog implements AuditLog {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async append(event: AuditEvent): Promise<void> {
    const client = await this.table();
    const rowKey = `${String(MAX_TICKS - new Date(event.at).getTime()).padStart(13, '0')}_${event.id}`;
    const partitions = [
      event.partnerId ? `partner|${event.partnerId}` : undefined,
      event.tenantId ? `tenant|${event.tenantId}` : undefined,
    ].filter((p): p is string => Boolean(p));
    for (const partitionKey of partitions) {
      try {
        await client.createEntity({ partitionKey, rowKey, event: JSON.stringify(event) });
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
  }

  async list(scope: AuditScope, limit: number): Promise<AuditEvent[]> {
    const partitionKey = 'partnerId' in scope ? `partner|${scope.partnerId}` : `tenant|${scope.tenantId}`;
    const pages = (await this.table())
      .listEntities<{ event: string }>({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` } })
      .byPage({ maxPageSize: Math.min(limit, 1000) });
    const events: AuditEvent[] = [];
    for await (const page of pages) {
      for (const row of page) {
        events.push(JSON.parse(row.event) as AuditEvent);
        if (events.length >= limit) return events;
      }
    }
    return events;
  }
}
