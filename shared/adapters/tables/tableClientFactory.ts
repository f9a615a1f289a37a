import http from 'node:http';
import https from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import type { TableServiceClientOptions } from '@azure/data-tables';
import { RestError, TableClient, TableServiceClient } from '@azure/data-tables';
import { azureCredential } from '../azure/azureCredential';
import { StorageUnavailableError } from './tableErrors';

/**
 * The one place that knows how to reach Table storage: a connection string (an account key, or the
 * emulator's) locally; in Azure an account URL with a token credential (managed identity).
 */
export interface TableStorageTarget {
  readonly connectionString?: string;
  readonly accountUrl?: string;
  readonly credential?: TokenCredential;
  /** Plain-HTTP endpoints are allowed (the configuration decides: the connection string names http). */
  readonly allowInsecureHttp?: boolean;
}

/**
 * The target from the storage settings: the connection string when there is one, else the table
 * endpoint with the Azure credential (the managed identity `clientId`, or the signed-in developer's
 * when undefined).
 */
export async function tableStorageTarget(
  storage: {
    readonly connectionString?: string | undefined;
    readonly tableEndpoint?: string | undefined;
    readonly allowInsecureHttp?: boolean;
  },
  clientId: string | undefined,
): Promise<TableStorageTarget> {
  const allowInsecureHttp = storage.allowInsecureHttp ?? false;
  if (storage.connectionString) return { connectionString: storage.connectionString, allowInsecureHttp };
  return {
    accountUrl: storage.tableEndpoint,
    credential: await azureCredential(clientId),
    allowInsecureHttp,
  };
}

/**
 * Who waits for a storage call: an HTTP request (a person or a partner's script, who must hear back in
 * bounded time) or background work (activities, timers, the local durable runtime), which has retries of
 * its own around it and would rather ride out a short outage than fail.
 */
export type StorageCaller = 'request' | 'background';

/** How long one storage call may take, and how it retries. */
export interface StorageBudget {
  /** One try (request and answer, body included); a try without an answer by then counts as failed. */
  readonly tryTimeoutMs: number;
  /** Retries after a failed try: no answer, a dropped connection, 408 or 5xx, 429/503 throttling. */
  readonly maxRetries: number;
  /** The first retry's wait (doubled each time, with jitter, up to maxRetryDelayMs). */
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  /** The whole call, tries and waits included; past it the call fails with StorageUnavailableError. */
  readonly callTimeoutMs: number;
  /**
   * Connections to storage this process's callers of this kind use at once, for all their tables;
   * further calls wait their turn in this process (the try's timeout runs while they wait). Unbounded
   * when not given.
   */
  readonly maxSockets?: number;
}

/**
 * Chosen, not the SDK's defaults: those have no timeout at all (a storage that accepts the connection
 * and never answers holds the caller for good) and honour any Retry-After however long.
 *
 * - request: an HTTP answer within 10 s while storage does not answer. One try of up to 8 s: a try that
 *   timed out is not retried (no time is left for a second one, and a write that timed out may still land,
 *   so the caller is told "unavailable, try again", and its retry is what the idempotent writes are made
 *   for). Fast failures (connection refused or reset, 5xx, throttling) are retried twice within the 8 s.
 *   Azure answers a point read or a 100-entity transaction in tens of milliseconds (its targets: 2 s for
 *   an entity operation); Azurite on a busy machine takes seconds, and the budget also runs while this
 *   process's own event loop is busy, so 8 s rather than less: 2 s are left for the rest of the request.
 * - background: an activity's call outlives a stall of up to 30 s per try (Azure's own server-side limit
 *   for a table operation is 30 s, so a try without an answer by then has lost its connection), retries
 *   five times with waits of 1 to 16 s (about 2.5 minutes in all), and only then fails the activity, which
 *   the orchestration's retry policy runs again: a batch finishes whole after an outage. At most 16
 *   connections at once: the SDK gives every table client a pool of its own without a bound, so eight
 *   chunks' claim rounds (up to 64 transactions each) had hundreds of writes in flight, and a partner's
 *   status read queued behind all of them in the emulator (#15). Sixteen keep the emulator busy, and in
 *   Azure (tens of milliseconds a transaction, about 60 entities each) carry more than an account's
 *   20,000 entities/s; they also bound the outbound connections (SNAT ports) an instance holds.
 */
export const STORAGE_BUDGETS: Readonly<Record<StorageCaller, StorageBudget>> = {
  request: {
    tryTimeoutMs: 8_000,
    maxRetries: 2,
    retryDelayMs: 200,
    maxRetryDelayMs: 1_000,
    callTimeoutMs: 8_000,
  },
  background: {
    tryTimeoutMs: 30_000,
    maxRetries: 5,
    retryDelayMs: 1_000,
    maxRetryDelayMs: 16_000,
    callTimeoutMs: 240_000,
    maxSockets: 16,
  },
};

/** The health check's budget: a person or a load balancer asking "is it up?" hears "no" in 3 s. */
const PROBE_TIMEOUT_MS = 3_000;

type PipelinePolicy = NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'];
type PipelineRequest = Parameters<PipelinePolicy['sendRequest']>[0];

export class TableClientFactory {
  readonly #clients = new Map<string, TableClient>();
  /** One connection pool per caller kind and scheme, shared by all of this factory's clients. */
  readonly #agents = new Map<string, http.Agent>();
  readonly #created = new Map<string, Promise<void>>();

  constructor(
    private readonly target: TableStorageTarget,
    private readonly budgets: Readonly<Record<StorageCaller, StorageBudget>> = STORAGE_BUDGETS,
  ) {}

  /**
   * A client for one table, with the budget of its caller's kind; the first call for a table creates it
   * if it does not exist yet.
   */
  async table(name: string, caller: StorageCaller = 'background'): Promise<TableClient> {
    const client = this.client(name, caller);
    let created = this.#created.get(name);
    if (!created) {
      created = client.createTable().catch((error: unknown) => {
        this.#created.delete(name);
        throw error;
      });
      this.#created.set(name, created);
    }
    await created;
    return client;
  }

  /** A client without the create-if-missing step, for hot paths once the table is known to exist. */
  client(name: string, caller: StorageCaller = 'background'): TableClient {
    const key = `${caller}:${name}`;
    let client = this.#clients.get(key);
    if (!client) {
      client = this.#newClient(name, caller);
      this.#clients.set(key, client);
    }
    return client;
  }

  service(caller: StorageCaller = 'background'): TableServiceClient {
    const { connectionString, accountUrl, credential } = this.target;
    const options = this.#options(caller);
    if (connectionString) return TableServiceClient.fromConnectionString(connectionString, options);
    if (accountUrl && credential) return new TableServiceClient(accountUrl, credential, options);
    throw new Error('Table storage is not configured: set a connection string or an account URL.');
  }

  /**
   * Resolves once storage answers one cheap read (a missing entity's 404) within `timeoutMs`, shorter
   * than a request's budget: a health check is asked often and says "down" within a few seconds.
   */
  async probe(name: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
    const within = AbortSignal.timeout(timeoutMs);
    try {
      const client = this.client(name, 'request');
      await client.getEntity('~probe', '~probe', { abortSignal: within });
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return;
      if (within.aborted)
        throw new StorageUnavailableError(`Table storage did not answer within ${timeoutMs} ms`, {
          cause: error,
        });
      throw error;
    }
  }

  #newClient(name: string, caller: StorageCaller): TableClient {
    const { connectionString, accountUrl, credential } = this.target;
    const options = this.#options(caller);
    if (connectionString) return TableClient.fromConnectionString(connectionString, name, options);
    if (accountUrl && credential) return new TableClient(accountUrl, name, credential, options);
    throw new Error('Table storage is not configured: set a connection string or an account URL.');
  }

  #options(caller: StorageCaller): TableServiceClientOptions {
    const budget = this.budgets[caller];
    return {
      allowInsecureConnection: this.target.allowInsecureHttp ?? false,
      retryOptions: {
        maxRetries: budget.maxRetries,
        retryDelayInMs: budget.retryDelayMs,
        maxRetryDelayInMs: budget.maxRetryDelayMs,
      },
      additionalPolicies: [
        { policy: callDeadlinePolicy(budget.callTimeoutMs), position: 'perCall' },
        { policy: tryTimeoutPolicy(budget.tryTimeoutMs), position: 'perRetry' },
        ...(budget.maxSockets === undefined
          ? []
          : [
              {
                policy: sharedAgentPolicy((url) => this.#agent(caller, url, budget.maxSockets!)),
                position: 'perCall' as const,
              },
            ]),
      ],
    };
  }

  #agent(caller: StorageCaller, url: string, maxSockets: number): http.Agent {
    const secure = url.startsWith('https:');
    const key = `${caller}:${secure ? 'https' : 'http'}`;
    let agent = this.#agents.get(key);
    if (!agent) {
      const options = { keepAlive: true, maxSockets };
      agent = secure ? new https.Agent(options) : new http.Agent(options);
      this.#agents.set(key, agent);
    }
    return agent;
  }
}

/** Sends every request through the given connection pool instead of the client's own. */
const sharedAgentPolicy = (agentFor: (url: string) => http.Agent): PipelinePolicy => ({
  name: 'storageSharedAgent',
  sendRequest(request, next) {
    request.agent ??= agentFor(request.url);
    return next(request);
  },
});

/**
 * The whole call, retries and their waits included (a Retry-After is otherwise honoured however long):
 * past the deadline the call fails with StorageUnavailableError, which answers 503 to an HTTP caller.
 */
const callDeadlinePolicy = (timeoutMs: number): PipelinePolicy =>
  abortAfterPolicy(
    'storageCallDeadline',
    timeoutMs,
    (cause) => new StorageUnavailableError(`Table storage did not answer within ${timeoutMs} ms`, { cause }),
  );

/**
 * One try. The SDK's own `timeout` ends a try with an AbortError, which its retry policy never retries;
 * this one ends it as ETIMEDOUT, a system error the SDK's exponential retry does retry. The abort also
 * covers reading the body, which the SDK's timeout (cleared at the headers) does not.
 */
const tryTimeoutPolicy = (timeoutMs: number): PipelinePolicy =>
  abortAfterPolicy(
    'storageTryTimeout',
    timeoutMs,
    (_cause, request) =>
      new RestError(`Table storage did not answer one try within ${timeoutMs} ms`, {
        code: 'ETIMEDOUT',
        request,
      }),
  );

/**
 * Aborts what follows it in the pipeline after `timeoutMs` (together with any abort the caller asked for)
 * and turns that timeout, and only that one, into the policy's own error.
 */
function abortAfterPolicy(
  name: string,
  timeoutMs: number,
  timedOut: (cause: unknown, request: PipelineRequest) => Error,
): PipelinePolicy {
  return {
    name,
    async sendRequest(request, next) {
      const outer = request.abortSignal;
      const timer = AbortSignal.timeout(timeoutMs);
      request.abortSignal = outer ? AbortSignal.any([outer as AbortSignal, timer]) : timer;
      try {
        return await next(request);
      } catch (error) {
        if (timer.aborted && !outer?.aborted) throw timedOut(error, request);
        throw error;
      } finally {
        request.abortSignal = outer;
      }
    },
  };
}
