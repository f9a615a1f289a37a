import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import Negotiator from 'negotiator';
import type { Services } from '../../compositionRoot';
import { services } from '../../compositionRoot';
import { errorPageText } from '../web/localizedLabels';
import { pageLocale } from '../web/pageLocale';
import type { SignOutForm } from '../web/pageRenderer';
import { htmlResponse, renderPage } from '../web/pageRenderer';
import type { Caller } from './authentication';
import { problemResponse, retryAfterHeader, toProblem } from './problem';

type PageFunction = (
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
) => Promise<HttpResponseInit>;

/** Whether the client would rather have JSON than a page (API clients posting to a consent link). */
export function prefersJson(request: HttpRequest): boolean {
  const negotiator = new Negotiator({ headers: { accept: request.headers.get('accept') ?? 'text/html' } });
  return negotiator.mediaType(['text/html', 'application/json', 'application/problem+json']) !== 'text/html';
}

/** Wraps a page: errors become a readable page (or problem+json for API clients), never a stack trace. */
export function pageHandler(fn: PageFunction) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      return await fn(request, context, await services());
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
  };
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
