import { createHash } from 'node:crypto';
import type { DeviceBatch } from '../../domain/batches/deviceBatch';
import { TERMINAL_STATUSES } from '../../domain/batches/deviceBatch';
import type { StagedDevice } from '../../domain/batches/stagedDevice';
import { refusedEntry } from '../../domain/batches/stagedDevice';
import { conflict } from '../../domain/domainError';
import type { DeviceBatchBody } from '../../domain/devices';
import { validateSubmission } from '../../domain/devices';
import type { PartnerPrincipal } from '../../domain/identity/principal';
import { assertMayUseDeviceApi } from '../../domain/partners/partnerRules';
import { actorOf, recordAudit } from '../audit/recordAudit';
import { partnerOf } from '../partnerOf';
import { VersionConflict } from '../ports/versioned';
import type { BatchDependencies } from './batchDependencies';
import { CHUNK_SIZE } from './batchDependencies';
import { addIsoDuration } from './isoDuration';

export type SubmissionChannel = 'api' | 'portal';

/**
 * A partner submits devices for a tenant. The batchId is the idempotency key: the same body again is
 * the same batch; another body under a used batchId is a conflict. Devices are validated as a whole
 * (duplicates within the submission), staged in tables, and a durable orchestration takes over: it
 * waits for consent if there is none yet.
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
  const fingerprint = createHash('sha256').update(JSON.stringify(body.devices)).digest('hex');

  const existing = await deps.batches.get(ref);
  if (existing) return { batch: await resume(deps, existing.value, fingerprint), created: false };

  const results = validateSubmission(body.devices);
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
  await deps.staging.writeChunks(ref, chunks);

  const now = deps.clock.now();
  const batch: DeviceBatch = {
    ...ref,
    status: 'queued',
    total: body.devices.length,
    prefailed,
    registered: 0,
    failed: 0,
    processed: 0,
    chunkCount: chunks.length,
    fingerprint,
    createdAt: now.toISOString(),
    startedAt: null,
    completedAt: null,
    consentDeadline: addIsoDuration(now, deps.consentDeadline).toISOString(),
  };
  try {
    await deps.batches.create(batch);
  } catch (error) {
    if (!(error instanceof VersionConflict)) throw error;
    // The same submission arrived twice at once: the other one created it.
    const winner = await deps.batches.get(ref);
    if (!winner) throw error;
    return { batch: await resume(deps, winner.value, fingerprint), created: false };
  }
  await deps.workflow.ensureStarted(ref, { chunkCount: batch.chunkCount, deadline: batch.consentDeadline });
  await recordAudit(
    deps,
    'DeviceBatchSubmitted',
    actorOf(principal),
    { partnerId: partner.id, tenantId },
    {
      batchId: body.batchId,
      total: batch.total,
      prefailed,
      channel,
    },
  );
  return { batch, created: true };
}

async function resume(
  deps: BatchDependencies,
  batch: DeviceBatch,
  fingerprint: string,
): Promise<DeviceBatch> {
  if (batch.fingerprint !== fingerprint) {
    throw conflict(
      'BatchIdConflict',
      `Batch ${batch.batchId} was already submitted with different devices. Use a new batchId for a new submission.`,
    );
  }
  // A retry after a crash between storing the batch and starting its orchestration starts it now.
  if (!TERMINAL_STATUSES.has(batch.status)) {
    await deps.workflow.ensureStarted(batch, {
      chunkCount: batch.chunkCount,
      deadline: batch.consentDeadline,
    });
  }
  return batch;
}
