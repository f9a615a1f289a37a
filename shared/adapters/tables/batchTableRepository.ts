import { odata } from '@azure/data-tables';
import type { TableClient } from '@azure/data-tables';
import type { BatchRepository } from '../../application/ports/batchRepository';
import type { Versioned } from '../../application/ports/versioned';
import type { BatchRef, DeviceBatch } from '../../domain/batches/deviceBatch';
import { TERMINAL_STATUSES } from '../../domain/batches/deviceBatch';
import { getEntityOrUndefined, insertEntity, replaceEntity } from './conditionalWrites';

/**
 * PartitionKey tenantId, RowKey `partnerId|batchId`: a partner's batches for a tenant are one range.
 *
 * Beside them, in the same table, each partner has an index of the tenants it sent batches to:
 * PartitionKey `partner:{partnerId}` (never a tenant ID, which is a GUID), RowKey the tenant ID, no
 * other data: one row per tenant, however many batches. It lets the portal find a partner's batches
 * whatever its relationships (a batch may wait for the consent of a tenant the partner has no
 * relationship with yet) without scanning every tenant. A transaction cannot span the two partitions,
 * so the index row is written first and idempotently (upsert): a crash between the writes leaves a
 * tenant listed without a batch there, never a batch whose tenant is missing.
 */
type BatchRow = Omit<DeviceBatch, 'tenantId' | 'partnerId' | 'batchId' | 'startedAt' | 'completedAt'> & {
  partnerId: string;
  batchId: string;
  startedAt: string;
  completedAt: string;
};

const rowKey = (ref: BatchRef) => `${ref.partnerId}|${ref.batchId}`;
const indexPartition = (partnerId: string) => `partner:${partnerId}`;

export class BatchTableRepository implements BatchRepository {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async create(batch: DeviceBatch): Promise<void> {
    const table = await this.table();
    await table.upsertEntity(
      { partitionKey: indexPartition(batch.partnerId), rowKey: batch.tenantId },
      'Replace',
    );
    await insertEntity(table, toRow(batch), 'batch');
  }

  async get(ref: BatchRef): Promise<Versioned<DeviceBatch> | undefined> {
    const row = await getEntityOrUndefined<BatchRow>(await this.table(), ref.tenantId, rowKey(ref));
    return row && { value: fromRow(ref.tenantId, row), version: row.etag };
  }

  async replace(batch: DeviceBatch, version: string): Promise<void> {
    await replaceEntity(await this.table(), toRow(batch), version, 'batch');
  }

  async listOpen(tenantId: string, partnerId: string): Promise<DeviceBatch[]> {
    return (await this.listByPartner(tenantId, partnerId)).filter((b) => !TERMINAL_STATUSES.has(b.status));
  }

  async listByPartner(tenantId: string, partnerId: string): Promise<DeviceBatch[]> {
    // The partner's rows of the tenant's partition are one RowKey range: `partnerId|` up to `partnerId}`.
    const rows = (await this.table()).listEntities<BatchRow>({
      queryOptions: {
        filter: odata`PartitionKey eq ${tenantId} and RowKey gt ${`${partnerId}|`} and RowKey lt ${`${partnerId}}`}`,
      },
    });
    const batches: DeviceBatch[] = [];
    for await (const row of rows) batches.push(fromRow(tenantId, row));
    return batches;
  }

  async tenantsWithBatches(partnerId: string): Promise<string[]> {
    const index = (await this.table()).listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${indexPartition(partnerId)}`, select: ['RowKey'] },
    });
    const tenants: string[] = [];
    for await (const row of index) tenants.push(row.rowKey!);
    return tenants;
  }
}

function toRow(b: DeviceBatch) {
  return {
    partitionKey: b.tenantId,
    rowKey: rowKey(b),
    partnerId: b.partnerId,
    batchId: b.batchId,
    status: b.status,
    total: b.total,
    prefailed: b.prefailed,
    registered: b.registered,
    failed: b.failed,
    processed: b.processed,
    chunkCount: b.chunkCount,
    fingerprint: b.fingerprint,
    createdAt: b.createdAt,
    startedAt: b.startedAt ?? '',
    completedAt: b.completedAt ?? '',
    consentDeadline: b.consentDeadline,
  };
}

function fromRow(tenantId: string, r: BatchRow): DeviceBatch {
  return {
    tenantId,
    partnerId: r.partnerId,
    batchId: r.batchId,
    status: r.status,
    total: r.total,
    prefailed: r.prefailed,
    registered: r.registered,
    failed: r.failed,
    processed: r.processed,
    chunkCount: r.chunkCount,
    fingerprint: r.fingerprint,
    createdAt: r.createdAt,
    startedAt: r.startedAt || null,
    completedAt: r.completedAt || null,
    consentDeadline: r.consentDeadline,
  };
}
