import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { TableClientFactory } from '../../../shared/adapters/tables/tableClientFactory';
import type { HistoryEvent } from './historyEvents';
import { submitIdempotent } from './tableBatches';

/**
 * Durable work: what an instance has yet to see (an event for its next episode) and activities yet
 * to run. Every message is written before anything acts on it and deleted only after its effect is
 * recorded, which is what makes delivery at-least-once across crashes. Message ids are deterministic
 * wherever the message can be produced twice (a re-run activity, a re-run episode), so a duplicate
 * overwrites instead of doubling.
 */
export interface EventMessage {
  readonly kind: 'event';
  readonly instanceId: string;
  readonly id: string;
  /** Messages produced for one execution (task results, timers) are dropped by any other execution. */
  readonly executionId?: string;
  readonly visibleAt: number;
  readonly enqueuedAt: number;
  readonly event: HistoryEvent;
}

export interface ActivityMessage {
  readonly kind: 'activity';
  readonly instanceId: string;
  readonly id: string;
  readonly executionId: string;
  readonly visibleAt: number;
  readonly enqueuedAt: number;
  readonly taskScheduledId: number;
  readonly name: string;
  /** JSON text of the activity input, as in TaskScheduled.Input. */
  readonly input?: string;
}

export type Message = EventMessage | ActivityMessage;

export const messageIds = {
  start: (executionId: string) => `start|${executionId}`,
  activity: (executionId: string, taskId: number) => `act|${executionId}|${taskId}`,
  result: (executionId: string, taskId: number) => `done|${executionId}|${taskId}`,
  timer: (executionId: string, timerId: number) => `timer|${executionId}|${timerId}`,
  raised: (at: number, unique: string) => `evt|${at.toString().padStart(15, '0')}|${unique}`,
  terminate: (unique: string) => `term|${unique}`,
};

type MessageEntity = {
  partitionKey: string;
  rowKey: string;
  Kind: 'event' | 'activity';
  ExecutionId?: string;
  /** Zero-padded milliseconds (both), so that string order is time order in filters. */
  VisibleAt: string;
  EnqueuedAt: string;
  Body: string;
};

export interface MessageChanges {
  readonly put?: readonly Message[];
  readonly remove?: readonly string[];
}

export class MessageStore {
  readonly #client: Promise<TableClient>;

  constructor(tables: TableClientFactory, tableName: string) {
    this.#client = tables.table(tableName);
  }

  /** Upserts and deletes for one instance, in transactions of its partition. */
  async apply(instanceId: string, changes: MessageChanges): Promise<void> {
    const client = await this.#client;
    const actions: TransactionAction[] = [
      ...(changes.put ?? []).map((m): TransactionAction => ['upsert', toEntity(m), 'Replace']),
      ...(changes.remove ?? []).map((id): TransactionAction => [
        'delete',
        { partitionKey: instanceId, rowKey: id },
      ]),
    ];
    await submitIdempotent(client, actions);
  }

  async loadInstance(instanceId: string): Promise<Message[]> {
    const client = await this.#client;
    const messages: Message[] = [];
    const entities = client.listEntities<MessageEntity>({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId}` },
    });
    for await (const entity of entities) messages.push(fromEntity(entity));
    return messages;
  }

  /**
   * Keys of the messages that are due and were enqueued before `enqueuedBefore`: the fallback that
   * finds work this process was not told about. Younger messages are skipped, as this process may be
   * between writing one and handing it over in memory.
   */
  async dueKeys(now: number, enqueuedBefore: number): Promise<{ instanceId: string; id: string }[]> {
    const client = await this.#client;
    const keys: { instanceId: string; id: string }[] = [];
    const entities = client.listEntities<MessageEntity>({
      queryOptions: {
        filter: odata`VisibleAt le ${padTime(now)} and EnqueuedAt lt ${padTime(enqueuedBefore)}`,
        select: ['PartitionKey', 'RowKey'],
      },
    });
    for await (const entity of entities) keys.push({ instanceId: entity.partitionKey, id: entity.rowKey });
    return keys;
  }

  async deleteInstance(instanceId: string): Promise<void> {
    const messages = await this.loadInstance(instanceId);
    await this.apply(instanceId, { remove: messages.map((m) => m.id) });
  }
}

const padTime = (ms: number) => Math.max(0, Math.floor(ms)).toString().padStart(15, '0');

function toEntity(message: Message): MessageEntity {
  const { kind, instanceId, id, executionId, visibleAt, enqueuedAt, ...body } = message;
  return {
    partitionKey: instanceId,
    rowKey: id,
    Kind: kind,
    ...(executionId === undefined ? {} : { ExecutionId: executionId }),
    VisibleAt: padTime(visibleAt),
    EnqueuedAt: padTime(enqueuedAt),
    Body: JSON.stringify(body),
  };
}

function fromEntity(entity: MessageEntity): Message {
  const common = {
    instanceId: entity.partitionKey,
    id: entity.rowKey,
    visibleAt: Number(entity.VisibleAt),
    enqueuedAt: Number(entity.EnqueuedAt),
  };
  if (entity.Kind === 'activity') {
    const body = JSON.parse(entity.Body) as Pick<ActivityMessage, 'taskScheduledId' | 'name' | 'input'>;
    return { kind: 'activity', ...common, executionId: entity.ExecutionId ?? '', ...body };
  }
  const body = JSON.parse(entity.Body) as Pick<EventMessage, 'event'>;
  return {
    kind: 'event',
    ...common,
    ...(entity.ExecutionId === undefined ? {} : { executionId: entity.ExecutionId }),
    ...body,
  };
}
