import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Services } from '../../compositionRoot';
import { services } from '../../compositionRoot';
import { authenticate, authenticateVisitor } from './authentication';
import { problemResponse } from './problem';
import type { PrincipalKind, PrincipalKinds } from './requiredPrincipal';
import { callerAs } from './requiredPrincipal';

type ApiFunction<P = undefined> = (
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
  principal: P,
) => Promise<HttpResponseInit>;

export type HttpFunction = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** How a caller proves who it is to a route: the OpenAPI document's `security`, from the wrapper's option. */
export type RouteSecurity = 'none' | 'bearer' | 'sessionOrBearer';

/** A wrapped function, with what its wrapper requires of the caller. */
export type RouteHandler = HttpFunction & { readonly security: RouteSecurity };

/** A function that authenticates no one (or does so itself, such as the consent page before sign-in). */
export function anonymous(fn: HttpFunction): RouteHandler {
  return Object.assign(fn, { security: 'none' as const });
}

export interface ApiOptions<K extends PrincipalKind> {
  /** Who may call; anyone else is refused (403) before the function runs. */
  readonly principal: K;
  /**
   * JSON that a page's own script reads (the portal's progress bar) takes the page's session cookie too;
   * the API proper takes Bearer tokens only (see authentication.ts).
   */
  readonly pageSession?: true;
}

/**
 * Wraps an API function: the services it needs, the caller it serves (with `principal`, the wrapper
 * authenticates and refuses every other kind of caller before the function runs), and every error
 * answered as problem+json.
 */
export function apiHandler(fn: ApiFunction): RouteHandler;
export function apiHandler<K extends PrincipalKind>(
  fn: ApiFunction<PrincipalKinds[K]>,
  options: ApiOptions<K>,
): RouteHandler;
export function apiHandler<K extends PrincipalKind>(
  fn: ApiFunction<PrincipalKinds[K] | undefined>,
  options?: ApiOptions<K>,
): RouteHandler {
  const security = !options ? 'none' : options.pageSession ? 'sessionOrBearer' : 'bearer';
  const authenticateCaller = options?.pageSession ? authenticateVisitor : authenticate;
  return Object.assign(wrapped, { security } as const);
  async function wrapped(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    try {
      const svc = await services();
      const principal = options
        ? callerAs(options.principal, await authenticateCaller(request, svc)).principal
        : undefined;
      return await fn(request, context, svc, principal);
    } catch (error) {
      return problemResponse(error, context);
    }
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store', ...headers } };
}
