import { odata } from '@azure/data-tables';
import type { TableClient } from '@azure/data-tables';
import type { RelationshipRepository } from '../../application/ports/relationshipRepository';
import type { Versioned } from '../../application/ports/versioned';
import type { Relationship } from '../../domain/relationships/relationship';
import { getEntityOrUndefined, insertEntity, replaceEntity } from './conditionalWrites';

/**
 * One row per (partner, tenant): PartitionKey partnerId, RowKey tenantId. The keys make a second
 * relationship for the same pair impossible; the partner's customer list is one partition.
 */
interface RelationshipRow {
  domain: string;
  relationship: string;
  authorization: string;
  status: string;
  delegatedAdmin: string;
  acceptedAt: string;
  acceptedBy: string;
  revokedAt: string;
  invitationId: string;
  viaResellerIds: string;
}

export class RelationshipTableRepository implements RelationshipRepository {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async get(partnerId: string, tenantId: string): Promise<Versioned<Relationship> | undefined> {
    const row = await getEntityOrUndefined<RelationshipRow>(await this.table(), partnerId, tenantId);
    return row && { value: fromRow(row), version: row.etag };
  }

  async create(relationship: Relationship): Promise<void> {
    await insertEntity(await this.table(), toRow(relationship), 'relationship');
  }

  async replace(relationship: Relationship, version: string): Promise<void> {
    await replaceEntity(await this.table(), toRow(relationship), version, 'relationship');
  }

  async listByPartner(partnerId: string): Promise<Relationship[]> {
    return this.#query(odata`PartitionKey eq ${partnerId}`);
  }

  async listByTenant(tenantId: string): Promise<Relationship[]> {
    // A tenant has few partners and partners are few: this cross-partition read stays small.
    return this.#query(odata`RowKey eq ${tenantId}`);
  }

  async #query(filter: string): Promise<Relationship[]> {
    const rows = (await this.table()).listEntities<RelationshipRow>({ queryOptions: { filter } });
    const result: Relationship[] = [];
    for await (const row of rows) result.push(fromRow(row));
    return result;
  }
}

function toRow(r: Relationship) {
  return {
    partitionKey: r.partnerId,
    rowKey: r.tenantId,
    domain: r.domain,
    relationship: r.relationship,
    authorization: r.authorization,
    status: r.status,
    delegatedAdmin: r.delegatedAdmin ? JSON.stringify(r.delegatedAdmin) : '',
    acceptedAt: r.acceptedAt,
    acceptedBy: r.acceptedBy,
    revokedAt: r.revokedAt ?? '',
    invitationId: r.invitationId ?? '',
    viaResellerIds: JSON.stringify(r.viaResellerIds),
  };
}

function fromRow(row: RelationshipRow & { partitionKey?: string; rowKey?: string }): Relationship {
  return {
    partnerId: row.partitionKey ?? '',
    tenantId: row.rowKey ?? '',
    domain: row.domain,
    relationship: row.relationship as Relationship['relationship'],
    authorization: row.authorization as Relationship['authorization'],
    status: row.status as Relationship['status'],
    delegatedAdmin: row.delegatedAdmin
      ? (JSON.parse(row.delegatedAdmin) as Relationship['delegatedAdmin'])
      : null,
    acceptedAt: row.acceptedAt,
    acceptedBy: row.acceptedBy,
    revokedAt: row.revokedAt || null,
    invitationId: row.invitationId || null,
    viaResellerIds: JSON.parse(row.viaResellerIds || '[]') as string[],
  };
}
