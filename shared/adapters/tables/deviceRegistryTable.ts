import { createHash } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type {
  ClaimResult,
  DeviceClaim,
  DeviceOwner,
  DeviceRegistry,
} from '../../application/ports/deviceRegistry';
import { sameOwner } from '../../application/ports/deviceRegistry';
import { getEntityOrUndefined } from './conditionalWrites';
import { isConflict, isNotFound, isPreconditionFailed } from './tableErrors';

/**
 * The global device index: RowKey = identity key, PartitionKey = one of 16 shards by a hash of the key.
 * A keyed insert is the lock: whoever inserts a key first owns it. Single-key devices (most: a product
 * key or a tuple) are inserted in transactions grouped by shard; when a transaction meets an existing
 * key, its devices fall back to one insert each. Multi-key devices take their keys one by one in sorted
 * order and give them back if one is held elsewhere, so two claims on the same device never both win.
 */
const SHARDS = 16;
const TRANSACTION_SIZE = 100;
const PARALLELISM = 16;

interface IndexRow {
  tenantId: string;
  partnerId: string;
  batchId: string;
  idx: number;
  chunkNo: number;
  deviceId: string;
  keys: string;
  registeredAt: string;
}

export const shardOf = (key: string): string =>
  `s${(createHash('sha256').update(key).digest()[0]! % SHARDS).toString(16).padStart(2, '0')}`;

export class DeviceRegistryTable implements DeviceRegistry {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async claim(claims: readonly DeviceClaim[]): Promise<ClaimResult[]> {
    const client = await this.table();
    const results: (ClaimResult | undefined)[] = new Array<ClaimResult | undefined>(claims.length);
    const singles = new Map<string, number[]>();
    const multis: number[] = [];
    claims.forEach((claim, i) => {
      if (claim.keys.length === 1) {
        const shard = shardOf(claim.keys[0]!);
        singles.set(shard, [...(singles.get(shard) ?? []), i]);
      } else {
        multis.push(i);
      }
    });

    const groups = [...singles.entries()].flatMap(([shard, indexes]) => {
      const out: { shard: string; indexes: number[] }[] = [];
      for (let i = 0; i < indexes.length; i += TRANSACTION_SIZE)
        out.push({ shard, indexes: indexes.slice(i, i + TRANSACTION_SIZE) });
      return out;
    });
    await inParallel(groups, PARALLELISM, async ({ shard, indexes }) => {
      const actions: TransactionAction[] = indexes.map((i) => [
        'create',
        toRow(shard, claims[i]!.keys[0]!, claims[i]!.owner),
      ]);
      try {
        await client.submitTransaction(actions);
        for (const i of indexes) results[i] = { claimed: true };
      } catch (error) {
        if (!isConflict(error)) throw error;
        await inParallel(
          indexes,
          PARALLELISM,
          async (i) => (results[i] = await this.#claimOne(client, claims[i]!)),
        );
      }
    });
    await inParallel(
      multis,
      PARALLELISM,
      async (i) => (results[i] = await this.#claimOne(client, claims[i]!)),
    );
    return results.map((r, i) => {
      if (!r) throw new Error(`Device claim ${i} was not decided`);
      return r;
    });
  }

  async find(key: string): Promise<DeviceOwner | undefined> {
    const row = await getEntityOrUndefined<IndexRow>(await this.table(), shardOf(key), key);
    return row && fromRow(row);
  }

  async findMany(keys: readonly string[]): Promise<Map<string, DeviceOwner>> {
    const found = new Map<string, DeviceOwner>();
    await inParallel([...new Set(keys)], PARALLELISM, async (key) => {
      const owner = await this.find(key);
      if (owner) found.set(key, owner);
    });
    return found;
  }

  async release(owner: DeviceOwner): Promise<void> {
    const client = await this.table();
    for (const key of owner.keys) await this.#releaseKey(client, key, owner);
  }

  /** Takes a device's keys in sorted order; on meeting another owner, gives back what it holds. */
  async #claimOne(client: TableClient, claim: DeviceClaim): Promise<ClaimResult> {
    const keys = [...claim.keys].sort();
    for (const key of keys) {
      const other = await this.#insertOrOwner(client, key, claim.owner);
      if (other) {
        for (const held of keys) if (held !== key) await this.#releaseKey(client, held, claim.owner);
        return { claimed: false, owner: other };
      }
    }
    return { claimed: true };
  }

  /** Inserts the key for `owner`; returns the other owner when someone else holds it. */
  async #insertOrOwner(
    client: TableClient,
    key: string,
    owner: DeviceOwner,
  ): Promise<DeviceOwner | undefined> {
    for (;;) {
      try {
        await client.createEntity(toRow(shardOf(key), key, owner));
        return undefined;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
      const existing = await getEntityOrUndefined<IndexRow>(client, shardOf(key), key);
      if (!existing) continue; // released between our insert and our read: try again
      const current = fromRow(existing);
      return sameOwner(current, owner) ? undefined : current;
    }
  }

  /** Deletes the key only if `owner` holds it (ETag-guarded, so a new owner's row is never removed). */
  async #releaseKey(client: TableClient, key: string, owner: DeviceOwner): Promise<void> {
    const existing = await getEntityOrUndefined<IndexRow>(client, shardOf(key), key);
    if (!existing || !sameOwner(fromRow(existing), owner)) return;
    try {
      await client.deleteEntity(shardOf(key), key, { etag: existing.etag });
    } catch (error) {
      if (!isNotFound(error) && !isPreconditionFailed(error)) throw error;
    }
  }
}

function toRow(shard: string, key: string, owner: DeviceOwner) {
  return {
    partitionKey: shard,
    rowKey: key,
    tenantId: owner.tenantId,
    partnerId: owner.partnerId,
    batchId: owner.batchId,
    idx: owner.index,
    chunkNo: owner.chunkNo,
    deviceId: owner.deviceId,
    keys: JSON.stringify(owner.keys),
    registeredAt: owner.registeredAt,
  };
}

function fromRow(row: IndexRow): DeviceOwner {
  return {
    tenantId: row.tenantId,
    partnerId: row.partnerId,
    batchId: row.batchId,
    index: row.idx,
    chunkNo: row.chunkNo,
    deviceId: row.deviceId,
    keys: JSON.parse(row.keys) as string[],
    registeredAt: row.registeredAt,
  };
}

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}
