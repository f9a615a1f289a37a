import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { Services } from '../../compositionRoot';
import { assertPortalUser } from '../../application/portal/portalAccess';
import type { PartnerUser } from '../../domain/identity/principal';
import type { Partner } from '../../domain/partners/partner';
import { PARTNER_KIND_LABELS } from '../../domain/partners/partner';
import { forbidden } from '../../domain/domainError';
import type { Caller } from '../http/authentication';
import { authenticateOptional } from '../http/authentication';
import { redirect, signInUrl } from '../http/pageHandler';
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

/** The signed-in portal user, or a redirect to sign in and come back to this page. */
export async function portalVisitor(
  request: HttpRequest,
  svc: Services,
): Promise<PortalVisitor | HttpResponseInit> {
  const caller = await authenticateOptional(request, svc);
  if (!caller) {
    const url = new URL(request.url);
    return redirect(signInUrl(svc, `${url.pathname}${url.search}`));
  }
  const { principal } = caller;
  assertPortalUser(principal);
  const partner = await svc.deps.partners.get(principal.partnerId);
  if (!partner) throw forbidden('UnknownPartner', 'This partner is not registered with the service.');
  return {
    caller,
    principal,
    partner,
    csrf: caller.session ? svc.sessions.csrfToken(caller.session) : '',
  };
}

export const isResponse = (value: PortalVisitor | HttpResponseInit): value is HttpResponseInit =>
  !('principal' in value);

export function renderPortalPage(
  name: string,
  visitor: PortalVisitor,
  frame: { title: string; section?: PortalSection },
  model: object,
): string {
  return renderPage(
    name,
    { title: `${frame.title} · Partner portal`, signedInAs: visitor.principal.upn, wide: true },
    {
      ...model,
      portal: {
        partnerName: visitor.partner.name,
        partnerKind: PARTNER_KIND_LABELS[visitor.partner.kind],
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
