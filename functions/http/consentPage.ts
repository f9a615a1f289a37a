import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { invocationDeps } from '../../shared/adapters/durable/invocationDeps';
import { consentEligibility } from '../../shared/application/consent/consentEligibility';
import { acceptInvitation } from '../../shared/application/consent/acceptInvitation';
import { openInvitationLink } from '../../shared/application/consent/openInvitationLink';
import { actorOf, recordAudit } from '../../shared/application/audit/recordAudit';
import type { Services } from '../../shared/compositionRoot';
import { json } from '../../shared/adapters/http/apiHandler';
import { assertCsrf, authenticate, authenticateOptional } from '../../shared/adapters/http/authentication';
import { pageHandler, prefersJson, redirect, signInUrl } from '../../shared/adapters/http/pageHandler';
import { readForm } from '../../shared/adapters/http/requestBody';
import { htmlResponse, renderPage } from '../../shared/adapters/web/pageRenderer';
import { AcceptFormSchema, ConsentTokenParams } from '../../shared/contract/consentContract';
import { toCustomer } from '../../shared/contract/customerContract';
import { GLOBAL_ADMINISTRATOR_ROLE, adminRoleName } from '../../shared/domain/invitations/adminRoles';
import { PARTNER_KIND_LABELS } from '../../shared/domain/partners/partner';
import { implicitlyAuthorizedProviders } from '../../shared/domain/partners/partnerRules';

const REFUSAL_TITLES: Record<string, string> = {
  GlobalAdministratorRequired: 'You need to be a Global Administrator',
  CloudNativeAccountRequired: 'Sign in with a cloud-native account',
  CustomerAccountRequired: "Sign in with your organisation's account",
};

/** GET <link>: the consent page, after signing in. */
export async function showConsentPage(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const { token } = ConsentTokenParams.parse(request.params);
  const { invitation, partner } = await openInvitationLink(svc.deps, token);
  const caller = await authenticateOptional(request, svc);
  if (!caller) return redirect(signInUrl(svc, new URL(request.url).pathname));

  const { principal } = caller;
  const eligibility = consentEligibility(principal, invitation);
  if (!eligibility.eligible) {
    await recordAudit(
      svc.deps,
      'ConsentRefused',
      actorOf(principal),
      {
        partnerId: partner.id,
        tenantId: principal.kind === 'customer-user' ? principal.tenantId : null,
      },
      { invitationId: invitation.id, code: eligibility.code, viewedOnly: true },
    );
  }
  const providerNames = await Promise.all(
    implicitlyAuthorizedProviders(partner).map(async (id) => (await svc.deps.partners.get(id))?.name ?? id),
  );
  const tenantDomain =
    principal.kind === 'customer-user'
      ? ((await svc.deps.tenants.domainOf(principal.tenantId)) ?? principal.upn.split('@')[1])
      : 'your organisation';
  const model = {
    partnerName: partner.name,
    partnerKindLabel: PARTNER_KIND_LABELS[partner.kind],
    tenantDomain,
    isOem: invitation.kind === 'oem-authorization',
    providers: providerNames,
    providersPlural: providerNames.length > 1,
    delegatedAdmin: invitation.delegatedAdmin && {
      roles: invitation.delegatedAdmin.roles.map(adminRoleName),
      durationText: durationText(invitation.delegatedAdmin.duration),
      includesGlobalAdmin: invitation.delegatedAdmin.roles.includes(GLOBAL_ADMINISTRATOR_ROLE),
    },
    eligible: eligibility.eligible,
    refusalTitle: eligibility.eligible
      ? ''
      : (REFUSAL_TITLES[eligibility.code] ?? 'You cannot accept this request'),
    refusalReason: eligibility.eligible ? '' : eligibility.reason,
    actionUrl: new URL(request.url).pathname,
    csrf: caller.session ? svc.sessions.csrfToken(caller.session) : '',
  };
  const html = renderPage(
    'consent',
    {
      title: `${partner.name} asks for your permission`,
      signedInAs: upnOf(principal),
      switchAccountUrl: signInUrl(svc, new URL(request.url).pathname),
    },
    model,
  );
  return htmlResponse(eligibility.eligible ? 200 : 403, html);
}

/** POST <link>: accepts, from the page's form (cookie + CSRF) or from a client with a Bearer user token. */
export async function acceptConsent(
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const { token } = ConsentTokenParams.parse(request.params);
  const caller = await authenticate(request, svc);
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
  const providerNames = await Promise.all(
    result.providers.map(async (p) => (await svc.deps.partners.get(p.partnerId))?.name ?? p.partnerId),
  );
  const grant = result.relationship.delegatedAdmin;
  const html = renderPage(
    'consentAccepted',
    { title: `${result.partner.name} is authorised`, signedInAs: upnOf(caller.principal) },
    {
      partnerName: result.partner.name,
      tenantDomain: result.relationship.domain,
      providers: providerNames,
      delegatedRoles: grant?.roles.map(adminRoleName) ?? [],
      delegatedUntil: grant?.expiresAt.slice(0, 10) ?? '',
      adminUrl: '/api/tenant/partners',
    },
  );
  return htmlResponse(200, html);
}

function upnOf(principal: { kind: string; upn?: string; partnerId?: string }): string {
  return principal.upn ?? principal.partnerId ?? '';
}

function durationText(duration: string): string {
  const units: [RegExp, string][] = [
    [/(\d+)Y/, 'year'],
    [/(\d+)M/, 'month'],
    [/(\d+)W/, 'week'],
    [/(\d+)D/, 'day'],
  ];
  const parts = units.flatMap(([re, unit]) => {
    const n = Number(re.exec(duration)?.[1] ?? 0);
    return n > 0 ? [`${n} ${unit}${n === 1 ? '' : 's'}`] : [];
  });
  return parts.join(' ') || duration;
}

app.http('consentPage', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'consent/{token}',
  handler: pageHandler(showConsentPage),
});
app.http('acceptConsent', {
  methods: ['POST'],
  authLevel: 'anonymous',
  route: 'consent/{token}',
  extraInputs: [df.input.durableClient()],
  handler: pageHandler(acceptConsent),
});
