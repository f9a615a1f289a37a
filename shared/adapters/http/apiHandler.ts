import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Services } from '../../compositionRoot';
import { services } from '../../compositionRoot';
import { problemResponse } from './problem';

type ApiFunction = (
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
) => Promise<HttpResponseInit>;

/** Wraps an API function: the services it needs, and every error answered as problem+json. */
export function apiHandler(fn: ApiFunction) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      return await fn(request, context, await services());
    } catch (error) {
      return problemResponse(error, context);
    }
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store', ...headers } };
}
