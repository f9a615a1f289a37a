import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { TableClientFactory } from '../../../shared/adapters/tables/tableClientFactory';
import { isConflict } from '../../../shared/adapters/tables/tableErrors';
import { HistoryEventType, type HistoryEvent } from './historyEvents';
import type { HistoryRecord, HistoryRecordMeta } from './historyRecord';
import { chunk, submitIdempotent } from './tableBatches';

/** Another worker appended to this history first; the caller reloads and replays. */
export class HistoryConflictError extends Error {
  constructor(instanceId: string, index: number) {
    super(`History of instance "${instanceId}" already has an event at position ${index}.`);
    this.name = 'HistoryConflictError';
  }
}

type HistoryEntity = {
  partitionKey: string;
  rowKey: string;
  Event: string;
  Meta?: string;
  MessageId?: string;
};

export interface LoadedHistory {
  /** Events of complete episodes only (up to the last OrchestratorCompleted). */
  readonly records: HistoryRecord[];
  /** Row keys of a partly written episode, which never happened as far as replay is concerned. */
  readonly uncommittedRowKeys: string[];
}

/**
 * History rows: partition = instance, row = `<executionId>|<position>`. Appends are keyed inserts, so
 * two workers can never write the same position twice: the second one's transaction fails with 409.
 * An episode is committed once its OrchestratorCompleted row exists; an episode written in several
 * transactions and cut short by a crash leaves rows after the last OrchestratorCompleted, which the
 * loader ignores and the next writer replaces.
 */
export class HistoryStore {
  readonly #client: Promise<TableClient>;

  constructor(tables: TableClientFactory, tableName: string) {
    this.#client = tables.table(tableName);
  }

  async load(instanceId: string, executionId: string): Promise<LoadedHistory> {
    const client = await this.#client;
    const rows: HistoryEntity[] = [];
    const entities = client.listEntities<HistoryEntity>({
      queryOptions: {
        filter: odata`PartitionKey eq ${instanceId} and RowKey ge ${`${executionId}|`} and RowKey lt ${`${executionId}}`}`,
      },
    });
    for await (const entity of entities) rows.push(entity);
    rows.sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
    const all = rows.map(toRecord);
    let committed = 0;
    all.forEach((record, index) => {
      if (record.event.EventType === HistoryEventType.OrchestratorCompleted) committed = index + 1;
    });
    return {
      records: all.slice(0, committed),
      uncommittedRowKeys: rows.slice(committed).map((row) => row.rowKey),
    };
  }

  /** Appends `records` at `startIndex`; throws HistoryConflictError if any position is taken. */
  async append(
    instanceId: string,
    executionId: string,
    startIndex: number,
    records: readonly HistoryRecord[],
  ): Promise<void> {
    const client = await this.#client;
    const entities = records.map((record, offset) =>
      toEntity(instanceId, executionId, startIndex + offset, record),
    );
    let index = startIndex;
    for (const part of chunk(entities)) {
      try {
        await client.submitTransaction(part.map((entity): TransactionAction => ['create', entity]));
      } catch (error) {
        if (isConflict(error)) throw new HistoryConflictError(instanceId, index);
        throw error;
      }
      index += part.length;
    }
  }

  async deleteRows(instanceId: string, rowKeys: readonly string[]): Promise<void> {
    const client = await this.#client;
    await submitIdempotent(
      client,
      rowKeys.map((rowKey): TransactionAction => ['delete', { partitionKey: instanceId, rowKey }]),
    );
  }

  /** Every execution's history of the instance (purge, restart of a finished instance). */
  async deleteInstance(instanceId: string): Promise<void> {
    const client = await this.#client;
    const keys: string[] = [];
    const entities = client.listEntities<HistoryEntity>({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId}`, select: ['RowKey'] },
    });
    for await (const entity of entities) keys.push(entity.rowKey);
    await this.deleteRows(instanceId, keys);
  }
}

export const historyRowKey = (executionId: string, index: number) =>
  `${executionId}|${index.toString().padStart(8, '0')}`;

function toEntity(
  instanceId: string,
  executionId: string,
  index: number,
  record: HistoryRecord,
): HistoryEntity {
  return {
    partitionKey: instanceId,
    rowKey: historyRowKey(executionId, index),
    Event: JSON.stringify(record.event),
    ...(record.meta ? { Meta: JSON.stringify(record.meta) } : {}),
    ...(record.messageId ? { MessageId: record.messageId } : {}),
  };
}

function toRecord(entity: HistoryEntity): HistoryRecord {
  return {
    event: JSON.parse(entity.Event) as HistoryEvent,
    ...(entity.Meta ? { meta: JSON.parse(entity.Meta) as HistoryRecordMeta } : {}),
    ...(entity.MessageId ? { messageId: entity.MessageId } : {}),
  };
}
