import { randomBytes } from 'node:crypto';
import type { DeviceClaim, DeviceOwner } from '../../../shared/application/ports/deviceRegistry';
import { sameOwner } from '../../../shared/application/ports/deviceRegistry';
import {
  DeviceRegistryTable,
  SHARDS,
  indexTableName,
  placeOf,
} from '../../../shared/adapters/tables/deviceRegistryTable';
import { ownTables } from '../consent/tableFixture';

/** Not the default 8: the count is a setting, and the registry works with any. */
const INDEX_TABLES = 3;
const shardOf = (key: string) => placeOf(key, INDEX_TABLES).shard;

jest.setTimeout(120_000);

/** Index rows as stored: key → owner's tenant and batch index. */
interface IndexRow {
  partitionKey: string;
  rowKey: string;
  tenantId: string;
  batchId: string;
  idx: number;
}

const hex = () => randomBytes(32).toString('hex');
const newKeys = () => ({
  tuple: `tuple:${hex()}`,
  hash: `hash:${hex()}`,
  pkid: `pkid:${BigInt(`0x${randomBytes(6).toString('hex')}`)
    .toString()
    .padStart(13, '1')
    .slice(-13)}`,
});

function owner(tenantId: string, keys: readonly string[], index = 0, batchId = 'b1'): DeviceOwner {
  return {
    tenantId,
    partnerId: `partner-of-${tenantId}`,
    batchId,
    index,
    chunkNo: Math.floor(index / 1000),
    deviceId: keys[0]!,
    keys: [...keys],
    registeredAt: '2025-03-01T10:00:00.000Z',
  };
}

const claim = (tenantId: string, keys: readonly string[], index = 0, batchId = 'b1'): DeviceClaim => ({
  keys,
  owner: owner(tenantId, keys, index, batchId),
});

describe('DeviceRegistryTable (Azurite)', () => {
  const own = ownTables();
  const indexTable = (n: number) => own.tables.table(indexTableName(own.names.deviceIndex, n));
  const registry = new DeviceRegistryTable(indexTable, INDEX_TABLES);

  afterAll(() => own.dropAll());

  async function rowsFor(keys: readonly string[]): Promise<Map<string, IndexRow>> {
    const found = new Map<string, IndexRow>();
    await Promise.all(
      keys.map(async (key) => {
        try {
          const client = await indexTable(placeOf(key, INDEX_TABLES).table);
          found.set(key, await client.getEntity<IndexRow>(shardOf(key), key));
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode !== 404) throw error;
        }
      }),
    );
    return found;
  }

  it('when many single-key devices are claimed at once, then all are claimed, each key stored once in its shard', async () => {
    // Random keys would miss a shard now and then (450 keys leave one of 64 empty about 6% of the time):
    // the first 64 are picked one per shard, so that every shard is exercised on every run.
    const covering = new Map<string, string>();
    while (covering.size < SHARDS) {
      const k = newKeys();
      const key = covering.size % 2 === 0 ? k.pkid : k.tuple;
      if (!covering.has(shardOf(key))) covering.set(shardOf(key), key);
    }
    const claims = Array.from({ length: 450 }, (_, i) => {
      const k = newKeys();
      return claim('tenant-a', [[...covering.values()][i] ?? (i % 2 === 0 ? k.pkid : k.tuple)], i);
    });
    const results = await registry.claim(claims);
    expect(results).toEqual(claims.map(() => ({ claimed: true })));

    const keys = claims.map((c) => c.keys[0]!);
    const rows = await rowsFor(keys);
    expect(rows.size).toBe(450);
    for (const [i, key] of keys.entries()) {
      expect(rows.get(key)).toMatchObject({ partitionKey: shardOf(key), tenantId: 'tenant-a', idx: i });
    }
    expect(await registry.find(keys[7]!)).toEqual(claims[7]!.owner);
  });

  it('when a claim meets a key another tenant holds, then that device reports the owner and the rest of its shard group is still claimed', async () => {
    const held = newKeys().pkid;
    const theirs = claim('tenant-b', [held], 5, 'theirs');
    expect(await registry.claim([theirs])).toEqual([{ claimed: true }]);

    // Many keys, so that the held one shares a shard transaction with others.
    const ours = Array.from({ length: 200 }, (_, i) =>
      claim('tenant-a', [i === 42 ? held : newKeys().pkid], i),
    );
    const results = await registry.claim(ours);
    expect(results[42]).toEqual({ claimed: false, owner: theirs.owner });
    expect(results.filter((r) => r.claimed)).toHaveLength(199);

    const rows = await rowsFor(ours.map((c) => c.keys[0]!));
    expect(rows.get(held)).toMatchObject({ tenantId: 'tenant-b', batchId: 'theirs' });
    expect([...rows.values()].filter((r) => r.tenantId === 'tenant-a')).toHaveLength(199);
  });

  it('when the same claims are made again by the same owner (a crash and retry), then they count as claimed and nothing changes', async () => {
    const k = newKeys();
    const claims = [
      claim('tenant-a', [k.pkid], 0),
      claim('tenant-a', [k.tuple, k.hash], 1),
      claim('tenant-a', [newKeys().tuple], 2),
    ];
    expect(await registry.claim(claims)).toEqual([{ claimed: true }, { claimed: true }, { claimed: true }]);
    const keys = claims.flatMap((c) => c.keys);
    const before = await rowsFor(keys);

    expect(await registry.claim(claims)).toEqual([{ claimed: true }, { claimed: true }, { claimed: true }]);
    const after = await rowsFor(keys);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const key of keys) expect(after.get(key)?.idx).toBe(before.get(key)?.idx);

    // A retry after a crash that took only some keys of a multi-key device completes the claim.
    const partial = newKeys();
    const device = claim('tenant-a', [partial.tuple, partial.hash], 3);
    const first = [...device.keys].sort()[0]!;
    const client = await indexTable(placeOf(first, INDEX_TABLES).table);
    await client.createEntity({
      partitionKey: shardOf(first),
      rowKey: first,
      tenantId: 'tenant-a',
      partnerId: device.owner.partnerId,
      batchId: 'b1',
      idx: 3,
      chunkNo: 0,
      deviceId: device.owner.deviceId,
      keys: JSON.stringify(device.keys),
      registeredAt: device.owner.registeredAt,
    });
    expect(await registry.claim([device])).toEqual([{ claimed: true }]);
    expect((await rowsFor(device.keys)).size).toBe(2);
  });

  it('when two tenants claim the same single-key device at the same time, then exactly one wins every round', async () => {
    for (let round = 0; round < 30; round++) {
      const key = round % 2 === 0 ? newKeys().pkid : newKeys().tuple;
      // Some company in the same shard transaction, so both paths (transaction and fallback) race.
      const company = Array.from({ length: 3 }, () => newKeys().pkid);
      const [a, b] = await Promise.all([
        registry.claim([
          claim('tenant-a', [key], 0, `a${round}`),
          ...company.slice(0, 1).map((k) => claim('tenant-a', [k], 1, `a${round}`)),
        ]),
        registry.claim([claim('tenant-b', [key], 0, `b${round}`)]),
      ]);
      const winners = [a[0]!, b[0]!].filter((r) => r.claimed);
      expect(winners).toHaveLength(1);
      const row = (await rowsFor([key])).get(key);
      const loser = a[0]!.claimed ? b[0]! : a[0]!;
      if (loser.claimed) throw new Error('unreachable');
      expect(loser.owner.tenantId).toBe(row?.tenantId);
      expect(row?.tenantId).toBe(a[0]!.claimed ? 'tenant-a' : 'tenant-b');
    }
  });

  it("when three tenants race for one device through overlapping keys, then exactly one wins every round and no loser's key is left behind", async () => {
    for (let round = 0; round < 30; round++) {
      const k = newKeys();
      const contenders = [
        claim('tenant-a', [k.tuple, k.hash], 0, `r${round}`), // hardware hash (with its tuple)
        claim('tenant-b', [k.tuple], 0, `r${round}`), // serial, manufacturer and model
        claim('tenant-c', [k.pkid, k.tuple], 0, `r${round}`), // product key with its tuple
      ];
      const order = round % 3; // vary who starts first
      const rotated = [...contenders.slice(order), ...contenders.slice(0, order)];
      const results = await Promise.all(rotated.map((c) => registry.claim([c])));
      const outcomes = rotated.map((c, i) => ({ claim: c, result: results[i]![0]! }));
      const winners = outcomes.filter((o) => o.result.claimed);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.claim.owner;

      for (const { result } of outcomes) {
        if (!result.claimed) expect(sameOwner(result.owner, winner)).toBe(true);
      }
      const rows = await rowsFor([k.tuple, k.hash, k.pkid]);
      expect([...rows.keys()].sort()).toEqual([...winner.keys].sort());
      expect([...rows.values()].every((r) => r.tenantId === winner.tenantId)).toBe(true);
    }
  });

  it('when two tenants race with the same multi-key device, then exactly one wins and holds all the keys', async () => {
    for (let round = 0; round < 20; round++) {
      const k = newKeys();
      const keys = [k.tuple, k.pkid, k.hash];
      const [a, b] = await Promise.all([
        registry.claim([claim('tenant-a', keys, 0, `m${round}`)]),
        registry.claim([claim('tenant-b', [...keys].reverse(), 0, `m${round}`)]),
      ]);
      expect([a[0]!.claimed, b[0]!.claimed].filter(Boolean)).toHaveLength(1);
      const winnerTenant = a[0]!.claimed ? 'tenant-a' : 'tenant-b';
      const rows = await rowsFor(keys);
      expect(rows.size).toBe(3);
      expect([...rows.values()].every((r) => r.tenantId === winnerTenant)).toBe(true);
    }
  });

  it('when a device is released, then all its keys are freed and another tenant can claim it', async () => {
    const k = newKeys();
    const first = claim('tenant-a', [k.tuple, k.hash, k.pkid]);
    await registry.claim([first]);
    await registry.release(first.owner);
    expect((await rowsFor(first.keys)).size).toBe(0);
    expect(await registry.find(k.hash)).toBeUndefined();

    const next = claim('tenant-b', [k.pkid]);
    expect(await registry.claim([next])).toEqual([{ claimed: true }]);
    expect(await registry.find(k.pkid)).toEqual(next.owner);
  });

  it('when an owner that no longer holds a key releases it, then the current owner keeps its row', async () => {
    const k = newKeys();
    const old = claim('tenant-a', [k.tuple, k.hash]);
    await registry.claim([old]);
    await registry.release(old.owner);
    const current = claim('tenant-b', [k.tuple]);
    await registry.claim([current]);

    // A late or repeated release by the old owner, and a release by a stranger naming the same keys.
    await registry.release(old.owner);
    await registry.release(owner('tenant-c', [k.tuple, k.hash]));
    expect(await registry.find(k.tuple)).toEqual(current.owner);
    expect((await rowsFor([k.tuple, k.hash])).size).toBe(1);
  });

  it('when keys are looked up in bulk, then each held key maps to its owner and free keys are absent', async () => {
    const k = newKeys();
    const held = claim('tenant-a', [k.tuple, k.pkid]);
    await registry.claim([held]);
    const found = await registry.findMany([k.tuple, k.pkid, k.hash, k.tuple]);
    expect([...found.keys()].sort()).toEqual([k.pkid, k.tuple].sort());
    expect(found.get(k.pkid)).toEqual(held.owner);
  });

  it('when many keys are looked up in bulk, then they are read by shard ranges and each held key maps to its owner', async () => {
    const held = Array.from({ length: 400 }, (_, i) => claim('tenant-r', [newKeys().tuple], i, 'ranges'));
    await registry.claim(held);
    const free = Array.from({ length: 400 }, () => newKeys().tuple);
    const found = await registry.findMany([...free, ...held.map((c) => c.keys[0]!)]);
    expect(found.size).toBe(400);
    for (const c of held) expect(found.get(c.keys[0]!)).toEqual(c.owner);
  });

  it('when a bulk look-up meets a shard dense with other rows, then the rest of it is read key by key with the same answer', async () => {
    const dense = new DeviceRegistryTable(indexTable, INDEX_TABLES, {
      rangeKeys: 3,
      maxRowsPerKey: 1,
    });
    const held = Array.from({ length: 60 }, (_, i) => claim('tenant-d', [newKeys().tuple], i, 'dense'));
    await registry.claim(held);
    // Every other held key is asked for, so each range also returns rows nobody asked for.
    const asked = held.filter((_, i) => i % 2 === 0);
    const free = Array.from({ length: 60 }, () => newKeys().tuple);
    const found = await dense.findMany([...free, ...asked.map((c) => c.keys[0]!)]);
    expect([...found.keys()].sort()).toEqual(asked.map((c) => c.keys[0]!).sort());
    for (const c of asked) expect(found.get(c.keys[0]!)).toEqual(c.owner);
  });
});
