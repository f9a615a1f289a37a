import { TableClient } from '@azure/data-tables';
import type { StorageCountingProxy } from '../../bench/storageCountingProxy';
import {
  classifyRequest,
  proxiedConnectionString,
  startStorageCountingProxy,
  tableEndpointOf,
} from '../../bench/storageCountingProxy';
import { testConnection, uniquePrefix } from '../consent/tableFixture';

/**
 * The bench's counting proxy, driven by the real Tables SDK against the test run's Azurite: what it
 * counts is what the SDK sends, per table family and per kind of request.
 */
jest.setTimeout(60_000);

const prefix = uniquePrefix();
let proxy: StorageCountingProxy;
let app: TableClient;
let hub: TableClient;

beforeAll(async () => {
  proxy = await startStorageCountingProxy({
    target: tableEndpointOf(testConnection()),
    tablePrefix: prefix,
    taskHub: 'LocalHub',
  });
  const connection = proxiedConnectionString(testConnection(), proxy.tableEndpoint);
  const options = { allowInsecureConnection: true };
  app = TableClient.fromConnectionString(connection, `${prefix}Devices`, options);
  hub = TableClient.fromConnectionString(connection, `${prefix}LocalHubHistory`, options);
  await app.createTable();
  await hub.createTable();
});

afterAll(async () => {
  await app?.deleteTable();
  await hub?.deleteTable();
  await proxy?.close();
});

beforeEach(() => proxy.reset());

describe('the storage counting proxy', () => {
  it('when the SDK inserts one entity, queries a partition and commits a 3-entity transaction, then each is counted by kind and family', async () => {
    await app.createEntity({ partitionKey: 'p', rowKey: 'single', n: 1 });
    const rows: unknown[] = [];
    for await (const row of app.listEntities({ queryOptions: { filter: "PartitionKey eq 'p'" } }))
      rows.push(row);
    await hub.submitTransaction([
      ['create', { partitionKey: 'i1', rowKey: '1' }],
      ['create', { partitionKey: 'i1', rowKey: '2' }],
      ['upsert', { partitionKey: 'i1', rowKey: '3' }],
    ]);

    expect(rows).toHaveLength(1);
    const { byKind, byFamily, byTable } = proxy.counts();
    expect(byKind.entity).toEqual({ requests: 1, failed: 0, subOperations: 0, entitiesWritten: 1 });
    expect(byKind.query).toEqual({ requests: 1, failed: 0, subOperations: 0, entitiesWritten: 0 });
    expect(byKind.batch).toEqual({ requests: 1, failed: 0, subOperations: 3, entitiesWritten: 3 });
    expect(byKind.table.requests).toBe(0);
    expect(byFamily.app.entity.requests).toBe(1);
    expect(byFamily.app.query.requests).toBe(1);
    expect(byFamily.durable.batch).toEqual({
      requests: 1,
      failed: 0,
      subOperations: 3,
      entitiesWritten: 3,
    });
    expect(byFamily.other.entity.requests + byFamily.other.batch.requests).toBe(0);
    expect(Object.keys(byTable).sort()).toEqual(['Devices', 'LocalHubHistory']);
  });

  it('when a query needs three pages, then each page is one request', async () => {
    await app.submitTransaction(
      Array.from({ length: 5 }, (_, i) => ['create', { partitionKey: 'pages', rowKey: `r${i}` }] as const),
    );
    proxy.reset();

    const pages = app.listEntities({ queryOptions: { filter: "PartitionKey eq 'pages'" } }).byPage({
      maxPageSize: 2,
    });
    let seen = 0;
    for await (const page of pages) seen += page.length;

    expect(seen).toBe(5);
    expect(proxy.counts().byKind.query.requests).toBe(3);
  });

  it('when an insert meets an existing entity, then the request is counted as failed and as no entity written', async () => {
    await expect(app.createEntity({ partitionKey: 'p', rowKey: 'single' })).rejects.toMatchObject({
      statusCode: 409,
    });

    expect(proxy.counts().byKind.entity).toEqual({
      requests: 1,
      failed: 1,
      subOperations: 0,
      entitiesWritten: 0,
    });
  });

  it('when a path names one entity, a query or a table, then it is an entity request, a query page or table management', () => {
    expect(classifyRequest('GET', "/T(PartitionKey='a',RowKey='b')", undefined).kind).toBe('entity');
    expect(classifyRequest('GET', "/T()?$filter=PartitionKey%20eq%20'a'", undefined).kind).toBe('query');
    expect(classifyRequest('DELETE', "/Tables('T')", undefined)).toMatchObject({ kind: 'table', table: 'T' });
  });
});
