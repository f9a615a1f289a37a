import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import type { BindingMetadata, Registration } from './functionsCore/registry';
import { hostSettings } from './hostJson';
import { RouteTable } from './routeTable';

/**
 * Supplies the value of a non-trigger input binding (for example the durable client) for one
 * invocation, as the Functions host does from its extensions.
 */
export type ExtraInputProvider = (binding: BindingMetadata, registration: Registration) => unknown;

export interface HttpHostOptions {
  readonly registrations: readonly Registration[];
  readonly port: number;
  readonly host?: string;
  /** host.json's `extensions.http.routePrefix` ("" serves routes from the root, as the app's do). */
  readonly routePrefix?: string;
  /** Largest request body read; the Functions host's own limit is 100 MB. */
  readonly maxBodyBytes?: number;
  readonly extraInputProviders?: ReadonlyMap<string, ExtraInputProvider>;
  readonly log?: (line: string) => void;
}

export interface RunningHttpHost {
  readonly port: number;
  readonly baseUrl: string;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 100 * 1024 * 1024;

export async function startHttpHost(options: HttpHostOptions): Promise<RunningHttpHost> {
  const routes = new RouteTable(options.registrations);
  const trimmed = (options.routePrefix ?? hostSettings().routePrefix).replace(/^\/|\/$/g, '');
  const prefix = trimmed ? `/${trimmed}` : '';
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const providers = options.extraInputProviders ?? new Map<string, ExtraInputProvider>();
  const host = options.host ?? '127.0.0.1';
  let baseUrl = '';

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log?.(`local host: ${String(error)}`);
      if (!res.headersSent)
        sendProblem(res, 500, 'InternalError', 'The local host failed to run the function.');
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    if (prefix && url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) {
      return sendProblem(
        res,
        404,
        'NotFound',
        `Nothing is served at ${url.pathname}; the API is under ${prefix}/.`,
      );
    }
    const result = routes.match(method, url.pathname.slice(prefix.length));
    if (result.kind === 'notFound')
      return sendProblem(res, 404, 'NotFound', `No function serves ${url.pathname}.`);
    if (result.kind === 'methodNotAllowed') {
      res.setHeader('Allow', result.allow.join(', '));
      return sendProblem(
        res,
        405,
        'MethodNotAllowed',
        `${method} is not allowed here; use ${result.allow.join(', ')}.`,
      );
    }

    const body = await readBody(req, maxBody);
    if (body === 'tooLarge') {
      req.resume();
      res.setHeader('Connection', 'close');
      return sendProblem(res, 413, 'PayloadTooLarge', `Request bodies are limited to ${maxBody} bytes.`);
    }

    const { registration, params } = result.match;
    const request = new HttpRequest({
      method,
      url: url.toString(),
      headers: flattenHeaders(req.headers),
      query: Object.fromEntries(url.searchParams.entries()),
      params,
      body: body.length > 0 ? { bytes: body } : undefined,
    });
    const context = createInvocationContext(registration, providers, options.log);
    const output = await registration.handler(request, context);
    await writeResponse(res, output, method);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host === '0.0.0.0' ? 'localhost' : host === '127.0.0.1' ? 'localhost' : host}:${port}`;
  server.keepAliveTimeout = 5_000;
  return {
    port,
    baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function createInvocationContext(
  registration: Registration,
  providers: ReadonlyMap<string, ExtraInputProvider>,
  log?: (line: string) => void,
): InvocationContext {
  const bindings = Object.values(registration.metadata.bindings);
  const extraInputs = bindings.filter((b) => b.direction === 'in' && b !== registration.trigger);
  const extraOutputs = bindings.filter((b) => b.direction === 'out' && b.name !== '$return');
  const context = new InvocationContext({
    invocationId: randomUUID(),
    functionName: registration.name,
    options: {
      trigger: registration.trigger,
      extraInputs: extraInputs,
      extraOutputs: extraOutputs,
    },
    logHandler: (level, ...args) => {
      if (log && (level === 'error' || level === 'warning'))
        log(`[${registration.name}] ${args.map(String).join(' ')}`);
    },
  });
  for (const binding of extraInputs) {
    const provider = providers.get(binding.type);
    if (!provider)
      throw new Error(`The local host has no provider for "${binding.type}" inputs (${registration.name}).`);
    context.extraInputs.set(binding.name, provider(binding, registration));
  }
  return context;
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
  }
  return flat;
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'tooLarge'> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return 'tooLarge';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) return 'tooLarge';
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

async function writeResponse(res: http.ServerResponse, output: unknown, method: string): Promise<void> {
  const response = output instanceof HttpResponse ? output : new HttpResponse(output ?? { status: 204 });
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  const cookies = response.cookies.map(serializeCookie);
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, headers);
  res.end(method === 'HEAD' ? undefined : body);
}

function serializeCookie(cookie: HttpResponse['cookies'][number]): string {
  const parts = [`${cookie.name}=${cookie.value}`];
  if (cookie.path) parts.push(`Path=${cookie.path}`);
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  if (cookie.maxAge !== undefined) parts.push(`Max-Age=${cookie.maxAge}`);
  if (cookie.expires) parts.push(`Expires=${new Date(cookie.expires).toUTCString()}`);
  if (cookie.httpOnly) parts.push('HttpOnly');
  if (cookie.secure) parts.push('Secure');
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  return parts.join('; ');
}

function sendProblem(res: http.ServerResponse, status: number, code: string, detail: string): void {
  const titles: Record<number, string> = {
    404: 'Not Found',
    405: 'Method Not Allowed',
    413: 'Content Too Large',
    500: 'Internal Server Error',
  };
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title: titles[status] ?? 'Error', status, code, detail }));
}
