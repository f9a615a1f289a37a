import { odata } from '@azure/data-tables';
import type { TableClient } from '@azure/data-tables';
import type { InvitationEmailOutbox } from '../../application/ports/invitationEmailOutbox';
import type { Versioned } from '../../application/ports/versioned';
import { VersionConflict } from '../../application/ports/versioned';
import type { InvitationEmail, InvitationEmailRef } from '../../domain/invitations/invitationEmail';
import { CustomerLanguageSchema } from '../../domain/invitations/customerLanguage';
import { getEntityOrUndefined, insertEntity } from './conditionalWrites';
import { isConflict, isNotFound, isPreconditionFailed } from './tableErrors';

/**
 * The outbox lives in the Invitations table, in the partner's partition beside the invitations, so an
 * invitation and its email are written in one entity-group transaction. Its row keys start with "~",
 * which sorts after every invitation ID (GUIDs), so invitation queries stop before them.
 */
export const EMAIL_ROW_PREFIX = '~email.';
/** The first row key after every email row: "/" follows "." in ASCII. */
const EMAIL_ROW_END = '~email/';

export interface InvitationEmailRow {
  to: string;
  language: string;
  status: string;
  invitationId: string;
  createdAt: string;
  attempts: number;
  claimId: string;
  claimedUntil: string;
  sentAt: string;
  deliveryId: string;
  lastError: string;
  canceledReason: string;
}

export function emailRowOf(e: InvitationEmail) {
  return {
    partitionKey: e.partnerId,
    rowKey: `${EMAIL_ROW_PREFIX}${e.id}`,
    to: e.to,
    language: e.language,
    status: e.status,
    invitationId: e.invitationId,
    createdAt: e.createdAt,
    attempts: e.attempts,
    claimId: e.claimId ?? '',
    claimedUntil: e.claimedUntil ?? '',
    sentAt: e.sentAt ?? '',
    deliveryId: e.deliveryId ?? '',
    lastError: e.lastError ?? '',
    canceledReason: e.canceledReason ?? '',
  };
}

function fromRow(row: InvitationEmailRow & { partitionKey?: string; rowKey?: string }): InvitationEmail {
  return {
    id: (row.rowKey ?? '').slice(EMAIL_ROW_PREFIX.length),
    partnerId: row.partitionKey ?? '',
    invitationId: row.invitationId,
    to: row.to,
    language: CustomerLanguageSchema.catch('en').parse(row.language),
    status: row.status as InvitationEmail['status'],
    createdAt: row.createdAt,
    attempts: Number(row.attempts) || 0,
    claimId: row.claimId || null,
    claimedUntil: row.claimedUntil || null,
    sentAt: row.sentAt || null,
    deliveryId: row.deliveryId || null,
    lastError: row.lastError || null,
    canceledReason: row.canceledReason || null,
  };
}

export class InvitationEmailOutboxTable implements InvitationEmailOutbox {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async add(email: InvitationEmail): Promise<void> {
    await insertEntity(await this.table(), emailRowOf(email), 'invitation email');
  }

  async get(ref: InvitationEmailRef): Promise<Versioned<InvitationEmail> | undefined> {
    const row = await getEntityOrUndefined<InvitationEmailRow>(
      await this.table(),
      ref.partnerId,
      `${EMAIL_ROW_PREFIX}${ref.emailId}`,
    );
    return row && { value: fromRow(row), version: row.etag };
  }

  async replace(email: InvitationEmail, version: string): Promise<string> {
    try {
      const response = await (
        await this.table()
      ).updateEntity(emailRowOf(email), 'Replace', { etag: version });
      if (!response.etag) throw new Error('The table answered a replace without an ETag');
      return response.etag;
    } catch (error) {
      if (isPreconditionFailed(error) || isConflict(error) || isNotFound(error))
        throw new VersionConflict('invitation email');
      throw error;
    }
  }

  async listUndelivered(queuedBefore: Date): Promise<InvitationEmail[]> {
    // Across partners: a scan of the email rows' key range, filtered to the undelivered ones.
    const rows = (await this.table()).listEntities<InvitationEmailRow>({
      queryOptions: {
        filter: odata`RowKey ge ${EMAIL_ROW_PREFIX} and RowKey lt ${EMAIL_ROW_END} and (status eq ${'pending'} or status eq ${'sending'}) and createdAt lt ${queuedBefore.toISOString()}`,
      },
    });
    const result: InvitationEmail[] = [];
    for await (const row of rows) result.push(fromRow(row));
    return result;
  }
}
