import { randomBytes } from 'node:crypto';
import type { TransactionAction } from '@azure/data-tables';
import { TableClientFactory } from '../../shared/adapters/tables/tableClientFactory';
import { now } from './measure';

/**
 * Azurite's raw write rate for entities shaped like a device outcome row: inserts (the cheapest write,
 * and the one registration uses) in 100-entity transactions, each into a fresh partition of 100, with
 * as many transactions in flight as the service can have.
 */
export async function measureStorageBaseline(
  connectionString: string,
  entities: number,
  parallel: number,
): Promise<number> {
  const tables = new TableClientFactory({ connectionString, allowInsecureHttp: true });
  const client = await tables.table(`bench${randomBytes(4).toString('hex')}`);
  const transactions: TransactionAction[][] = [];
  for (let i = 0; i < entities; i += 100) {
    const partitionKey = `tenant|partner|batch|${String(Math.floor(i / 1000)).padStart(5, '0')}`;
    transactions.push(
      Array.from({ length: Math.min(100, entities - i) }, (_, j): TransactionAction => [
        'create',
        {
          partitionKey: `${partitionKey}-${Math.floor(i / 100) % 10}`,
          rowKey: String(i + j).padStart(6, '0'),
          deviceId: `pkid:${String(1_000_000_000_000 + i + j)}`,
          productKey: String(1_000_000_000_000 + i + j),
          status: 'registered',
        },
      ]),
    );
  }
  const start = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < transactions.length) await client.submitTransaction(transactions[next++]!);
    }),
  );
  const seconds = (now() - start) / 1000;
  await client.deleteTable().catch(() => undefined);
  return entities / seconds;
}
