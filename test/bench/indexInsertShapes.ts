import { createHash, randomBytes } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { startAzurite } from '../../infra/local/azurite';
import { TableClientFactory } from '../../shared/adapters/tables/tableClientFactory';
import { now } from './measure';

/**
 * How the shape of the device index changes Azurite's insert rate: index-shaped rows (a 70-character key,
 * the owner's fields) inserted in transactions grouped by shard, chunk by chunk, 64 in flight, into a
 * fresh Azurite. Behind the README's choice of 64 shards over 8 tables. Run with
 * `npm run build && node dist/test/bench/indexInsertShapes.js`.
 */
interface Shape {
  readonly rows: number;
  readonly shards: number;
  readonly tables: number;
  /** Keys grouped per round, as one registration chunk groups its devices' keys by shard. */
  readonly chunk: number;
}

const SHAPES: readonly Shape[] = [
  { rows: 20_000, shards: 64, tables: 1, chunk: 4000 },
  { rows: 100_000, shards: 64, tables: 1, chunk: 4000 },
  { rows: 100_000, shards: 256, tables: 1, chunk: 4000 },
  { rows: 100_000, shards: 64, tables: 8, chunk: 4000 },
  { rows: 100_000, shards: 64, tables: 64, chunk: 4000 },
];
const IN_FLIGHT = 64;

async function insertRate(factory: TableClientFactory, shape: Shape): Promise<number> {
  const run = randomBytes(4).toString('hex');
  const clients: TableClient[] = [];
  for (let t = 0; t < shape.tables; t++) clients.push(await factory.table(`shape${run}t${t}`));
  const transactions: { client: TableClient; actions: TransactionAction[] }[] = [];
  for (let base = 0; base < shape.rows; base += shape.chunk) {
    const byShard = new Map<number, TransactionAction[]>();
    for (let i = base; i < Math.min(shape.rows, base + shape.chunk); i++) {
      const digest = createHash('sha256').update(`${run}:${i}`).digest();
      const key = `tuple:${digest.toString('hex')}`;
      const shard = digest.readUInt16BE(0) % shape.shards;
      const row = {
        partitionKey: `s${shard.toString(16).padStart(3, '0')}`,
        rowKey: key,
        tenantId: 'tenant',
        partnerId: 'partner',
        batchId: 'batch',
        idx: i,
        chunkNo: Math.floor(i / shape.chunk),
        deviceId: key,
        keys: JSON.stringify([key]),
        registeredAt: new Date().toISOString(),
      };
      const group = byShard.get(shard) ?? [];
      group.push(['create', row]);
      byShard.set(shard, group);
    }
    for (const [shard, actions] of byShard) {
      for (let j = 0; j < actions.length; j += 100) {
        transactions.push({ client: clients[shard % shape.tables]!, actions: actions.slice(j, j + 100) });
      }
    }
  }
  const start = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < transactions.length) {
        const { client, actions } = transactions[next++]!;
        await client.submitTransaction(actions);
      }
    }),
  );
  const seconds = (now() - start) / 1000;
  await Promise.all(clients.map((c) => c.deleteTable()));
  return shape.rows / seconds;
}

async function main(): Promise<void> {
  const azurite = await startAzurite();
  try {
    const factory = new TableClientFactory({
      connectionString: azurite.connectionString,
      allowInsecureHttp: true,
    });
    console.log('| rows | shards | tables | keys per transaction | inserts/s |\n|---|---|---|---|---|');
    for (const shape of SHAPES) {
      const rate = await insertRate(factory, shape);
      const perTransaction = Math.min(100, shape.chunk / shape.shards);
      console.log(
        `| ${shape.rows} | ${shape.shards} | ${shape.tables} | ${perTransaction.toFixed(0)} | ${Math.round(rate)} |`,
      );
    }
  } finally {
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
