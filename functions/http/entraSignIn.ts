import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Services } from '../../shared/compositionRoot';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { pageHandler, redirect } from '../../shared/adapters/http/pageHandler';
import { readForm } from '../../shared/adapters/http/requestBody';
import type { EntraSignIn } from '../../shared/adapters/identity/entraSignIn';
import { DomainError } from '../../shared/domain/domainError';

/** The browser sign-in with Entra ID (AUTH_MODE=entra); locally, /api/dev/signin plays its part. */
function entraSignInOf(svc: Services): EntraSignIn {
  if (!svc.entraSignIn)
    throw new DomainError(
      'notFound',
      'EntraSignInDisabled',
      'Signing in with Entra ID exists only with AUTH_MODE=entra; locally, use /api/dev/signin.',
    );
  return svc.entraSignIn;
}

/** GET /api/auth/signin?returnTo=/path: off to Entra ID, remembering this sign-in in a cookie. */
export async function startEntraSignIn(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const { location, cookie } = await entraSignInOf(svc).start(request.query.get('returnTo'));
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, cookies: [cookie] };
}

/** POST /api/auth/callback: Entra ID's form post; a verified ID token becomes the session cookie. */
export async function completeEntraSignIn(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const signIn = entraSignInOf(svc);
  const form = await readForm(request);
  const { claims, returnTo, clearCookie } = await signIn.complete(form, request.headers.get('cookie'));
  const { cookie } = await svc.sessions.issue(claims);
  return redirect(returnTo, [cookie, clearCookie]);
}

/** In Azure (AUTH_MODE=entra); locally each answers 404. */
export const entraSignInRoutes: readonly HttpRoute[] = [
  {
    name: 'entraSignIn',
    method: 'GET',
    route: 'api/auth/signin',
    handler: pageHandler(startEntraSignIn),
    openApi: {
      summary: 'Browser sign-in: off to Entra ID, and back to returnTo (a path on this site) afterwards',
      responses: { 302: { description: "To Entra ID's authorize endpoint" } },
    },
  },
  {
    name: 'entraSignInCallback',
    method: 'POST',
    route: 'api/auth/callback',
    handler: pageHandler(completeEntraSignIn),
    openApi: {
      summary: "Entra ID's form post (id_token, state); a verified ID token becomes the session",
      responses: { 303: { description: 'Signed in; back to returnTo' } },
    },
  },
];
