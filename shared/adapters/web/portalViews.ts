import type { VisibleBatch } from '../../application/portal/portalAccess';
import type { BatchStatus } from '../../domain/batches/deviceBatch';
import type { InvitationKind } from '../../domain/partners/partnerRules';
import { TERMINAL_STATUSES, batchProgress } from '../../domain/batches/deviceBatch';

/** How the portal names batch statuses, and the view of a batch its pages and script share. */
/** What a partner asks a customer for, as the portal names it (invitations and relationships alike). */
export const INVITATION_KIND_LABELS: Readonly<Record<InvitationKind, string>> = {
  'reseller-relationship': 'Reseller relationship',
  'oem-authorization': 'OEM authorisation',
};

export function relationshipLabel(relationship: 'reseller' | 'oem'): string {
  return INVITATION_KIND_LABELS[relationship === 'oem' ? 'oem-authorization' : 'reseller-relationship'];
}

export const BATCH_STATUS_LABELS: Readonly<Record<BatchStatus, string>> = {
  queued: 'Queued',
  awaiting_consent: 'Waiting for the customer’s consent',
  processing: 'Registering',
  finished: 'Finished',
  finished_with_errors: 'Finished with errors',
  expired: 'Expired (consent did not come in time)',
  canceled: 'Canceled (consent revoked)',
};

/** Whether a status is good, bad or still going, for its badge's colour (the text says it too). */
const TONE: Readonly<Record<BatchStatus, 'ok' | 'bad' | 'busy'>> = {
  queued: 'busy',
  awaiting_consent: 'busy',
  processing: 'busy',
  finished: 'ok',
  finished_with_errors: 'bad',
  expired: 'bad',
  canceled: 'bad',
};

export function batchPagePath(ref: { tenantId: string; partnerId: string; batchId: string }): string {
  return `/api/portal/batches/${ref.tenantId}/${ref.partnerId}/${encodeURIComponent(ref.batchId)}`;
}

export function batchSummary({ batch, owner, own }: VisibleBatch) {
  return {
    tenantId: batch.tenantId,
    batchId: batch.batchId,
    href: batchPagePath(batch),
    ownerName: owner.name,
    own,
    status: batch.status,
    statusLabel: BATCH_STATUS_LABELS[batch.status],
    tone: TONE[batch.status],
    final: TERMINAL_STATUSES.has(batch.status),
    progress: batchProgress(batch),
    total: batch.total,
    registered: batch.registered,
    failed: batch.failed,
    createdAt: batch.createdAt.replace('T', ' ').slice(0, 16),
  };
}
