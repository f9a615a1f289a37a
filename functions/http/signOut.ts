import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Services } from '../../shared/compositionRoot';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { pageHandler, signInUrl } from '../../shared/adapters/http/pageHandler';
import { readForm } from '../../shared/adapters/http/requestBody';
import { safeReturnTo } from '../../shared/adapters/http/safeReturnTo';
import { pageLocale } from '../../shared/adapters/web/pageLocale';
import { htmlResponse, renderPage } from '../../shared/adapters/web/pageRenderer';
import { translate } from '../../shared/adapters/web/messageCatalogs';
import { page } from '../../shared/contract/openApiParts';
import { forbidden } from '../../shared/domain/domainError';

/**
 * POST /api/auth/signout: the header's "Sign out" button, in either AUTH_MODE. It ends this site's
 * session (the cookie is cleared) and says so; it does not sign the person out of Entra ID, whose
 * session other applications share, and the next sign-in lets them pick the account (prompt=select_account).
 * It is a POST with the session's CSRF token, so another site cannot sign a visitor out; a post without
 * a session has nothing to end and answers the same page.
 */
export async function signOut(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const form = await readForm(request);
  const returnTo = safeReturnTo(form.returnTo, svc.config.publicBaseUrl);
  const session = await svc.sessions.read(request.headers.get('cookie'));
  if (session && !svc.sessions.csrfValid(session, form.csrf)) {
    throw forbidden(
      'CsrfTokenInvalid',
      'This form has expired or did not come from this site. Reload the page and try again.',
    );
  }
  const { locale } = pageLocale(request);
  const html = renderPage(
    'signedOut',
    { title: translate(locale, 'signedOut.title'), locale },
    {
      heading: translate(locale, 'signedOut.heading'),
      message: translate(locale, 'signedOut.message'),
      signInUrl: signInUrl(svc, returnTo),
      signInLabel: translate(locale, 'signedOut.signIn'),
    },
  );
  return { ...htmlResponse(200, html, { 'content-language': locale }), cookies: [svc.sessions.clear()] };
}

export const signOutRoutes: readonly HttpRoute[] = [
  {
    name: 'signOut',
    method: 'POST',
    route: 'api/auth/signout',
    // A post without a session has nothing to end and answers the same page, so no caller is required.
    handler: pageHandler(signOut),
    openApi: {
      summary: "Sign out (form fields csrf, returnTo): ends this site's session, not Entra ID's",
      responses: { 200: page('Signed out'), 403: { description: 'CSRF token invalid' } },
    },
  },
];
