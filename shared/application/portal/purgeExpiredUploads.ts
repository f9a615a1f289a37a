import type { Dependencies } from '../dependencies';
import type { StagedUploadStore } from './stagedUploads';

/**
 * Removes the staged uploads that nobody confirmed within their day, for every partner. Each partner's
 * uploads are one PartitionKey range, so the query per partner reads that partner's uploads only and
 * never the whole table; the partners are few. It runs on a timer rather than in "Check file", so a
 * partner's upload does not wait for it.
 */
export type PurgeDependencies = Pick<Dependencies, 'partners' | 'clock'> & {
  readonly uploads: StagedUploadStore;
};

export async function purgeExpiredUploads(deps: PurgeDependencies): Promise<{ removed: number }> {
  const now = deps.clock.now();
  let removed = 0;
  for (const partner of await deps.partners.all()) {
    removed += await deps.uploads.purgeExpired(partner.id, now);
  }
  return { removed };
}
