import { createHash } from 'node:crypto';
import { odata } from '@azure/data-tables';
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
 * The global device index: RowKey = identity key, PartitionKey = one of 64 shards by a hash of the key,
 * the shards spread over DEVICE_INDEX_TABLES tables (shard mod that).
 * A keyed insert is the lock: whoever inserts a key first owns it. Every device takes its keys in
 * sorted order, one key per round; each round inserts the next key of every device still claiming in
 * transactions grouped by shard (so a chunk of 4,000 devices costs about 64 transactions of 60 keys per
 * round, not 4,000 requests). When a transaction meets an existing key, its devices fall back to one insert each;
 * a device that meets another owner gives back the keys it took, so two claims on the same device never
 * both win, and, as every claimant takes keys in the same order, one of them does.
 */
export const SHARDS = 64;
const TRANSACTION_SIZE = 100;
const PARALLELISM = 16;

/** How bulk look-ups read a shard (tunable for tests). */
export interface RangeReadOptions {
  /** Keys per range read; a range returns every row between its ends. */
  readonly rangeKeys: number;
  /** A shard whose ranges return more rows than this per wanted key is read key by key instead. */
  readonly maxRowsPerKey: number;
}
const RANGE_READS: RangeReadOptions = { rangeKeys: 100, maxRowsPerKey: 8 };

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

/** Where a key lives: its shard (the PartitionKey) and the table holding that shard. */
export interface IndexPlace {
  readonly table: number;
  readonly shard: string;
}

/**
 * How many tables hold the index. It is the stored layout, not a setting: a key's table follows from it,
 * so a store written with one count and read with another would miss owners and could register one device
 * to two tenants. Azure is indifferent to the split; Azurite's cost per insert grows with a table's rows
 * (README, Performance). Tests may build a registry over another count on tables of their own.
 */
export const DEVICE_INDEX_TABLES = 8;

/** The key's shard, and which of `indexTables` tables holds that shard. */
export const placeOf = (key: string, indexTables: number): IndexPlace => {
  const n = createHash('sha256').update(key).digest()[0]! % SHARDS;
  return { table: n % indexTables, shard: `s${n.toString(16).padStart(2, '0')}` };
};
const shardOf = (key: string): string => placeOf(key, 1).shard;

/** The name of each index table, from the configured base name. */
export const indexTableName = (baseName: string, table: number): string => `${baseName}${table}`;

/** A device part-way through its claim: its keys in the order they are taken, and how many it holds. */
interface Claiming {
  readonly index: number;
  readonly keys: readonly string[];
  readonly owner: DeviceOwner;
  held: number;
}

export class DeviceRegistryTable implements DeviceRegistry {
  /** `table(n)`: the client of index table n (0 to indexTables - 1). */
  constructor(
    private readonly table: (n: number) => Promise<TableClient>,
    private readonly indexTables: number = DEVICE_INDEX_TABLES,
    private readonly rangeReads: RangeReadOptions = RANGE_READS,
  ) {}

  async claim(claims: readonly DeviceClaim[]): Promise<ClaimResult[]> {
    const results = new Array<ClaimResult | undefined>(claims.length);
    let claiming: Claiming[] = claims.map((claim, index) => ({
      index,
      keys: [...new Set(claim.keys)].sort(),
      owner: claim.owner,
      held: 0,
    }));
    while (claiming.length > 0) {
      await this.#claimRound(claiming, results);
      claiming = claiming.filter((c) => !results[c.index]);
    }
    return results.map((r, i) => {
      if (!r) throw new Error(`Device claim ${i} was not decided`);
      return r;
    });
  }

  /** Takes the next key of every device still claiming; settles those that complete or lose. */
  async #claimRound(claiming: readonly Claiming[], results: (ClaimResult | undefined)[]): Promise<void> {
    const took = (c: Claiming) => {
      c.held++;
      if (c.held === c.keys.length) results[c.index] = { claimed: true };
    };
    const lost = async (c: Claiming, owner: DeviceOwner) => {
      for (const key of c.keys.slice(0, c.held)) await this.#releaseKey(key, c.owner);
      results[c.index] = { claimed: false, owner };
    };
    const one = async (c: Claiming) => {
      const other = await this.#insertOrOwner(c.keys[c.held]!, c.owner);
      if (other) await lost(c, other);
      else took(c);
    };

    // A key twice in one round (two devices of this call share it) cannot share a transaction.
    const seen = new Set<string>();
    const byShard = new Map<string, Claiming[]>();
    const alone: Claiming[] = [];
    for (const c of claiming) {
      const key = c.keys[c.held]!;
      if (seen.has(key)) {
        alone.push(c);
        continue;
      }
      seen.add(key);
      addTo(byShard, shardOf(key), c);
    }
    const transactions = [...byShard.entries()].flatMap(([shard, group]) => {
      const out: { shard: string; group: Claiming[] }[] = [];
      for (let i = 0; i < group.length; i += TRANSACTION_SIZE)
        out.push({ shard, group: group.slice(i, i + TRANSACTION_SIZE) });
      return out;
    });
    await inParallel(transactions, PARALLELISM, async ({ shard, group }) => {
      const actions: TransactionAction[] = group.map((c) => [
        'create',
        toRow(shard, c.keys[c.held]!, c.owner),
      ]);
      try {
        await (await this.#clientOf(group[0]!.keys[group[0]!.held]!)).submitTransaction(actions);
      } catch (error) {
        if (!isConflict(error)) throw error;
        await inParallel(group, PARALLELISM, one);
        return;
      }
      group.forEach(took);
    });
    await inParallel(alone, 1, one);
  }

  async find(key: string): Promise<DeviceOwner | undefined> {
    const row = await getEntityOrUndefined<IndexRow>(await this.#clientOf(key), shardOf(key), key);
    return row && fromRow(row);
  }

  /**
   * Reads the keys by ranges of each shard (sorted keys, `rangeKeys` at a time) rather than one request
   * per key. A range returns every row between its ends, so where the registry is dense around the
   * wanted keys (many rows per wanted key), the rest of that shard is read key by key.
   */
  async findMany(keys: readonly string[]): Promise<Map<string, DeviceOwner>> {
    const wanted = new Set(keys);
    const byShard = new Map<string, string[]>();
    for (const key of wanted) addTo(byShard, shardOf(key), key);
    const found = new Map<string, DeviceOwner>();
    await inParallel([...byShard.entries()], PARALLELISM, async ([shard, shardKeys]) => {
      const client = await this.#clientOf(shardKeys[0]!);
      shardKeys.sort();
      let next = 0;
      while (next < shardKeys.length) {
        const range = shardKeys.slice(next, next + this.rangeReads.rangeKeys);
        next += range.length;
        const rows = client.listEntities<IndexRow>({
          queryOptions: {
            filter: odata`PartitionKey eq ${shard} and RowKey ge ${range[0]!} and RowKey le ${range.at(-1)!}`,
          },
        });
        let read = 0;
        for await (const row of rows) {
          read++;
          if (wanted.has(row.rowKey!)) found.set(row.rowKey!, fromRow(row));
        }
        if (read > this.rangeReads.maxRowsPerKey * range.length) break;
      }
      await inParallel(shardKeys.slice(next), 2, async (key) => {
        const row = await getEntityOrUndefined<IndexRow>(client, shard, key);
        if (row) found.set(key, fromRow(row));
      });
    });
    return found;
  }

  async release(owner: DeviceOwner): Promise<void> {
    for (const key of owner.keys) await this.#releaseKey(key, owner);
  }

  #clientOf(key: string): Promise<TableClient> {
    return this.table(placeOf(key, this.indexTables).table);
  }

  /** Inserts the key for `owner`; returns the other owner when someone else holds it. */
  async #insertOrOwner(key: string, owner: DeviceOwner): Promise<DeviceOwner | undefined> {
    const client = await this.#clientOf(key);
    const shard = shardOf(key);
    for (;;) {
      try {
        await client.createEntity(toRow(shard, key, owner));
        return undefined;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
      const existing = await getEntityOrUndefined<IndexRow>(client, shard, key);
      if (!existing) continue; // released between our insert and our read: try again
      const current = fromRow(existing);
      return sameOwner(current, owner) ? undefined : current;
    }
  }

  /** Deletes the key only if `owner` holds it (ETag-guarded, so a new owner's row is never removed). */
  async #releaseKey(key: string, owner: DeviceOwner): Promise<void> {
    const client = await this.#clientOf(key);
    const shard = shardOf(key);
    const existing = await getEntityOrUndefined<IndexRow>(client, shard, key);
    if (!existing || !sameOwner(fromRow(existing), owner)) return;
    try {
      await client.deleteEntity(shard, key, { etag: existing.etag });
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

/** Appends in place: copying the group on every item took 0.8 to 3 s of CPU for a 100,000-device validate. */
function addTo<K, T>(groups: Map<K, T[]>, key: K, item: T): void {
  const group = groups.get(key);
  if (group) group.push(item);
  else groups.set(key, [item]);
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
