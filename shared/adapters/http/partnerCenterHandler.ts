import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { PartnerCenterStore } from '../../application/partnerCenter/partnerCenterStore';
import type { PcError } from '../../contract/partnerCenterContract';
import type { Services } from '../../compositionRoot';
import { services } from '../../compositionRoot';
import { invalid } from '../../domain/domainError';
import type { PartnerClient, PartnerPrincipal } from '../../domain/identity/principal';
import { assertPartner, assertPartnerClient } from '../../domain/identity/principal';
import { authenticate } from './authentication';
import { toProblem } from './problem';
import { readLimited } from './requestBody';

/**
 * The wrapper of every Partner Center–compatible route: the same tokens and principals as the API, and
 * Partner Center's manners on the wire —
 * - errors as `{code, description, data, source}` (the SDK's ApiFault), with the API's status and codes
 *   (toProblem is the one mapping; only the body's shape differs);
 * - `MS-CorrelationId` echoed (one made when absent), `MS-RequestId` echoed, an `MS-CV` on every answer;
 * - for POSTs, `MS-RequestId` as an idempotency key: the first answer (anything but a 5xx, which a retry
 *   should try again) is kept per partner and request ID with a hash of the request, and the same request
 *   with the same ID gets it again byte for byte. The same ID on another request is not a retry: it runs.
 */
export const PC_ERROR_SOURCE = 'PartnerConsent';

export type PcCallerKind = 'partner' | 'partnerClient';
interface PcCallers {
  readonly partner: PartnerPrincipal;
  readonly partnerClient: PartnerClient;
}

export interface PcCall<P> {
  readonly request: HttpRequest;
  readonly context: InvocationContext;
  readonly svc: Services;
  readonly principal: P;
  /** The request's body, read once (POSTs only). */
  readonly body: Buffer;
  /** MS-RequestId, when the client sent one. */
  readonly requestId: string | undefined;
}

/** Bodies the surface reads: 100,000 devices with hardware hashes, as the API takes them. */
export const PC_MAX_BODY_BYTES = 64 * 1024 * 1024;
// A GUID is 36 characters; 64 keeps the encoded table key under its 1 KiB limit whatever the text.
const MAX_REQUEST_ID = 64;

export function partnerCenterHandler<K extends PcCallerKind>(
  kind: K,
  fn: (call: PcCall<PcCallers[K]>) => Promise<HttpResponseInit>,
) {
  const wrapped = async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const requestId = headerValue(request, 'ms-requestid');
    const echo: Record<string, string> = {
      'ms-correlationid': headerValue(request, 'ms-correlationid') ?? randomUUID(),
      'ms-requestid': requestId ?? randomUUID(),
      'ms-cv': `${randomBytes(12).toString('base64')}.0`,
    };
    const answer = await answerOf(request, context, kind, fn, requestId);
    return { ...answer, headers: { ...(answer.headers as Record<string, string>), ...echo } };
  };
  // Every Partner Center call takes the API's Bearer token (the route table's OpenAPI security says so).
  return Object.assign(wrapped, { security: 'bearer' as const });
}

async function answerOf<K extends PcCallerKind>(
  request: HttpRequest,
  context: InvocationContext,
  kind: K,
  fn: (call: PcCall<PcCallers[K]>) => Promise<HttpResponseInit>,
  requestId: string | undefined,
): Promise<HttpResponseInit> {
  let svc: Services;
  let principal: PcCallers[K];
  try {
    svc = await services();
    principal = callerOf(kind, (await authenticate(request, svc)).principal);
    if (requestId !== undefined && requestId.length > MAX_REQUEST_ID) {
      throw invalid('InvalidRequestId', `MS-RequestId may be at most ${MAX_REQUEST_ID} characters (a GUID).`);
    }
  } catch (error) {
    return partnerCenterError(error, context);
  }
  const run = async (body: Buffer) => {
    try {
      return await fn({ request, context, svc, principal, body, requestId });
    } catch (error) {
      return partnerCenterError(error, context);
    }
  };
  if (request.method.toUpperCase() !== 'POST') return run(Buffer.alloc(0));

  let body: Buffer;
  try {
    body = await readLimited(request, PC_MAX_BODY_BYTES);
  } catch (error) {
    return partnerCenterError(error, context);
  }
  if (requestId === undefined) return run(body);
  try {
    return await replayOrRun(
      svc.partnerCenter,
      {
        partnerId: principal.partnerId,
        requestId,
        method: request.method,
        path: new URL(request.url).pathname,
        body,
      },
      () => run(body),
    );
  } catch (error) {
    return partnerCenterError(error, context);
  }
}

export interface KeyedRequest {
  readonly partnerId: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly body: Buffer;
}

/**
 * The first answer to this request ID again when the request is the same one (method, path and body);
 * otherwise runs it, keeping its answer unless it is a 5xx (which a retry should try again) or the ID
 * already holds another request's answer.
 */
export async function replayOrRun(
  store: Pick<PartnerCenterStore, 'getAnswer' | 'putAnswer'>,
  keyed: KeyedRequest,
  run: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  const requestHash = createHash('sha256')
    .update(`${keyed.method.toUpperCase()} ${keyed.path}\n`)
    .update(keyed.body)
    .digest('hex');
  const stored = await store.getAnswer(keyed.partnerId, keyed.requestId);
  if (stored?.requestHash === requestHash) {
    return { status: stored.status, headers: { ...stored.headers }, body: stored.body };
  }
  const answer = await run();
  const status = answer.status ?? 200;
  if (status < 500 && stored === undefined) {
    await store.putAnswer(keyed.partnerId, keyed.requestId, {
      requestHash,
      status,
      headers: { ...(answer.headers as Record<string, string> | undefined) },
      body: typeof answer.body === 'string' ? answer.body : '',
    });
  }
  return answer;
}

function callerOf<K extends PcCallerKind>(
  kind: K,
  principal: Parameters<typeof assertPartner>[0],
): PcCallers[K] {
  if (kind === 'partnerClient') assertPartnerClient(principal);
  else assertPartner(principal);
  return principal as PcCallers[K];
}

function headerValue(request: HttpRequest, name: string): string | undefined {
  const value = request.headers.get(name)?.trim();
  return value ? value : undefined;
}

/** A JSON answer with its body already serialised, so that a kept answer is replayed byte for byte. */
export function pcJson(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** Any error as Partner Center's error body, with the status and code the API would answer. */
export function partnerCenterError(error: unknown, context?: InvocationContext): HttpResponseInit {
  const problem = toProblem(error, context);
  const data = Array.isArray(problem.errors) ? (problem.errors as unknown[]) : [];
  const body: PcError = { code: problem.code, description: problem.detail, data, source: PC_ERROR_SOURCE };
  const headers: Record<string, string> = {};
  if (problem.status === 401) headers['www-authenticate'] = 'Bearer';
  return pcJson(problem.status, body, headers);
}
