import type { HttpRequest } from '@azure/functions';
import { resolvePrincipal } from '../../application/identity/resolvePrincipal';
import { forbidden, unauthenticated } from '../../domain/domainError';
import type { Principal } from '../../domain/identity/principal';
import type { Services } from '../../compositionRoot';
import type { BrowserSession } from '../identity/browserSession';

/**
 * Who is calling. The JSON API (`/api/v1/*`) knows callers by a Bearer token only; the pages know them
 * by the browser session cookie (or a Bearer token, for clients that post to a consent link).
 *
 * Why the API refuses the cookie rather than asking for a CSRF token: a browser attaches the cookie to
 * any request to this site, including one a page of another site (or another app on the same site)
 * makes it send, so an API that acted on the cookie would act for whoever made the browser send it.
 * A Bearer token is never attached by the browser: the caller must hold it, which no other page can.
 * The API's clients are programs with tokens, and the pages never call the API (the portal's one
 * script polls its own page route), so nothing legitimate sends the cookie there.
 */
export interface Caller {
  readonly principal: Principal;
  /** Set when the caller was identified by the session cookie (forms then need a CSRF token). */
  readonly session?: BrowserSession;
}

/** The caller of the JSON API: a Bearer token, whatever cookie the request also carries. */
export async function authenticate(request: HttpRequest, svc: Services): Promise<Caller> {
  const caller = await bearerCaller(request, svc);
  if (!caller)
    throw unauthenticated(
      'AuthenticationRequired',
      'Send a bearer token in the Authorization header (the pages’ session cookie is not accepted by the API).',
    );
  return caller;
}

/** The caller of a page or a page's form: a Bearer token, else the session cookie (401 with neither). */
export async function authenticateVisitor(request: HttpRequest, svc: Services): Promise<Caller> {
  const caller = await authenticateOptional(request, svc);
  if (!caller)
    throw unauthenticated(
      'AuthenticationRequired',
      'Sign in, or send a bearer token in the Authorization header.',
    );
  return caller;
}

/** A page's caller when there is one: a Bearer token, else the session cookie. */
export async function authenticateOptional(request: HttpRequest, svc: Services): Promise<Caller | undefined> {
  const caller = await bearerCaller(request, svc);
  if (caller) return caller;
  const session = await svc.sessions.read(request.headers.get('cookie'));
  if (!session) return undefined;
  return { principal: await resolvePrincipal(svc.deps.partners, session.claims), session };
}

async function bearerCaller(request: HttpRequest, svc: Services): Promise<Caller | undefined> {
  const authorization = request.headers.get('authorization');
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match)
    throw unauthenticated('InvalidAuthorizationHeader', 'The Authorization header must be "Bearer <token>".');
  const claims = await svc.verifier.verify(match[1]!);
  return { principal: await resolvePrincipal(svc.deps.partners, claims) };
}

/** A form posted with the session cookie must carry the session's CSRF token; Bearer calls need none. */
export function assertCsrf(caller: Caller, csrf: string | undefined, svc: Services): void {
  if (caller.session && !svc.sessions.csrfValid(caller.session, csrf)) {
    throw forbidden(
      'CsrfTokenInvalid',
      'This form has expired or did not come from this site. Reload the page and try again.',
    );
  }
}

/**
 * A form that has no session to bind a CSRF token to (the dev sign-in) must come from this site's own
 * pages. Browsers say where a request comes from: `Sec-Fetch-Site` (Fetch Metadata) and `Origin`, which
 * they send with every cross-origin POST and which no page can set. A request that names another
 * origin, or an opaque one (`null`), is refused; a client that sends neither (curl, the tests) is no
 * browser another site could drive.
 */
export function assertSameOrigin(request: HttpRequest, appOrigin: string): void {
  const site = request.headers.get('sec-fetch-site');
  const origin = request.headers.get('origin');
  const crossSite = site !== null && site !== 'same-origin' && site !== 'none';
  if (crossSite || (origin !== null && origin !== new URL(appOrigin).origin)) {
    throw forbidden('CrossSiteRequestRefused', 'This form can only be sent from this site’s own pages.');
  }
}
