import { createHash } from 'node:crypto';
import type { DeviceBatch, SubmissionRef } from '../../domain/batches/deviceBatch';
import { TERMINAL_STATUSES, batchFactId } from '../../domain/batches/deviceBatch';
import type { StagedDevice } from '../../domain/batches/stagedDevice';
import { refusedEntry } from '../../domain/batches/stagedDevice';
import { conflict } from '../../domain/domainError';
import type { DeviceBatchBody } from '../../domain/devices';
import type { PartnerPrincipal } from '../../domain/identity/principal';
import { assertMayUseDeviceApi } from '../../domain/partners/partnerRules';
import { actorOf, recordAudit } from '../audit/recordAudit';
import { partnerOf } from '../partnerOf';
import { VersionConflict } from '../ports/versioned';
import type { BatchDependencies } from './batchDependencies';
import { CHUNK_SIZE } from './batchDependencies';
import { addIsoDuration } from './isoDuration';
import { validateSubmissionInSlices } from './validateSubmissionInSlices';

export type SubmissionChannel = 'api' | 'portal';

/**
 * A partner submits devices for a tenant. The batchId is the idempotency key: the same body again is
 * the same batch; another body under a used batchId is a conflict. Devices are validated as a whole
 * (duplicates within the submission), staged in tables, and a durable orchestration takes over: it
 * waits for consent if there is none yet.
 *
 * The steps, so that no interleaving of requests and no crash loses, mixes or leaves uncounted a device:
 * 1. The devices are staged under this body's fingerprint (SubmissionRef): a different body sent under the
 *    same batchId at the same time stages beside them, never over them.
 * 2. The batch row is a keyed insert naming that fingerprint: one body wins, whole, and the batch is only
 *    ever read through its own staging. A body that loses gets 409 and removes what it staged.
 * 3. The submission is audited (an ID and time derived from the batch, so recording it again records it
 *    once), then the orchestration is started (its instance ID is the batch's, so starting twice starts
 *    once). A retry of the same body after a crash at any point finds what was done and does the rest:
 *    before the batch row it stages the same rows again; after it, a batch still `queued` is audited and
 *    started again.
 */
export async function submitDeviceBatch(
  deps: BatchDependencies,
  principal: PartnerPrincipal,
  channel: SubmissionChannel,
  tenantId: string,
  body: DeviceBatchBody,
): Promise<{ batch: DeviceBatch; created: boolean }> {
  const partner = await partnerOf(deps, principal);
  if (channel === 'api') assertMayUseDeviceApi(partner);
  const ref = { tenantId, partnerId: partner.id, batchId: body.batchId };
  const submission: SubmissionRef = { ...ref, fingerprint: fingerprintOf(body.devices) };
  const submitted = { principal, channel };

  const existing = await deps.batches.get(ref);
  if (existing) return { batch: await resume(deps, existing.value, submission, submitted), created: false };

  const results = await validateSubmissionInSlices(body.devices);
  const chunks: StagedDevice[][] = [];
  let prefailed = 0;
  body.devices.forEach((entry, index) => {
    const result = results[index]!;
    const staged: StagedDevice =
      result.status === 'invalid'
        ? { index, entry: refusedEntry(entry), error: result.error }
        : { index, entry };
    if (result.status === 'invalid') prefailed++;
    const chunkNo = Math.floor(index / CHUNK_SIZE);
    (chunks[chunkNo] ??= []).push(staged);
  });
  await deps.staging.writeChunks(submission, chunks);

  const now = deps.clock.now();
  const batch: DeviceBatch = {
    ...submission,
    status: 'queued',
    total: body.devices.length,
    prefailed,
    registered: 0,
    failed: 0,
    processed: 0,
    chunkCount: chunks.length,
    createdAt: now.toISOString(),
    startedAt: null,
    completedAt: null,
    consentDeadline: addIsoDuration(now, deps.consentDeadline).toISOString(),
  };
  try {
    await deps.batches.create(batch);
  } catch (error) {
    if (!(error instanceof VersionConflict)) throw error;
    // Another request created the batch between our read and our insert.
    const winner = await deps.batches.get(ref);
    if (!winner) throw error;
    // Another body won: what this one staged is named by no batch row, now or later (a batch's
    // fingerprint never changes), so it goes. The same body won: its staging is this one's.
    if (winner.value.fingerprint !== submission.fingerprint) await deps.staging.discard(submission);
    return { batch: await resume(deps, winner.value, submission, submitted), created: false };
  }
  await start(deps, batch, submitted);
  return { batch, created: true };
}

/** SHA-256 of the submitted devices as sent: the same body always, and only it, has the same one. */
function fingerprintOf(devices: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(devices)).digest('hex');
}

async function resume(
  deps: BatchDependencies,
  batch: DeviceBatch,
  submission: SubmissionRef,
  submitted: Submitted,
): Promise<DeviceBatch> {
  if (batch.fingerprint !== submission.fingerprint) {
    throw conflict(
      'BatchIdConflict',
      `Batch ${batch.batchId} was already submitted with different devices. Use a new batchId for a new submission.`,
    );
  }
  // A batch still queued may have been left by a crash before its audit or its orchestration's start
  // (the orchestration moves it on): both are done again, each of them once.
  if (batch.status === 'queued') await start(deps, batch, submitted);
  else if (!TERMINAL_STATUSES.has(batch.status)) {
    await deps.workflow.ensureStarted(batch, {
      chunkCount: batch.chunkCount,
      deadline: batch.consentDeadline,
    });
  }
  return batch;
}

interface Submitted {
  readonly principal: PartnerPrincipal;
  readonly channel: SubmissionChannel;
}

/**
 * Audits the submission and starts its orchestration, in that order: the orchestration moving the
 * batch out of `queued` then tells a retry that both were done.
 */
async function start(deps: BatchDependencies, batch: DeviceBatch, { principal, channel }: Submitted) {
  await recordAudit(
    deps,
    'DeviceBatchSubmitted',
    actorOf(principal),
    { partnerId: batch.partnerId, tenantId: batch.tenantId },
    { batchId: batch.batchId, total: batch.total, prefailed: batch.prefailed, channel },
    // The batch's own ID and time: a retry appends the same event, which the log keeps once.
    { id: `device-batch-submitted-${batchFactId(batch)}`, at: batch.createdAt },
  );
  await deps.workflow.ensureStarted(batch, { chunkCount: batch.chunkCount, deadline: batch.consentDeadline });
}
