import { createHash } from 'node:crypto';
import { odata } from '@azure/data-tables';
import type { TableClient } from '@azure/data-tables';
import type { AuditLog, AuditPage, AuditScope } from '../../application/ports/auditLog';
import type { AuditEvent } from '../../domain/audit/auditEvent';
import { invalid } from '../../domain/domainError';
import { getEntityOrUndefined } from './conditionalWrites';
import { isConflict } from './tableErrors';

/**
 * Append-only: each event is written once into its partner's partition and once into its tenant's,
 * RowKey = inverted time + event id, so a partition reads newest first and a retried append of the
 * same event meets its own row (409) instead of adding a second one. Rows are never updated.
 *
 * A page's continuation token is the last RowKey it returned (base64url): the next page is the rows
 * after it, so paging needs no storage continuation and a token cannot reach another partition.
 */
const MAX_TICKS = 9_999_999_999_999;
const ROW_KEY = /^\d{13}_[\w-]{1,100}$/;

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

  /**
   * A marker row keyed by the once-key (partition `once`, RowKey its SHA-256) is inserted first, holding
   * the event. The insert that wins appends its event; one that meets the marker appends the marker's
   * event, which is the same event again (append is idempotent): so a crash between the marker and the
   * event's rows is completed by the next attempt, and no attempt adds a second event.
   */
  async appendOnce(event: AuditEvent, onceKey: string): Promise<void> {
    const client = await this.table();
    const rowKey = createHash('sha256').update(onceKey).digest('hex');
    let recorded = event;
    try {
      await client.createEntity({ partitionKey: 'once', rowKey, event: JSON.stringify(event) });
    } catch (error) {
      if (!isConflict(error)) throw error;
      const marker = await getEntityOrUndefined<{ event: string }>(client, 'once', rowKey);
      if (marker) recorded = JSON.parse(marker.event) as AuditEvent;
    }
    await this.append(recorded);
  }

  async list(scope: AuditScope, limit: number): Promise<AuditEvent[]> {
    return (await this.page(scope, limit)).items;
  }

  async page(scope: AuditScope, limit: number, continuationToken?: string): Promise<AuditPage> {
    const partitionKey = 'partnerId' in scope ? `partner|${scope.partnerId}` : `tenant|${scope.tenantId}`;
    const after = continuationToken === undefined ? undefined : decodeToken(continuationToken);
    const filter =
      after === undefined
        ? odata`PartitionKey eq ${partitionKey}`
        : odata`PartitionKey eq ${partitionKey} and RowKey gt ${after}`;
    const pages = (await this.table())
      .listEntities<{ event: string }>({ queryOptions: { filter } })
      .byPage({ maxPageSize: Math.min(limit + 1, 1000) });
    const rows: { rowKey: string; event: string }[] = [];
    for await (const page of pages) {
      for (const row of page) {
        // One more than asked for says whether there is a next page.
        if (rows.length === limit) {
          const last = rows[rows.length - 1]!;
          return { items: rows.map(toEvent), continuationToken: encodeToken(last.rowKey) };
        }
        rows.push({ rowKey: row.rowKey ?? '', event: row.event });
      }
    }
    return { items: rows.map(toEvent), continuationToken: null };
  }
}

const toEvent = (row: { event: string }) => JSON.parse(row.event) as AuditEvent;

const encodeToken = (rowKey: string) => Buffer.from(rowKey, 'utf8').toString('base64url');

function decodeToken(token: string): string {
  const rowKey = /^[\w-]{1,200}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (!ROW_KEY.test(rowKey)) {
    throw invalid('InvalidContinuationToken', 'The continuationToken is not one this API returned.', {
      field: 'continuationToken',
    });
  }
  return rowKey;
}
