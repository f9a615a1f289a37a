import { odata } from '@azure/data-tables';
import type { TableClient } from '@azure/data-tables';
import type { InvitationRepository } from '../../application/ports/invitationRepository';
import type { Versioned } from '../../application/ports/versioned';
import { VersionConflict } from '../../application/ports/versioned';
import type { Invitation } from '../../domain/invitations/invitation';
import type { InvitationEmail } from '../../domain/invitations/invitationEmail';
import { getEntityOrUndefined, insertEntity, replaceEntity } from './conditionalWrites';
import { EMAIL_ROW_PREFIX, emailRowOf, markPending } from './invitationEmailOutboxTable';
import { isConflict } from './tableErrors';

/**
 * PartitionKey partnerId, RowKey invitationId: a partner's invitations are one partition. Their emails'
 * outbox rows share it (keys from EMAIL_ROW_PREFIX on), so an invitation and its email are one transaction.
 */
interface InvitationRow {
  kind: string;
  delegatedAdmin: string;
  customerEmail: string;
  createdAt: string;
  expiresAt: string;
  withdrawnAt: string;
  tokenHash: string;
}

export class InvitationTableRepository implements InvitationRepository {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async create(invitation: Invitation, email?: InvitationEmail): Promise<void> {
    const client = await this.table();
    if (!email) {
      await insertEntity(client, toRow(invitation), 'invitation');
      return;
    }
    if (email.partnerId !== invitation.partnerId)
      throw new Error('An email must share its invitation’s partner');
    // The sweeper's marker (another partition, so not in the transaction) goes first: see PENDING_PARTITION.
    await markPending(client, email);
    try {
      await client.submitTransaction([
        ['create', toRow(invitation)],
        ['create', emailRowOf(email)],
      ]);
    } catch (error) {
      if (isConflict(error)) throw new VersionConflict('invitation');
      throw error;
    }
  }

  async get(partnerId: string, invitationId: string): Promise<Versioned<Invitation> | undefined> {
    const row = await getEntityOrUndefined<InvitationRow>(await this.table(), partnerId, invitationId);
    return row && { value: fromRow(row), version: row.etag };
  }

  async listByPartner(partnerId: string): Promise<Invitation[]> {
    const rows = (await this.table()).listEntities<InvitationRow>({
      queryOptions: { filter: odata`PartitionKey eq ${partnerId} and RowKey lt ${EMAIL_ROW_PREFIX}` },
    });
    const result: Invitation[] = [];
    for await (const row of rows) result.push(fromRow(row));
    return result;
  }

  async replace(invitation: Invitation, version: string): Promise<void> {
    await replaceEntity(await this.table(), toRow(invitation), version, 'invitation');
  }
}

function toRow(i: Invitation) {
  return {
    partitionKey: i.partnerId,
    rowKey: i.id,
    kind: i.kind,
    delegatedAdmin: i.delegatedAdmin ? JSON.stringify(i.delegatedAdmin) : '',
    customerEmail: i.customerEmail ?? '',
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
    withdrawnAt: i.withdrawnAt ?? '',
    tokenHash: i.tokenHash,
  };
}

function fromRow(row: InvitationRow & { partitionKey?: string; rowKey?: string }): Invitation {
  return {
    id: row.rowKey ?? '',
    partnerId: row.partitionKey ?? '',
    kind: row.kind as Invitation['kind'],
    delegatedAdmin: row.delegatedAdmin
      ? (JSON.parse(row.delegatedAdmin) as Invitation['delegatedAdmin'])
      : null,
    customerEmail: row.customerEmail || null,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    withdrawnAt: row.withdrawnAt || null,
    tokenHash: row.tokenHash,
  };
}
