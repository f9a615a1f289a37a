import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { RuntimeStatus } from './instanceStore';

/**
 * The Durable extension's HTTP API, the part durable-functions' DurableClient calls through
 * `rpcBaseUrl` (DurableClient.js): start, status (one, filtered, all), raise event, terminate,
 * purge. Served on its own loopback port under `/durabletask/`, and under the webhook path
 * `/runtime/webhooks/durabletask/` that management URLs use. Every input is parsed; bad input is 400.
 *
 * Status codes and bodies are the extension's (HttpApiHandler.cs): 404 and 410 without a body, errors
 * as `{ Message, ExceptionMessage, ExceptionType, StackTrace }` (HttpRequestMessageExtensions
 * .CreateErrorResponse), a start over a pending or running instance a 500 carrying DTFx's
 * OrchestrationAlreadyExistsException, a failed instance's status a 200.
 */
export interface StatusBody {
  readonly name: string;
  readonly instanceId: string;
  readonly createdTime: string;
  readonly lastUpdatedTime: string;
  readonly input: unknown;
  readonly output: unknown;
  readonly runtimeStatus: RuntimeStatus;
  readonly customStatus: unknown;
  readonly history?: unknown[];
}

export interface StatusOptions {
  readonly showHistory: boolean;
  readonly showHistoryOutput: boolean;
  readonly showInput: boolean;
}

export interface InstanceFilter {
  readonly createdTimeFrom?: Date;
  readonly createdTimeTo?: Date;
  readonly runtimeStatus?: RuntimeStatus[];
}

export type StartResult =
  | { readonly kind: 'started'; readonly instanceId: string }
  | { readonly kind: 'unknownOrchestrator'; readonly known: readonly string[] }
  | { readonly kind: 'alreadyRunning'; readonly status: RuntimeStatus };

export type InstanceCommandResult = 'accepted' | 'notFound' | 'gone';

export interface DurableOperations {
  readonly taskHub: string;
  startNew(name: string, instanceId: string | undefined, inputJson: string | undefined): Promise<StartResult>;
  raiseEvent(
    instanceId: string,
    eventName: string,
    dataJson: string | undefined,
  ): Promise<InstanceCommandResult>;
  terminate(instanceId: string, reason: string): Promise<InstanceCommandResult>;
  getStatus(instanceId: string, options: StatusOptions): Promise<StatusBody | undefined>;
  listStatus(filter: InstanceFilter, options: StatusOptions): Promise<StatusBody[]>;
  purge(instanceId: string): Promise<boolean>;
  purgeBy(filter: InstanceFilter): Promise<number>;
  managementPayload(instanceId: string): Record<string, string>;
}

export interface RunningDurableHttpApi {
  readonly origin: string;
  close(): Promise<void>;
}

const PREFIXES = ['/durabletask/', '/runtime/webhooks/durabletask/'];
const MAX_BODY = 1024 * 1024;

/** DTFx refuses these in instance ids; Table keys refuse them too. */
const instanceIdSchema = z
  .string()
  .min(1)
  .max(256)
  .refine(
    (s) => !/[/\\#?]/.test(s) && ![...s].some(isControl),
    'must not contain /, \\, #, ? or control characters',
  );

function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}
const nameSchema = z.string().min(1).max(256);
const flag = z.enum(['true', 'false']).optional();
const runtimeStatusSchema = z.enum(['Pending', 'Running', 'Completed', 'Failed', 'Terminated']);
const dateSchema = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time')
  .transform((s) => new Date(s));

const statusQuerySchema = z.object({
  showHistory: flag,
  showHistoryOutput: flag,
  showInput: flag,
  returnInternalServerErrorOnFailure: flag,
  taskHub: z.string().optional(),
  connection: z.string().optional(),
  code: z.string().optional(),
});
const filterQuerySchema = statusQuerySchema.extend({
  createdTimeFrom: dateSchema.optional(),
  createdTimeTo: dateSchema.optional(),
  runtimeStatus: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').filter((v) => v !== '') : undefined))
    .pipe(z.array(runtimeStatusSchema).optional()),
  top: z.string().optional(),
});
const terminateQuerySchema = statusQuerySchema.extend({ reason: z.string().max(10_000).optional() });
const startQuerySchema = statusQuerySchema.extend({ version: z.string().optional() });

class BadRequest extends Error {}

/** The extension's error body (HttpRequestMessageExtensions.CreateErrorResponse). */
export interface ExtensionErrorBody {
  readonly Message: string;
  readonly ExceptionMessage?: string;
  readonly ExceptionType?: string;
  readonly StackTrace?: string | null;
}

const errorBody = (message: string, exceptionMessage: string, exceptionType: string): ExtensionErrorBody => ({
  Message: message,
  ExceptionMessage: exceptionMessage,
  ExceptionType: exceptionType,
  // The local runtime has no .NET stack to show.
  StackTrace: null,
});

/** What HttpApiHandler answers where the extension and this runtime meet the same case. */
export const extensionAnswers = {
  argument: (detail: string) =>
    errorBody('One or more of the arguments submitted is incorrect', detail, 'System.ArgumentException'),
  unknownOrchestrator: (name: string, known: readonly string[]) =>
    errorBody(
      'One or more of the arguments submitted is incorrect',
      `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function. Additional info: ` +
        (known.length > 0
          ? `The following are the known orchestrator functions: '${known.join("', '")}'.`
          : 'No orchestrator functions are currently registered!'),
      'System.ArgumentException',
    ),
  alreadyExists: (status: RuntimeStatus) =>
    errorBody(
      'Something went wrong while processing your request',
      `An Orchestration instance with the status ${status} already exists.`,
      'DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException',
    ),
  invalidJson: (detail: string) =>
    errorBody('Invalid JSON content', detail, 'Newtonsoft.Json.JsonReaderException'),
  jsonOnly: { Message: 'Only application/json request content is supported' } as ExtensionErrorBody,
  internal: (detail: string) =>
    errorBody('Something went wrong while processing your request', detail, 'System.Exception'),
  purgeNeedsFrom: "Please provide value for 'createdTimeFrom' parameter.",
};

class InvalidJson extends Error {}

export async function startDurableHttpApi(
  operations: DurableOperations,
  log?: (line: string) => void,
): Promise<RunningDurableHttpApi> {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof BadRequest) return send(res, 400, extensionAnswers.argument(error.message));
      if (error instanceof InvalidJson) return send(res, 400, extensionAnswers.invalidJson(error.message));
      log?.(`durable API: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent)
        send(res, 500, extensionAnswers.internal(error instanceof Error ? error.message : String(error)));
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const prefix = PREFIXES.find((p) => url.pathname.startsWith(p) || `${url.pathname}/` === p);
    if (!prefix) return send(res, 404);
    const segments = url.pathname
      .slice(prefix.length)
      .split('/')
      .filter((s) => s !== '')
      .map(decodeSegment);
    const query = Object.fromEntries(url.searchParams.entries());
    const body = await readBody(req);
    checkTaskHub(query.taskHub);

    const [root, a, b, c] = segments;
    if (root === 'orchestrators' && method === 'POST' && a !== undefined && segments.length <= 3) {
      parse(startQuerySchema, query, 'query');
      const name = parse(nameSchema, a, 'orchestrator name');
      const instanceId = b === undefined ? undefined : parse(instanceIdSchema, b, 'instance id');
      const result = await operations.startNew(name, instanceId, jsonBody(body));
      if (result.kind === 'unknownOrchestrator')
        return send(res, 400, extensionAnswers.unknownOrchestrator(name, result.known));
      if (result.kind === 'alreadyRunning')
        return send(res, 500, extensionAnswers.alreadyExists(result.status));
      const payload = operations.managementPayload(result.instanceId);
      return send(res, 202, payload, { Location: payload.statusQueryGetUri ?? '' });
    }
    if (root !== 'instances') {
      if (root === 'entities')
        return send(res, 501, { Message: 'Durable entities are not emulated locally.' });
      return send(res, 404);
    }
    if (a === undefined) {
      const filter = parse(filterQuerySchema, query, 'query');
      const options = statusOptions(filter);
      const instanceFilter: InstanceFilter = {
        ...(filter.createdTimeFrom ? { createdTimeFrom: filter.createdTimeFrom } : {}),
        ...(filter.createdTimeTo ? { createdTimeTo: filter.createdTimeTo } : {}),
        ...(filter.runtimeStatus ? { runtimeStatus: filter.runtimeStatus } : {}),
      };
      if (method === 'GET') return send(res, 200, await operations.listStatus(instanceFilter, options));
      if (method === 'DELETE') {
        if (!filter.createdTimeFrom) return send(res, 400, extensionAnswers.purgeNeedsFrom);
        const deleted = await operations.purgeBy(instanceFilter);
        return deleted > 0 ? send(res, 200, { instancesDeleted: deleted }) : send(res, 404);
      }
      return send(res, 404);
    }
    const instanceId = parse(instanceIdSchema, a, 'instance id');
    if (b === undefined) {
      if (method === 'GET') {
        const status = await operations.getStatus(
          instanceId,
          statusOptions(parse(statusQuerySchema, query, 'query')),
        );
        if (!status) return send(res, 404);
        if (status.runtimeStatus === 'Pending' || status.runtimeStatus === 'Running') {
          // As the extension: 202 with Location (the request's own address) and Retry-After 5.
          return send(res, 202, status, { Location: `${origin()}${req.url ?? ''}`, 'Retry-After': '5' });
        }
        const failedAs500 =
          status.runtimeStatus === 'Failed' && query.returnInternalServerErrorOnFailure === 'true';
        return send(res, failedAs500 ? 500 : 200, status);
      }
      if (method === 'DELETE') {
        const purged = await operations.purge(instanceId);
        return purged ? send(res, 200, { instancesDeleted: 1 }) : send(res, 404);
      }
      return send(res, 404);
    }
    if (method !== 'POST') return send(res, 404);
    if (b === 'raiseEvent' && c !== undefined && segments.length === 4) {
      parse(statusQuerySchema, query, 'query');
      const eventName = parse(nameSchema, c, 'event name');
      // The extension checks the instance before the body: 404 / 410 first, then the content type.
      const known = await operations.getStatus(instanceId, {
        showHistory: false,
        showHistoryOutput: false,
        showInput: false,
      });
      if (!known) return send(res, 404);
      if (['Completed', 'Failed', 'Terminated'].includes(known.runtimeStatus)) return send(res, 410);
      const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (mediaType !== 'application/json') return send(res, 400, extensionAnswers.jsonOnly);
      return sendCommand(res, await operations.raiseEvent(instanceId, eventName, jsonBody(body)));
    }
    if (b === 'terminate' && segments.length === 3) {
      const { reason } = parse(terminateQuerySchema, query, 'query');
      return sendCommand(res, await operations.terminate(instanceId, reason ?? ''));
    }
    if (['suspend', 'resume', 'rewind'].includes(b) && segments.length === 3) {
      return send(res, 501, { Message: `${b} is not supported by the local durable runtime.` });
    }
    return send(res, 404);
  }

  function origin(): string {
    const { port } = server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  function checkTaskHub(taskHub: string | undefined): void {
    if (taskHub !== undefined && taskHub !== operations.taskHub) {
      throw new BadRequest(`This runtime serves task hub "${operations.taskHub}", not "${taskHub}".`);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.keepAliveTimeout = 5_000;
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ');
    throw new BadRequest(`Invalid ${what}: ${detail}`);
  }
  return result.data;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequest(`The path segment "${segment}" is not valid percent-encoding.`);
  }
}

/** Bodies are JSON text (DurableClient sends JSON.stringify(value)); empty means no value. */
function jsonBody(body: string): string | undefined {
  if (body.trim() === '') return undefined;
  try {
    JSON.parse(body);
  } catch (error) {
    throw new InvalidJson(error instanceof Error ? error.message : 'The request body is not JSON.');
  }
  return body;
}

function statusOptions(query: z.output<typeof statusQuerySchema>): StatusOptions {
  return {
    showHistory: query.showHistory === 'true',
    showHistoryOutput: query.showHistoryOutput === 'true',
    showInput: query.showInput !== 'false',
  };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) throw new BadRequest(`Request bodies are limited to ${MAX_BODY} bytes.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Raise event and terminate: 202, 404 or 410, each without a body, as HttpApiHandler answers them. */
function sendCommand(res: http.ServerResponse, result: InstanceCommandResult): void {
  send(res, result === 'accepted' ? 202 : result === 'gone' ? 410 : 404);
}

/** A response; without `body`, an empty one (the extension's CreateResponse(statusCode)). */
function send(
  res: http.ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
