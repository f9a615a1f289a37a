import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RestError } from '@azure/data-tables';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { problemResponse } from '../../../shared/adapters/http/problem';
import { pageHandler } from '../../../shared/adapters/http/pageHandler';
import type { StorageBudget, StorageCaller } from '../../../shared/adapters/tables/tableClientFactory';
import { TableClientFactory } from '../../../shared/adapters/tables/tableClientFactory';
import { StorageUnavailableError, isStorageUnavailable } from '../../../shared/adapters/tables/tableErrors';
import { azuriteConnectionString } from '../../../infra/local/azurite';

/**
 * A stand-in for Table storage on loopback: each request is answered by the next behaviour in line
 * (the last one repeats): `hang` accepts and never answers, `slow` answers 200 after 30 ms, a number
 * answers with that status at once.
 */
type Behaviour = 'hang' | 'slow' | number;
interface FakeStorage {
  readonly connectionString: string;
  readonly requests: () => number;
  /** The most requests it was answering at one time. */
  readonly maxInFlight: () => number;
  close(): Promise<void>;
}

async function fakeStorage(behaviours: readonly Behaviour[]): Promise<FakeStorage> {
  let count = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const behaviour = behaviours[Math.min(count, behaviours.length - 1)]!;
    count++;
    request.resume();
    if (behaviour === 'hang') {
      hanging.add(response);
      return;
    }
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    response.on('finish', () => inFlight--);
    const status = behaviour === 'slow' ? 200 : behaviour;
    setTimeout(() => answer(response, status), behaviour === 'slow' ? 30 : 0);
  });
  const answer = (response: http.ServerResponse, status: number) => {
    response.writeHead(status, { 'content-type': 'application/json;odata=nometadata' });
    response.end(
      status === 200
        ? JSON.stringify({ PartitionKey: 'p', RowKey: 'r', value: 'stored' })
        : JSON.stringify({ 'odata.error': { code: 'ServerBusy', message: { value: 'busy' } } }),
    );
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    connectionString: azuriteConnectionString(port),
    requests: () => count,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Budgets small enough for a unit test, the same shape as STORAGE_BUDGETS. */
const SHORT: Record<StorageCaller, StorageBudget> = {
  request: { tryTimeoutMs: 300, maxRetries: 2, retryDelayMs: 10, maxRetryDelayMs: 20, callTimeoutMs: 300 },
  background: {
    tryTimeoutMs: 300,
    maxRetries: 3,
    retryDelayMs: 10,
    maxRetryDelayMs: 20,
    callTimeoutMs: 10_000,
    maxSockets: 4,
  },
};

describe('storage budgets', () => {
  let storage: FakeStorage | undefined;
  afterEach(() => storage?.close());

  const factoryFor = (s: FakeStorage) =>
    new TableClientFactory({ connectionString: s.connectionString, allowInsecureHttp: true }, SHORT);

  it('when storage accepts a request and never answers, then a request-kind read fails as StorageUnavailable after one try', async () => {
    storage = await fakeStorage(['hang']);
    const client = factoryFor(storage).client('Things', 'request');

    const error = await client.getEntity('p', 'r').then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(isStorageUnavailable(error)).toBe(true);
    expect(storage.requests()).toBe(1);
  });

  it('when storage does not answer a try and then answers, then a background read retries the try and gets the entity', async () => {
    storage = await fakeStorage(['hang', 'hang', 200]);
    const client = factoryFor(storage).client('Things', 'background');

    const entity = await client.getEntity<{ value: string }>('p', 'r');

    expect(entity.value).toBe('stored');
    expect(storage.requests()).toBe(3);
  });

  it('when background work reads many tables at once, then storage sees at most its connection bound in flight, and every read is answered', async () => {
    storage = await fakeStorage(['slow']);
    const tables = factoryFor(storage);

    // 20 reads of 30 ms through 4 connections take about 150 ms, within the 300 ms try (which also
    // runs while a call waits for a connection): none is retried.
    const reads = await Promise.all(
      Array.from({ length: 20 }, (_, i) => tables.client(`Things${i % 5}`, 'background').getEntity('p', 'r')),
    );

    expect(reads).toHaveLength(20);
    expect(storage.requests()).toBe(20);
    expect(storage.maxInFlight()).toBe(4);
  });

  it('when requests read many tables at once, then they are not held to the background bound (it is per caller kind)', async () => {
    storage = await fakeStorage(['slow']);
    const tables = factoryFor(storage);

    await Promise.all(
      Array.from({ length: 20 }, (_, i) => tables.client(`Things${i % 5}`, 'request').getEntity('p', 'r')),
    );

    expect(storage.maxInFlight()).toBeGreaterThan(4);
  });

  it('when storage answers 503 ServerBusy and then 200, then a request-kind read retries within its budget', async () => {
    storage = await fakeStorage([503, 200]);
    const client = factoryFor(storage).client('Things', 'request');

    const entity = await client.getEntity<{ value: string }>('p', 'r');

    expect(entity.value).toBe('stored');
    expect(storage.requests()).toBe(2);
  });

  it('when storage keeps answering 503, then the request-kind read gives up after its retries as storage unavailable', async () => {
    storage = await fakeStorage([503]);
    const client = factoryFor(storage).client('Things', 'request');

    const error = await client.getEntity('p', 'r').then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(isStorageUnavailable(error)).toBe(true);
    expect(storage.requests()).toBe(1 + SHORT.request.maxRetries);
  });

  it('when storage answers the health probe (a 404 for its missing row), then the probe passes', async () => {
    storage = await fakeStorage([404]);

    await expect(factoryFor(storage).probe('Things', 300)).resolves.toBeUndefined();
  });

  it('when storage does not answer the health probe, then it fails as storage unavailable', async () => {
    storage = await fakeStorage(['hang']);

    const error = await factoryFor(storage)
      .probe('Things', 200)
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(isStorageUnavailable(error)).toBe(true);
  });

  it('when nothing listens at the endpoint, then the error counts as storage unavailable', async () => {
    storage = await fakeStorage([200]);
    const connectionString = storage.connectionString;
    await storage.close();
    storage = undefined;
    const client = new TableClientFactory({ connectionString, allowInsecureHttp: true }, SHORT).client(
      'Things',
      'request',
    );

    const error = await client.getEntity('p', 'r').then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(isStorageUnavailable(error)).toBe(true);
  });
});

describe('storage errors as answers', () => {
  const context = () =>
    new InvocationContext({ invocationId: 'inv-1', functionName: 'f', logHandler: () => {} });

  it.each<[string, unknown]>([
    ['a call past its budget', new StorageUnavailableError('no answer')],
    ['a refused connection', new RestError('connect ECONNREFUSED', { code: 'ECONNREFUSED' })],
    ['503 ServerBusy after the retries', new RestError('busy', { statusCode: 503, code: 'ServerBusy' })],
    [
      'an error wrapping one of them',
      new Error('reading the batch', { cause: new StorageUnavailableError('x') }),
    ],
  ])('when %s reaches the API, then it answers 503 StorageUnavailable with Retry-After', (_, error) => {
    const response = problemResponse(error, context());

    expect(response.status).toBe(503);
    expect(response.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'retry-after': expect.stringMatching(/^\d+$/),
    });
    expect(JSON.parse(response.body as string)).toMatchObject({ status: 503, code: 'StorageUnavailable' });
  });

  it.each<[string, unknown]>([
    ['a 404 from storage', new RestError('missing', { statusCode: 404, code: 'ResourceNotFound' })],
    [
      'a 412 from storage',
      new RestError('changed', { statusCode: 412, code: 'UpdateConditionNotSatisfied' }),
    ],
    ['a plain error', new Error('bug')],
  ])('when %s reaches the API, then it is not called unavailable (500, no Retry-After)', (_, error) => {
    const response = problemResponse(error, context());

    expect(response.status).toBe(500);
    expect(response.headers).not.toHaveProperty('retry-after');
  });

  it('when a page meets storage unavailable, then it answers a 503 page in its language saying to try again shortly, with Retry-After', async () => {
    // The page handler builds the app's services (no storage call is made): settings of its own.
    process.env.STORAGE_CONNECTION_STRING = azuriteConnectionString(1);
    process.env.AUTH_MODE = 'dev';
    const handler = pageHandler(() => Promise.reject(new StorageUnavailableError('no answer')));
    const request = new HttpRequest({
      url: 'http://localhost/api/tenant/partners?lang=fr',
      method: 'GET',
      headers: { accept: 'text/html' },
    });

    const response = await handler(request, context());

    expect(response.status).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': expect.stringMatching(/^\d+$/) });
    expect(response.body as string).toContain('Réessayez dans un instant');
  });
});
