import type { TableClient, TransactionAction } from '@azure/data-tables';
import { isNotFound } from '../../../shared/adapters/tables/tableErrors';

/** Table transactions take at most 100 entities, all of one partition. */
export const MAX_TRANSACTION_ENTITIES = 100;

export function chunk<T>(items: readonly T[], size = MAX_TRANSACTION_ENTITIES): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Submits upserts and deletes of one partition in transactions. A delete of an entity that is already
 * gone fails the whole transaction (404); removal is idempotent here, so that chunk is replayed one
 * action at a time with missing entities ignored.
 */
export async function submitIdempotent(
  client: TableClient,
  actions: readonly TransactionAction[],
): Promise<void> {
  for (const part of chunk(actions)) {
    if (part.length === 0) continue;
    try {
      await client.submitTransaction(part);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      for (const action of part) await submitOne(client, action);
    }
  }
}

async function submitOne(client: TableClient, action: TransactionAction): Promise<void> {
  try {
    if (action[0] === 'delete') await client.deleteEntity(action[1].partitionKey, action[1].rowKey);
    else if (action[0] === 'create') await client.createEntity(action[1]);
    else if (action[0] === 'upsert') await client.upsertEntity(action[1], action[2] ?? 'Replace');
    else await client.updateEntity(action[1], action[2] ?? 'Replace', action[3]);
  } catch (error) {
    if (!(action[0] === 'delete' && isNotFound(error))) throw error;
  }
}
