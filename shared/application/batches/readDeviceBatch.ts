import type { DeviceBatch } from '../../domain/batches/deviceBatch';
import type { DeviceOutcome, StagedDevice } from '../../domain/batches/stagedDevice';
import { invalid, notFound } from '../../domain/domainError';
import type { PartnerPrincipal } from '../../domain/identity/principal';
import { partnerOf } from '../partnerOf';
import type { BatchDependencies } from './batchDependencies';
import { CHUNK_SIZE } from './batchDependencies';
import { unwrittenOutcome } from './registerChunk';

type ReadDeps = Pick<BatchDependencies, 'partners' | 'batches' | 'staging' | 'outcomes'>;

/** A partner reads its own batch; anyone else's batch, or an unknown one, is not found. */
export async function getDeviceBatch(
  deps: ReadDeps,
  principal: PartnerPrincipal,
  tenantId: string,
  batchId: string,
): Promise<DeviceBatch> {
  const partner = await partnerOf(deps, principal);
  const found = await deps.batches.get({ tenantId, partnerId: partner.id, batchId });
  if (!found) throw notFound('BatchNotFound', `No batch ${batchId} of yours exists for tenant ${tenantId}.`);
  return found.value;
}

export interface DeviceListQuery {
  readonly status?: DeviceOutcome['status'] | undefined;
  readonly continuationToken?: string | undefined;
  readonly pageSize: number;
}

/**
 * The batch's devices in submission order, filtered by status and paged. A chunk not yet registered
 * reads from the staged submission (pending, or failed when refused at submission).
 */
export async function listBatchDevices(
  deps: ReadDeps,
  principal: PartnerPrincipal,
  tenantId: string,
  batchId: string,
  query: DeviceListQuery,
): Promise<{ items: DeviceOutcome[]; continuationToken: string | null }> {
  const batch = await getDeviceBatch(deps, principal, tenantId, batchId);
  // The token is the index to go on from, so outcomes that change between two pages (a chunk registering
  // while a partner pages through) never make a device appear twice or be skipped.
  const from = decodeToken(query.continuationToken, batch.total);
  const items: DeviceOutcome[] = [];
  for (let chunkNo = Math.floor(from / CHUNK_SIZE); chunkNo < batch.chunkCount; chunkNo++) {
    const chunk = (await chunkResults(deps, batch, chunkNo))
      .map(({ outcome }) => outcome)
      .filter((o) => o.index >= from && (!query.status || o.status === query.status));
    for (const outcome of chunk) {
      if (items.length === query.pageSize) return { items, continuationToken: encodeToken(outcome.index) };
      items.push(outcome);
    }
  }
  return { items, continuationToken: null };
}

/**
 * Each staged device of a chunk with how it reads: its written outcome, or pending / failed as the
 * staging and the batch's status say (see unwrittenOutcome). The API's list and the portal's both read this.
 */
export async function chunkResults(
  deps: Pick<BatchDependencies, 'staging' | 'outcomes'>,
  batch: DeviceBatch,
  chunkNo: number,
): Promise<{ staged: StagedDevice; outcome: DeviceOutcome }[]> {
  const [staged, written] = await Promise.all([
    deps.staging.readChunk(batch, chunkNo),
    deps.outcomes.readChunk(batch, chunkNo),
  ]);
  const byIndex = new Map(written.map((o) => [o.index, o]));
  return staged.map((item) => ({
    staged: item,
    outcome: byIndex.get(item.index) ?? unwrittenOutcome(item, batch.status),
  }));
}

function encodeToken(nextIndex: number): string {
  return Buffer.from(JSON.stringify({ n: nextIndex })).toString('base64url');
}

function decodeToken(token: string | undefined, total: number): number {
  if (!token) return 0;
  try {
    const { n } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { n: unknown };
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= total) return n;
  } catch {
    // fall through to the refusal below
  }
  throw invalid('InvalidContinuationToken', 'The continuationToken is not one this API returned.', {
    field: 'continuationToken',
  });
}
