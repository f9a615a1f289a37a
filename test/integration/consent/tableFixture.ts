import { odata } from '@azure/data-tables';
import { randomBytes } from 'node:crypto';
import { TableClientFactory } from '../../../shared/adapters/tables/tableClientFactory';
import type { TableNames } from '../../../shared/adapters/tables/tableNames';
import { tableNames } from '../../../shared/adapters/tables/tableNames';

/** The Azurite that jest's global setup started. */
export function testConnection(): string {
  const connection = process.env.TEST_STORAGE_CONNECTION;
  if (!connection) {
    throw new Error(
      'TEST_STORAGE_CONNECTION is not set: run through jest (its global setup starts Azurite).',
    );
  }
  return connection;
}

/** A table prefix no other test uses: letters and digits, starting with a letter. */
export const uniquePrefix = (): string => `t${randomBytes(5).toString('hex')}`;

/** Table clients for a set of tables owned by one test file. */
export function ownTables(prefix = uniquePrefix()): {
  readonly prefix: string;
  readonly names: TableNames;
  readonly tables: TableClientFactory;
  readonly table: (name: string) => () => ReturnType<TableClientFactory['table']>;
  readonly dropAll: () => Promise<void>;
} {
  const tables = new TableClientFactory({ connectionString: testConnection(), allowInsecureHttp: true });
  const names = tableNames(prefix);
  return {
    prefix,
    names,
    tables,
    table: (name) => () => tables.table(name),
    dropAll: () => dropTables(tables, names),
  };
}

/** Drops the named tables and every index table (however many a test's registry made). */
export async function dropTables(tables: TableClientFactory, names: TableNames): Promise<void> {
  const service = tables.service();
  const indexTables: string[] = [];
  const prefix = names.deviceIndex;
  for await (const table of service.listTables({
    queryOptions: { filter: odata`TableName gt ${prefix} and TableName lt ${`${prefix}~`}` },
  }))
    if (table.name) indexTables.push(table.name);
  await Promise.all(
    [...Object.values(names), ...indexTables].map((name: string) => service.deleteTable(name)),
  );
}

/** Every row of one partition, as stored. */
export async function rowsOf(
  tables: TableClientFactory,
  table: string,
  partitionKey: string,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const client = await tables.table(table);
  for await (const row of client.listEntities<Record<string, unknown>>({
    queryOptions: { filter: `PartitionKey eq '${partitionKey.replace(/'/g, "''")}'` },
  })) {
    rows.push(row);
  }
  return rows;
}
