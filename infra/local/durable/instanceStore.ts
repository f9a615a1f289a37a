import { odata, type TableClient } from '@azure/data-tables';
import type { TableClientFactory } from '../../../shared/adapters/tables/tableClientFactory';
import { isNotFound } from '../../../shared/adapters/tables/tableErrors';

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated';
export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];
export const isTerminal = (status: RuntimeStatus) => TERMINAL_STATUSES.includes(status);

/** The instance row: what getStatus answers without reading history. JSON values are kept serialized. */
export interface InstanceRecord {
  readonly instanceId: string;
  readonly name: string;
  /** Changes when a finished instance is started again (or continues as new); history is keyed by it. */
  readonly executionId: string;
  readonly runtimeStatus: RuntimeStatus;
  readonly input?: string;
  readonly output?: string;
  readonly customStatus?: string;
  readonly createdTime: string;
  readonly lastUpdatedTime: string;
}

interface InstanceEntity {
  partitionKey: string;
  rowKey: string;
  Name: string;
  ExecutionId: string;
  RuntimeStatus: RuntimeStatus;
  Input?: string;
  Output?: string;
  CustomStatus?: string;
  CreatedTime: string;
  LastUpdatedTime: string;
}

export interface InstanceQuery {
  readonly createdTimeFrom?: Date;
  readonly createdTimeTo?: Date;
  readonly runtimeStatus?: readonly RuntimeStatus[];
}

/** Instance rows: partition = instance id (as the Durable Task Framework's Instances table). */
export class InstanceStore {
  readonly #client: Promise<TableClient>;

  constructor(tables: TableClientFactory, tableName: string) {
    this.#client = tables.table(tableName);
  }

  async get(instanceId: string): Promise<{ record: InstanceRecord; etag: string } | undefined> {
    const client = await this.#client;
    try {
      const entity = await client.getEntity<InstanceEntity>(instanceId, '');
      return { record: fromEntity(entity), etag: entity.etag };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Insert if absent; replace only if unchanged since `etag` was read. Throws 409/412 otherwise. */
  async put(record: InstanceRecord, expected: { etag: string } | 'absent'): Promise<void> {
    const client = await this.#client;
    if (expected === 'absent') await client.createEntity(toEntity(record));
    else await client.updateEntity(toEntity(record), 'Replace', { etag: expected.etag });
  }

  /** Written only by the episode that owns the instance, after its history append succeeded. */
  async save(record: InstanceRecord): Promise<void> {
    const client = await this.#client;
    await client.upsertEntity(toEntity(record), 'Replace');
  }

  async delete(instanceId: string): Promise<boolean> {
    const client = await this.#client;
    try {
      await client.deleteEntity(instanceId, '');
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async list(query: InstanceQuery = {}): Promise<InstanceRecord[]> {
    const client = await this.#client;
    const clauses: string[] = [];
    if (query.createdTimeFrom) clauses.push(odata`CreatedTime ge ${query.createdTimeFrom.toISOString()}`);
    if (query.createdTimeTo) clauses.push(odata`CreatedTime le ${query.createdTimeTo.toISOString()}`);
    if (query.runtimeStatus && query.runtimeStatus.length > 0) {
      clauses.push(`(${query.runtimeStatus.map((s) => odata`RuntimeStatus eq ${s}`).join(' or ')})`);
    }
    const records: InstanceRecord[] = [];
    const entities = client.listEntities<InstanceEntity>({
      queryOptions: clauses.length > 0 ? { filter: clauses.join(' and ') } : {},
    });
    for await (const entity of entities) records.push(fromEntity(entity));
    return records;
  }
}

function toEntity(record: InstanceRecord): InstanceEntity {
  return {
    partitionKey: record.instanceId,
    rowKey: '',
    Name: record.name,
    ExecutionId: record.executionId,
    RuntimeStatus: record.runtimeStatus,
    ...(record.input === undefined ? {} : { Input: record.input }),
    ...(record.output === undefined ? {} : { Output: record.output }),
    ...(record.customStatus === undefined ? {} : { CustomStatus: record.customStatus }),
    CreatedTime: record.createdTime,
    LastUpdatedTime: record.lastUpdatedTime,
  };
}

function fromEntity(entity: InstanceEntity): InstanceRecord {
  return {
    instanceId: entity.partitionKey,
    name: entity.Name,
    executionId: entity.ExecutionId,
    runtimeStatus: entity.RuntimeStatus,
    ...(entity.Input === undefined ? {} : { input: entity.Input }),
    ...(entity.Output === undefined ? {} : { output: entity.Output }),
    ...(entity.CustomStatus === undefined ? {} : { customStatus: entity.CustomStatus }),
    createdTime: entity.CreatedTime,
    lastUpdatedTime: entity.LastUpdatedTime,
  };
}
