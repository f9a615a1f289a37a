import type { HttpRequest } from '@azure/functions';
import { resolvePrincipal } from '../../application/identity/resolvePrincipal';
import { forbidden, unauthenticated } from '../../domain/domainError';
import type { PartnerPrincipal, Principal } from '../../domain/identity/principal';
import { assertPartner } from '../../domain/identity/principal';
import type { Services } from '../../compositionRoot';
import type { BrowserSession } from '../identity/browserSession';

/** Who is calling: from a Bearer token, or from the browser session cookie. */
export interface Caller {
  readonly principal: Principal;
  /** Set when the caller was identified by the session cookie (forms then need a CSRF token). */
  readonly session?: BrowserSession;
}

export async function authenticate(request: HttpRequest, svc: Services): Promise<Caller> {
  const caller = await authenticateOptional(request, svc);
  if (!caller)
    throw unauthenticated('AuthenticationRequired', 'Send a bearer token in the Authorization header.');
  return caller;
}

/** The caller of a partner API: a partner's API client or one of its people (403 for anyone else). */
export async function authenticatePartner(request: HttpRequest, svc: Services): Promise<PartnerPrincipal> {
  const { principal } = await authenticate(request, svc);
  assertPartner(principal);
  return principal;
}

export async function authenticateOptional(request: HttpRequest, svc: Services): Promise<Caller | undefined> {
  const authorization = request.headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match)
      throw unauthenticated(
        'InvalidAuthorizationHeader',
        'The Authorization header must be "Bearer <token>".',
      );
    const claims = await svc.verifier.verify(match[1]!);
    return { principal: await resolvePrincipal(svc.deps.partners, claims) };
  }
  const session = await svc.sessions.read(request.headers.get('cookie'));
  if (!session) return undefined;
  return { principal: await resolvePrincipal(svc.deps.partners, session.claims), session };
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
