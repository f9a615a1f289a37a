import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { invocationDeps } from '../../shared/adapters/durable/invocationDeps';
import { partnerNames, viewConsentPage } from '../../shared/application/consent/consentPageView';
import { acceptInvitation } from '../../shared/application/consent/acceptInvitation';
import { openInvitationLink } from '../../shared/application/consent/openInvitationLink';
import type { Services } from '../../shared/compositionRoot';
import { json } from '../../shared/adapters/http/apiHandler';
import type { Caller } from '../../shared/adapters/http/authentication';
import { assertCsrf, authenticateOptional } from '../../shared/adapters/http/authentication';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import {
  pageHandler,
  prefersJson,
  redirect,
  signInUrl,
  signOutForm,
} from '../../shared/adapters/http/pageHandler';
import { readForm } from '../../shared/adapters/http/requestBody';
import { htmlResponse, renderPage } from '../../shared/adapters/web/pageRenderer';
import { adminRoleLabel, partnerKindLabel, refusalText } from '../../shared/adapters/web/localizedLabels';
import { translate } from '../../shared/adapters/web/messageCatalogs';
import { pageLocale } from '../../shared/adapters/web/pageLocale';
import { AcceptFormSchema, ConsentTokenParams } from '../../shared/contract/consentContract';
import { toCustomer } from '../../shared/contract/customerContract';
import { page, problem, refusals } from '../../shared/contract/openApiParts';
import { GLOBAL_ADMINISTRATOR_ROLE } from '../../shared/domain/invitations/adminRoles';

/** GET <link>: the consent page, after signing in, in the language the browser asks for (or ?lang=). */
export async function showConsentPage(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const { token } = ConsentTokenParams.parse(request.params);
  const opened = await openInvitationLink(svc.deps, token);
  const { invitation, partner } = opened;
  const caller = await authenticateOptional(request, svc);
  const language = pageLocale(request);
  const { locale } = language;
  if (!caller) return redirect(signInUrl(svc, new URL(request.url).pathname), language.cookies);

  const { principal } = caller;
  const view = await viewConsentPage(svc.deps, principal, opened);
  const { eligibility, providerNames } = view;
  const tenantDomain = view.tenantDomain ?? translate(locale, 'consent.yourOrganisation');
  const refusal = eligibility.eligible
    ? undefined
    : refusalText(locale, eligibility.code, eligibility.reason);
  const model = {
    partnerName: partner.name,
    partnerKindLabel: partnerKindLabel(locale, partner.kind),
    tenantDomain,
    isOem: invitation.kind === 'oem-authorization',
    providers: providerNames,
    providersPlural: providerNames.length > 1,
    delegatedAdmin: invitation.delegatedAdmin && {
      roles: invitation.delegatedAdmin.roles.map((role) => adminRoleLabel(locale, role)),
      duration: invitation.delegatedAdmin.duration,
      includesGlobalAdmin: invitation.delegatedAdmin.roles.includes(GLOBAL_ADMINISTRATOR_ROLE),
    },
    eligible: eligibility.eligible,
    refusalTitle: refusal?.title ?? '',
    refusalReason: refusal?.reason ?? '',
    actionUrl: new URL(request.url).pathname,
    csrf: caller.session ? svc.sessions.csrfToken(caller.session) : '',
  };
  const html = renderPage(
    'consent',
    {
      title: translate(locale, 'consent.title', { partner: partner.name }),
      signedInAs: upnOf(principal),
      switchAccountUrl: signInUrl(svc, new URL(request.url).pathname),
      signOut: signOutForm(caller, svc, new URL(request.url).pathname),
      locale,
      languageLinks: language.languageLinks,
    },
    model,
  );
  return {
    ...htmlResponse(eligibility.eligible ? 200 : 403, html, { 'content-language': locale }),
    cookies: language.cookies,
  };
}

/** POST <link>: accepts, from the page's form (cookie + CSRF) or from a client with a Bearer user token. */
export async function acceptConsent(
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
  caller: Caller,
): Promise<HttpResponseInit> {
  const { token } = ConsentTokenParams.parse(request.params);
  const form = AcceptFormSchema.parse(await readForm(request));
  assertCsrf(caller, form.csrf, svc);
  const result = await acceptInvitation(invocationDeps(svc, context), token, caller.principal, {
    consent: form.consent,
    includeDelegatedAdmin: form.includeDelegatedAdmin,
  });
  const now = svc.deps.clock.now();
  if (prefersJson(request)) {
    return json(200, {
      status: 'accepted',
      partnerId: result.partner.id,
      relationship: toCustomer(result.relationship, now),
      providers: result.providers.map((p) => ({ partnerId: p.partnerId, ...toCustomer(p, now) })),
    });
  }
  const providerNames = await partnerNames(
    svc.deps,
    result.providers.map((p) => p.partnerId),
  );
  const grant = result.relationship.delegatedAdmin;
  // No switcher here: its links would lead back to the form, not to this answer to a POST.
  const { locale } = pageLocale(request);
  const html = renderPage(
    'consentAccepted',
    {
      title: translate(locale, 'accepted.title', { partner: result.partner.name }),
      signedInAs: upnOf(caller.principal),
      signOut: signOutForm(caller, svc, new URL(request.url).pathname),
      locale,
    },
    {
      partnerName: result.partner.name,
      tenantDomain: result.relationship.domain,
      providers: providerNames,
      delegatedRoles: grant?.roles.map((role) => adminRoleLabel(locale, role)) ?? [],
      delegatedUntil: grant?.expiresAt ?? '',
      adminUrl: '/api/tenant/partners',
    },
  );
  return htmlResponse(200, html, { 'content-language': locale });
}

function upnOf(principal: { kind: string; upn?: string; partnerId?: string }): string {
  return principal.upn ?? principal.partnerId ?? '';
}

export const consentRoutes: readonly HttpRoute[] = [
  {
    name: 'consentPage',
    method: 'GET',
    route: 'api/consent/{token}',
    // The link is checked before sign-in (a dead link says so at once), so the page authenticates itself.
    handler: pageHandler(showConsentPage),
    openApi: {
      summary: 'The consent page (HTML); redirects to sign-in first',
      request: { params: ConsentTokenParams },
      responses: {
        200: page('Consent page'),
        303: { description: 'Sign in first' },
        403: { description: 'Not allowed to accept' },
        404: { description: 'Invalid link' },
        410: { description: 'Expired or withdrawn link' },
      },
    },
  },
  {
    name: 'acceptConsent',
    method: 'POST',
    route: 'api/consent/{token}',
    // Accepting signals the batches waiting for this consent.
    durableClient: true,
    handler: pageHandler(acceptConsent, { principal: 'any' }),
    openApi: {
      summary: 'Accept: form fields consent=yes and optionally includeDelegatedAdmin=true',
      request: {
        params: ConsentTokenParams,
        body: {
          content: {
            'application/x-www-form-urlencoded': { schema: AcceptFormSchema.meta({ id: 'AcceptForm' }) },
          },
        },
      },
      responses: {
        200: { description: 'Accepted (HTML, or JSON when asked for)' },
        ...refusals,
        404: problem('Invalid link'),
        410: problem('Expired or withdrawn link'),
      },
    },
  },
];
