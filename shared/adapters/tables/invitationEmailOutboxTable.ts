import { odata } from '@azure/data-tables';
import type { TableClient } from '@azure/data-tables';
import type { InvitationEmailOutbox } from '../../application/ports/invitationEmailOutbox';
import type { Versioned } from '../../application/ports/versioned';
import { VersionConflict } from '../../application/ports/versioned';
import { z } from 'zod';
import type { InvitationEmail, InvitationEmailRef } from '../../domain/invitations/invitationEmail';
import { INVITATION_EMAIL_FAILURE_CODES, isFinal } from '../../domain/invitations/invitationEmail';
import { CustomerLanguageSchema } from '../../domain/invitations/customerLanguage';
import { getEntityOrUndefined, insertEntity } from './conditionalWrites';
import { isConflict, isNotFound, isPreconditionFailed } from './tableErrors';

/**
 * The outbox lives in the Invitations table, in the partner's partition beside the invitations, so an
 * invitation and its email are written in one entity-group transaction. Its row keys start with "~",
 * which sorts after every invitation ID (GUIDs), so invitation queries stop before them.
 */
export const EMAIL_ROW_PREFIX = '~email.';

/**
 * Every email not yet final also has a marker row in this one partition (partner IDs never start with
 * "~"), so the sweeper reads pending emails with one PartitionKey-bounded query, whatever the number of
 * emails ever sent. A transaction holds one partition, so the marker cannot go with the email: it is
 * written first and removed after the email's final write. A crash after the marker and before the
 * email leaves a marker without an email (removed by the sweeper once no request can still be writing
 * it); a crash after the final write leaves a marker of a final email (removed by the sweeper). No
 * order of crashes leaves a pending email without its marker.
 */
export const PENDING_PARTITION = '~pending-emails';
/** Far longer than any request lives between writing a marker and writing its email (milliseconds). */
const ORPHAN_MARKER_MS = 15 * 60_000;

interface PendingMarkerRow {
  partnerId: string;
  emailId: string;
  createdAt: string;
}

const pendingKeyOf = (ref: InvitationEmailRef) => `${ref.partnerId}.${ref.emailId}`;

/** Marks an email pending (before its row is written); a marker already there is kept as it is. */
export async function markPending(client: TableClient, email: InvitationEmail): Promise<void> {
  if (isFinal(email)) return;
  const marker: PendingMarkerRow = {
    partnerId: email.partnerId,
    emailId: email.id,
    createdAt: email.createdAt,
  };
  try {
    await client.createEntity({
      partitionKey: PENDING_PARTITION,
      rowKey: pendingKeyOf({ partnerId: email.partnerId, emailId: email.id }),
      ...marker,
    });
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}

async function unmarkPending(client: TableClient, ref: InvitationEmailRef, etag?: string): Promise<void> {
  try {
    await client.deleteEntity(PENDING_PARTITION, pendingKeyOf(ref), etag ? { etag } : {});
  } catch (error) {
    if (!isNotFound(error) && !isPreconditionFailed(error)) throw error;
  }
}

/** Rows from before failures were classified may hold a provider's message: it reads as unclassified. */
const FailureCodeSchema = z.enum(INVITATION_EMAIL_FAILURE_CODES).nullable().catch('DeliveryFailed');

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
  failedAt: string;
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
    failedAt: e.failedAt ?? '',
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
    failedAt: row.failedAt || null,
    deliveryId: row.deliveryId || null,
    lastError: FailureCodeSchema.parse(row.lastError || null),
    canceledReason: row.canceledReason || null,
  };
}

export class InvitationEmailOutboxTable implements InvitationEmailOutbox {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async add(email: InvitationEmail): Promise<void> {
    const client = await this.table();
    await markPending(client, email);
    await insertEntity(client, emailRowOf(email), 'invitation email');
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
    const client = await this.table();
    let etag: string | undefined;
    try {
      etag = (await client.updateEntity(emailRowOf(email), 'Replace', { etag: version })).etag;
    } catch (error) {
      if (isPreconditionFailed(error) || isConflict(error) || isNotFound(error))
        throw new VersionConflict('invitation email');
      throw error;
    }
    if (!etag) throw new Error('The table answered a replace without an ETag');
    // A final email never changes again: its marker goes (a crash before this leaves it to the sweeper).
    if (isFinal(email)) await unmarkPending(client, { partnerId: email.partnerId, emailId: email.id });
    return etag;
  }

  /**
   * Reads the pending markers only (one partition), then each one's email; tidies the markers that
   * outlived their email's final write or never got their email.
   */
  async listUndelivered(queuedBefore: Date): Promise<InvitationEmail[]> {
    const client = await this.table();
    const markers = client.listEntities<PendingMarkerRow>({
      queryOptions: {
        filter: odata`PartitionKey eq ${PENDING_PARTITION} and createdAt lt ${queuedBefore.toISOString()}`,
      },
    });
    const orphanedBefore = queuedBefore.getTime() - ORPHAN_MARKER_MS;
    const result: InvitationEmail[] = [];
    for await (const marker of markers) {
      const ref = { partnerId: marker.partnerId, emailId: marker.emailId };
      const email = (await this.get(ref))?.value;
      if (email && !isFinal(email)) result.push(email);
      else if (email || new Date(marker.createdAt).getTime() < orphanedBefore)
        await unmarkPending(client, ref, marker.etag);
    }
    return result;
  }
}
