import type { TableClient, TableEntity } from '@azure/data-tables';
import { VersionConflict } from '../../application/ports/versioned';
import { isConflict, isNotFound, isPreconditionFailed } from './tableErrors';

/** Keyed insert; an existing entity with the same keys is a VersionConflict. */
export async function insertEntity(client: TableClient, entity: TableEntity, what: string): Promise<void> {
  try {
    await client.createEntity(entity);
  } catch (error) {
    if (isConflict(error)) throw new VersionConflict(what);
    throw error;
  }
}

/** Replace guarded by the ETag read earlier; a lost race is a VersionConflict. */
export async function replaceEntity(
  client: TableClient,
  entity: TableEntity,
  etag: string,
  what: string,
): Promise<void> {
  try {
    await client.updateEntity(entity, 'Replace', { etag });
  } catch (error) {
    // Gone since it was read is a change too.
    if (isPreconditionFailed(error) || isConflict(error) || isNotFound(error))
      throw new VersionConflict(what);
    throw error;
  }
}

export async function getEntityOrUndefined<T extends object>(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<(T & { partitionKey?: string; rowKey?: string; etag: string }) | undefined> {
  try {
    return await client.getEntity<T>(partitionKey, rowKey);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
