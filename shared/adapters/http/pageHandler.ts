import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import Negotiator from 'negotiator';
import type { Services } from '../../compositionRoot';
import { services } from '../../compositionRoot';
import type { RouteHandler } from './apiHandler';
import { errorPageText } from '../web/localizedLabels';
import { pageLocale } from '../web/pageLocale';
import type { SignOutForm } from '../web/pageRenderer';
import { htmlResponse, renderPage } from '../web/pageRenderer';
import type { Caller } from './authentication';
import { authenticateOptional, authenticateVisitor } from './authentication';
import { problemResponse, retryAfterHeader, toProblem } from './problem';
import type { CallerAs, PrincipalKind } from './requiredPrincipal';
import { callerAs } from './requiredPrincipal';

type PageFunction<C = undefined> = (
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
  caller: C,
) => Promise<HttpResponseInit>;

export interface PageOptions<K extends PrincipalKind> {
  /** Who may see the page or post its form; anyone else gets the error page (403). */
  readonly principal: K;
  /**
   * Where a form post without a session sends the browser to sign in and come back to: the page that
   * holds the form (the post's own address answers POST only). Without it such a post is refused (401).
   * A GET without a session always comes back to itself.
   */
  readonly formPage?: string;
}

/** Whether the client would rather have JSON than a page (API clients posting to a consent link). */
export function prefersJson(request: HttpRequest): boolean {
  const negotiator = new Negotiator({ headers: { accept: request.headers.get('accept') ?? 'text/html' } });
  return negotiator.mediaType(['text/html', 'application/json', 'application/problem+json']) !== 'text/html';
}

/**
 * Wraps a page: errors become a readable page (or problem+json for API clients), never a stack trace.
 * With `principal`, the wrapper finds the signed-in caller first: a browser without a session is sent to
 * sign in (see PageOptions.formPage), and a caller of another kind gets the error page.
 */
export function pageHandler(fn: PageFunction): RouteHandler;
export function pageHandler<K extends PrincipalKind>(
  fn: PageFunction<CallerAs<K>>,
  options: PageOptions<K>,
): RouteHandler;
export function pageHandler<K extends PrincipalKind>(
  fn: PageFunction<CallerAs<K>> | PageFunction,
  options?: PageOptions<K>,
): RouteHandler {
  return Object.assign(wrapped, { security: options ? 'sessionOrBearer' : 'none' } as const);
  async function wrapped(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    try {
      const svc = await services();
      if (!options) return await (fn as PageFunction)(request, context, svc, undefined);
      // Only a browser that can come back after signing in is sent there; any other call needs a caller.
      const comesBack = request.method === 'GET' || options.formPage !== undefined;
      const caller = comesBack
        ? await authenticateOptional(request, svc)
        : await authenticateVisitor(request, svc);
      if (!caller) return signInFirst(request, svc, options.formPage);
      return await (fn as PageFunction<CallerAs<K>>)(
        request,
        context,
        svc,
        callerAs(options.principal, caller),
      );
    } catch (error) {
      if (prefersJson(request)) return problemResponse(error, context);
      const problem = toProblem(error, context);
      // The error page speaks the page's language; codes the catalogs do not know keep their English detail.
      const language = pageLocale(request);
      const { locale } = language;
      const text = errorPageText(locale, problem);
      // A page one can load again (GET) offers the switcher: a dead link's reason in one's own language.
      const switchable = request.method === 'GET';
      const html = renderPage(
        'error',
        { title: text.title, locale, languageLinks: switchable ? language.languageLinks : undefined },
        { heading: text.heading, message: text.message, code: problem.code },
      );
      return {
        ...htmlResponse(problem.status, html, { 'content-language': locale, ...retryAfterHeader(problem) }),
        cookies: switchable ? language.cookies : [],
      };
    }
  }
}

/** A browser without a session: off to sign in, and back to this page (or to the form's page). */
function signInFirst(request: HttpRequest, svc: Services, formPage: string | undefined): HttpResponseInit {
  const url = new URL(request.url);
  if (request.method !== 'GET' && formPage) return redirect(signInUrl(svc, formPage));
  return redirect(signInUrl(svc, `${url.pathname}${url.search}`), pageLocale(request).cookies);
}

export function redirect(location: string, cookies: HttpResponseInit['cookies'] = []): HttpResponseInit {
  return { status: 303, headers: { location, 'cache-control': 'no-store' }, cookies };
}

/** Where a browser without a session goes to sign in, and comes back to `returnTo` afterwards. */
export function signInUrl(svc: Services, returnTo: string): string {
  return svc.config.authMode === 'dev'
    ? `/api/dev/signin?returnTo=${encodeURIComponent(returnTo)}`
    : `/api/auth/signin?returnTo=${encodeURIComponent(returnTo)}`;
}

/** The header's sign-out form for a visitor the session cookie signed in (none for a Bearer caller). */
export function signOutForm(caller: Caller, svc: Services, returnTo: string): SignOutForm | undefined {
  return caller.session ? { csrf: svc.sessions.csrfToken(caller.session), returnTo } : undefined;
}
