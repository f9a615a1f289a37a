import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small HTTP proxy between a host and the Table endpoint (Azurite) that counts what the host asks of
 * storage, per table and per kind of request, so the bench can price a run in storage transactions.
 * The host is given a connection string whose TableEndpoint is the proxy (`proxiedConnectionString`);
 * requests and answers pass through unchanged (Shared Key signs the path, not the host, so signatures
 * stay valid).
 *
 * Kinds, as the Table service sees them:
 * - `entity`: one request on one entity (insert, point read, update, merge, upsert, delete);
 * - `query`: one page of a query (a continuation is another page, another request);
 * - `batch`: an entity group transaction (`$batch`), with its sub-operations read from the multipart
 *   body (one changeset, all on one table and partition);
 * - `table`: table management (create, delete, list tables).
 */
export type RequestKind = 'entity' | 'query' | 'batch' | 'table';

/** App tables, the durable runtime's task hub tables, or a table without the host's prefix. */
export type TableFamily = 'app' | 'durable' | 'other';

export interface RequestCounts {
  /** Requests, each one storage transaction by Azure's rule (see costScenario's BILLING). */
  requests: number;
  /** Requests answered with a status of 400 or more (a 409 on an insert is still a request). */
  failed: number;
  /** Entity operations inside `$batch` requests. */
  subOperations: number;
  /** Entities written: inserts, updates, merges and upserts, single or inside a batch (not deletes). */
  entitiesWritten: number;
}

export interface StorageCounts {
  readonly byKind: Record<RequestKind, RequestCounts>;
  readonly byFamily: Record<TableFamily, Record<RequestKind, RequestCounts>>;
  /** Keyed by table name without the host's prefix. */
  readonly byTable: Record<string, Record<RequestKind, RequestCounts>>;
}

export interface StorageCountingProxy {
  /** The proxy's table endpoint, e.g. `http://127.0.0.1:41234/devstoreaccount1`. */
  readonly tableEndpoint: string;
  /** The counts so far (a copy). */
  counts(): StorageCounts;
  /** Counts from zero again (e.g. after the host's start-up, which creates its tables). */
  reset(): void;
  close(): Promise<void>;
}

export interface StorageCountingProxyOptions {
  /** The real table endpoint, e.g. Azurite's `http://127.0.0.1:10002/devstoreaccount1`. */
  readonly target: string;
  /** The host's table prefix, stripped from table names; tables without it count as `other`. */
  readonly tablePrefix: string;
  /** The durable runtime's task hub name after the prefix (the local runtime: `LocalHub`). */
  readonly taskHub?: string;
}

const KINDS: readonly RequestKind[] = ['entity', 'query', 'batch', 'table'];
const FAMILIES: readonly TableFamily[] = ['app', 'durable', 'other'];
/** A sub-request line inside a `$batch` changeset: `POST http://host/account/Table HTTP/1.1`. */
const SUB_REQUEST = /^(GET|POST|PUT|PATCH|MERGE|DELETE) (\S+) HTTP\/1\.1\r?$/gm;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'MERGE']);

const zero = (): RequestCounts => ({ requests: 0, failed: 0, subOperations: 0, entitiesWritten: 0 });
const perKind = (): Record<RequestKind, RequestCounts> =>
  Object.fromEntries(KINDS.map((k) => [k, zero()])) as Record<RequestKind, RequestCounts>;

/** The connection string with its TableEndpoint pointing at the proxy instead. */
export function proxiedConnectionString(connectionString: string, tableEndpoint: string): string {
  if (!/TableEndpoint=[^;]*/.test(connectionString))
    throw new Error('the connection string names no TableEndpoint to put the proxy in front of');
  return connectionString.replace(/TableEndpoint=[^;]*/, `TableEndpoint=${tableEndpoint}`);
}

/** The TableEndpoint of a connection string. */
export function tableEndpointOf(connectionString: string): string {
  const endpoint = /TableEndpoint=([^;]*)/.exec(connectionString)?.[1];
  if (!endpoint) throw new Error('the connection string names no TableEndpoint');
  return endpoint.replace(/\/$/, '');
}

/** What one request is: its kind, its table (as named on the wire) and, for a batch, its sub-operations. */
export interface ClassifiedRequest {
  readonly kind: RequestKind;
  readonly table: string | undefined;
  readonly subOperations: number;
  readonly entitiesWritten: number;
}

/**
 * Classifies a Table service request from its method, its path after the account's base path, and
 * (for `$batch` and `POST Tables`) its body.
 */
export function classifyRequest(
  method: string,
  resource: string,
  body: string | undefined,
): ClassifiedRequest {
  const path = decodeURIComponent(resource.split('?')[0]!.replace(/^\/+/, ''));
  const hasQuery = resource.includes('?');
  if (path === '$batch') {
    const subs = [...(body ?? '').matchAll(SUB_REQUEST)];
    const first = subs[0]?.[2];
    const table = first ? tableOfUrl(first) : undefined;
    return {
      kind: 'batch',
      table,
      subOperations: subs.length,
      entitiesWritten: subs.filter((m) => WRITE_METHODS.has(m[1]!)).length,
    };
  }
  if (path === 'Tables' || path.startsWith('Tables(')) {
    const named = /^Tables\('([^']*)'\)/.exec(path)?.[1];
    const created = body ? (/"TableName"\s*:\s*"([^"]+)"/.exec(body)?.[1] ?? undefined) : undefined;
    return { kind: 'table', table: named ?? created, subOperations: 0, entitiesWritten: 0 };
  }
  const table = /^([^(/]+)/.exec(path)?.[1];
  const keys = /\(([^)]+)\)$/.exec(path)?.[1];
  // `Table(PartitionKey='a',RowKey='b')` names one entity; `Table()` or `Table?$filter=…` is a query.
  const pointed = keys !== undefined && /PartitionKey=/.test(keys);
  if (method === 'GET' && !pointed && (hasQuery || path.endsWith('()') || !path.includes('(')))
    return { kind: 'query', table, subOperations: 0, entitiesWritten: 0 };
  return {
    kind: 'entity',
    table,
    subOperations: 0,
    entitiesWritten: WRITE_METHODS.has(method) ? 1 : 0,
  };
}

/** The table a sub-request's URL names: the last path segment before `(` or the end. */
function tableOfUrl(url: string): string | undefined {
  const path = url.replace(/^https?:\/\/[^/]+/, '').split('?')[0]!;
  const last = path.split('/').pop() ?? '';
  return decodeURIComponent(last.split('(')[0] ?? '') || undefined;
}

export function familyOf(table: string | undefined, tablePrefix: string, taskHub: string): TableFamily {
  if (!table || !table.startsWith(tablePrefix)) return 'other';
  return table.slice(tablePrefix.length).startsWith(taskHub) ? 'durable' : 'app';
}

export async function startStorageCountingProxy(
  options: StorageCountingProxyOptions,
): Promise<StorageCountingProxy> {
  const target = new URL(options.target.replace(/\/$/, ''));
  const basePath = target.pathname.replace(/\/$/, '');
  const taskHub = options.taskHub ?? 'LocalHub';
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  let counts = empty();

  const record = (classified: ClassifiedRequest, status: number) => {
    const table = classified.table?.startsWith(options.tablePrefix)
      ? classified.table.slice(options.tablePrefix.length)
      : (classified.table ?? '(none)');
    const family = familyOf(classified.table, options.tablePrefix, taskHub);
    const targets = [
      counts.byKind[classified.kind],
      counts.byFamily[family][classified.kind],
      (counts.byTable[table] ??= perKind())[classified.kind],
    ];
    for (const c of targets) {
      c.requests++;
      if (status >= 400) c.failed++;
      c.subOperations += classified.subOperations;
      // A failed request wrote nothing (a batch is all or nothing).
      if (status < 400) c.entitiesWritten += classified.entitiesWritten;
    }
  };

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const resource = url.startsWith(basePath) ? url.slice(basePath.length) : url;
    const method = req.method ?? 'GET';
    // Only these bodies are read (a $batch's sub-requests, a new table's name); the rest stream through.
    const readBody = method === 'POST' && /^\/(\$batch|Tables)(\?|$)/.test(resource);
    const chunks: Buffer[] = [];
    const upstream = http.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method,
        path: url,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      (answer) => {
        const status = answer.statusCode ?? 502;
        record(
          classifyRequest(method, resource, readBody ? Buffer.concat(chunks).toString('utf8') : undefined),
          status,
        );
        res.writeHead(status, answer.statusMessage, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`storage counting proxy: ${error.message}`);
    });
    if (readBody) req.on('data', (c: Buffer) => chunks.push(c));
    req.pipe(upstream);
  });
  // Many concurrent SDK connections; keep them open as long as the SDK does.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    tableEndpoint: `http://127.0.0.1:${port}${basePath}`,
    counts: () => structuredClone(counts),
    reset: () => {
      counts = empty();
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function empty(): StorageCounts {
  return {
    byKind: perKind(),
    byFamily: Object.fromEntries(FAMILIES.map((f) => [f, perKind()])) as StorageCounts['byFamily'],
    byTable: {},
  };
}
