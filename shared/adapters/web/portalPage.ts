import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import type { Services } from '../../compositionRoot';
import { partnerOf } from '../../application/partnerOf';
import type { PartnerUser } from '../../domain/identity/principal';
import type { Partner } from '../../domain/partners/partner';
import { PARTNER_CAPABILITIES } from '../../domain/partners/partnerCapabilities';
import type { Caller } from '../http/authentication';
import { assertCsrf } from '../http/authentication';
import type { RouteHandler } from '../http/apiHandler';
import type { CallerAs } from '../http/requiredPrincipal';
import { formFields, readFormData } from '../http/formData';
import { pageHandler } from '../http/pageHandler';
import { DEFAULT_JSON_LIMIT } from '../http/requestBody';
import { htmlResponse, renderPage } from './pageRenderer';

/**
 * The partner portal's pages: who is signed in, the portal's frame (navigation, stylesheet, script) and a
 * response whose Content-Security-Policy lets the portal's own script run and poll; other pages keep the
 * stricter htmlResponse.
 */
export type PortalSection = 'customers' | 'upload';

export interface PortalVisitor {
  readonly caller: Caller;
  readonly principal: PartnerUser;
  readonly partner: Partner;
  readonly csrf: string;
}

type PortalPageFunction = (
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
  visitor: PortalVisitor,
) => Promise<HttpResponseInit>;

/**
 * Wraps a portal page or form post like pageHandler, and hands it the signed-in portal user. A browser
 * without a session is sent to sign in and come back: to this page for a GET, and for a form post to
 * `formPage`, the page that holds the form. A post's own address answers POST only, so coming back to it
 * with the GET that follows sign-in would be a 404; the post itself cannot be replayed (its CSRF token
 * belonged to the session that ended), so nothing of it is written and the partner sends the form again.
 */
export function portalPage(fn: PortalPageFunction, options: { formPage?: string } = {}): RouteHandler {
  return pageHandler(
    async (request, context, svc, caller) => fn(request, context, svc, await portalVisitor(caller, svc)),
    { principal: 'portalUser', formPage: options.formPage ?? PORTAL_HOME },
  );
}

const PORTAL_HOME = '/api/portal';

async function portalVisitor(caller: CallerAs<'portalUser'>, svc: Services): Promise<PortalVisitor> {
  const { principal } = caller;
  return {
    caller,
    principal,
    partner: await partnerOf(svc.deps, principal),
    csrf: caller.session ? svc.sessions.csrfToken(caller.session) : '',
  };
}

/**
 * Reads a portal form post: its CSRF token is checked before any other field is looked at (a forged post
 * is a 403 whatever else it holds), then its text fields are parsed with `schema`. The form itself comes
 * back too, for its files.
 */
export async function readPortalForm<S extends z.ZodType>(
  request: HttpRequest,
  visitor: PortalVisitor,
  svc: Services,
  schema: S,
  maxBytes = DEFAULT_JSON_LIMIT,
): Promise<{ fields: z.infer<S>; form: FormData }> {
  const form = await readCsrfCheckedForm(request, visitor, svc, maxBytes);
  return { fields: schema.parse(formFields(form)), form };
}

/** A portal form post whose CSRF token was checked, its fields not yet parsed (for a form shown again). */
export async function readCsrfCheckedForm(
  request: HttpRequest,
  visitor: PortalVisitor,
  svc: Services,
  maxBytes = DEFAULT_JSON_LIMIT,
): Promise<FormData> {
  const form = await readFormData(request, maxBytes);
  const csrf = form.get('csrf');
  assertCsrf(visitor.caller, typeof csrf === 'string' ? csrf : undefined, svc);
  return form;
}

export function renderPortalPage(
  name: string,
  visitor: PortalVisitor,
  frame: { title: string; section?: PortalSection },
  model: object,
): string {
  return renderPage(
    name,
    {
      title: `${frame.title} · Partner portal`,
      signedInAs: visitor.principal.upn,
      // A visitor the session cookie signed in (the only kind with a CSRF token) can sign out.
      signOut: visitor.csrf ? { csrf: visitor.csrf, returnTo: PORTAL_HOME } : undefined,
      wide: true,
    },
    {
      ...model,
      portal: {
        partnerName: visitor.partner.name,
        partnerKind: PARTNER_CAPABILITIES[visitor.partner.kind].label,
        customers: frame.section === 'customers',
        upload: frame.section === 'upload',
      },
    },
  );
}

const PORTAL_CSP = [
  "default-src 'none'",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function portalHtmlResponse(status: number, html: string): HttpResponseInit {
  return htmlResponse(status, html, { 'content-security-policy': PORTAL_CSP });
}
