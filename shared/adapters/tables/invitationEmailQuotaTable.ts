import type { TableClient } from '@azure/data-tables';
import type { InvitationEmailQuota, QuotaDecision } from '../../application/ports/invitationEmailQuota';
import { VersionConflict } from '../../application/ports/versioned';
import { getEntityOrUndefined, insertEntity, replaceEntity } from './conditionalWrites';

/**
 * The invitation-email quota in Table Storage: one counter row per partner and hour (partition
 * `~email-quota.<partnerId>` of the Invitations table, row key the hour's start), counted up with a keyed
 * insert or an ETag-guarded replace, so two instances counting at once never both take the last email:
 * the loser reads again and counts on the new value. Old hours' rows are never read again (a few bytes
 * each, one per partner per hour in which it sent email).
 */
const HOUR_MS = 60 * 60 * 1000;
const ATTEMPTS = 20;

export class InvitationEmailQuotaTable implements InvitationEmailQuota {
  constructor(
    private readonly table: () => Promise<TableClient>,
    /** Emails per partner per hour. */
    private readonly perHour: number,
  ) {}

  async take(partnerId: string, now: Date): Promise<QuotaDecision> {
    const client = await this.table();
    const windowStart = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    const partitionKey = `~email-quota.${partnerId}`;
    const rowKey = new Date(windowStart).toISOString();
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const row = await getEntityOrUndefined<{ count: number }>(client, partitionKey, rowKey);
      const count = row?.count ?? 0;
      if (count >= this.perHour) {
        const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + HOUR_MS - now.getTime()) / 1000));
        return { allowed: false, limit: this.perHour, retryAfterSeconds };
      }
      try {
        const entity = { partitionKey, rowKey, count: count + 1 };
        if (row) await replaceEntity(client, entity, row.etag, 'email quota');
        else await insertEntity(client, entity, 'email quota');
        return { allowed: true };
      } catch (error) {
        if (!(error instanceof VersionConflict)) throw error;
      }
    }
    throw new Error(`The email quota of ${partnerId} kept changing under ${ATTEMPTS} attempts.`);
  }
}
