import type { BatchRef, DeviceBatch } from '../../domain/batches/deviceBatch';
import type { DeviceOutcome } from '../../domain/batches/stagedDevice';
import { invalid, notFound } from '../../domain/domainError';
import type { PartnerPrincipal } from '../../domain/identity/principal';
import { partnerOf } from '../partnerOf';
import type { BatchDependencies } from './batchDependencies';
import { pendingOutcome } from './registerChunk';

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
  let { chunkNo, offset } = decodeToken(query.continuationToken, batch.chunkCount);
  const items: DeviceOutcome[] = [];
  while (chunkNo < batch.chunkCount) {
    const chunk = (await chunkOutcomes(deps, batch, chunkNo)).filter(
      (o) => !query.status || o.status === query.status,
    );
    const room = query.pageSize - items.length;
    items.push(...chunk.slice(offset, offset + room));
    if (chunk.length - offset > room)
      return { items, continuationToken: encodeToken(chunkNo, offset + room) };
    chunkNo++;
    offset = 0;
    if (items.length >= query.pageSize) break;
  }
  return { items, continuationToken: chunkNo < batch.chunkCount ? encodeToken(chunkNo, 0) : null };
}

async function chunkOutcomes(deps: ReadDeps, ref: BatchRef, chunkNo: number): Promise<DeviceOutcome[]> {
  const [staged, written] = await Promise.all([
    deps.staging.readChunk(ref, chunkNo),
    deps.outcomes.readChunk(ref, chunkNo),
  ]);
  const byIndex = new Map(written.map((o) => [o.index, o]));
  return staged.map((item) => byIndex.get(item.index) ?? pendingOutcome(item));
}

function encodeToken(chunkNo: number, offset: number): string {
  return Buffer.from(JSON.stringify({ c: chunkNo, o: offset })).toString('base64url');
}

function decodeToken(token: string | undefined, chunkCount: number): { chunkNo: number; offset: number } {
  if (!token) return { chunkNo: 0, offset: 0 };
  try {
    const { c, o } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      c: unknown;
      o: unknown;
    };
    if (
      Number.isInteger(c) &&
      Number.isInteger(o) &&
      (c as number) >= 0 &&
      (c as number) <= chunkCount &&
      (o as number) >= 0
    ) {
      return { chunkNo: c as number, offset: o as number };
    }
  } catch {
    // fall through to the refusal below
  }
  throw invalid('InvalidContinuationToken', 'The continuationToken is not one this API returned.', {
    field: 'continuationToken',
  });
}
