import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { TokenClaims } from '../../shared/application/identity/tokenClaims';
import type { Services } from '../../shared/compositionRoot';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import { assertSameOrigin } from '../../shared/adapters/http/authentication';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { pageHandler, redirect } from '../../shared/adapters/http/pageHandler';
import { readForm, readJson } from '../../shared/adapters/http/requestBody';
import { safeReturnTo } from '../../shared/adapters/http/safeReturnTo';
import type { DevUser } from '../../shared/adapters/tables/devDirectoryTable';
import { htmlResponse, renderPage } from '../../shared/adapters/web/pageRenderer';
import { adminRoleLabel } from '../../shared/adapters/web/localizedLabels';
import { translate } from '../../shared/adapters/web/messageCatalogs';
import { pageLocale } from '../../shared/adapters/web/pageLocale';
import {
  DevTenantRequestSchema,
  DevTokenRequestSchema,
  DevTokenResponseSchema,
} from '../../shared/contract/devContract';
import { jsonBody, ok, page, problem } from '../../shared/contract/openApiParts';
import { DomainError, notFound } from '../../shared/domain/domainError';
import { GLOBAL_ADMINISTRATOR_ROLE, adminRoleName } from '../../shared/domain/invitations/adminRoles';
import type { DevIssuer } from '../../shared/adapters/identity/devIssuer';

/** The local stand-in for Entra ID sign-in (AUTH_MODE=dev only; absent in Azure). */
const HELPDESK_ADMINISTRATOR_ROLE = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const TOKEN_LIFETIME_SECONDS = 3600;

function devIssuerOf(svc: Services): DevIssuer {
  if (!svc.devIssuer)
    throw new DomainError(
      'notFound',
      'DevIssuerDisabled',
      'The development sign-in exists only with AUTH_MODE=dev.',
    );
  return svc.devIssuer;
}

async function userClaims(svc: Services, user: DevUser): Promise<TokenClaims> {
  const partner = user.partnerId ? await svc.deps.partners.get(user.partnerId) : undefined;
  return {
    tid: partner?.homeTenantId ?? user.tenantId,
    oid: user.oid,
    sub: user.oid,
    upn: user.upn,
    preferred_username: user.upn,
    name: user.displayName,
    wids: [...user.roleIds],
    idtyp: 'user',
  };
}

/** POST /api/dev/token: a token for a partner's API client ({partnerId}) or a seeded user ({upn}). */
export async function issueDevToken(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const issuer = devIssuerOf(svc);
  const body = await readJson(request, DevTokenRequestSchema);
  let claims: TokenClaims;
  if ('partnerId' in body) {
    const partner = await svc.deps.partners.get(body.partnerId);
    const clientId = partner?.apiClientIds[0];
    if (!partner || !clientId)
      throw notFound('UnknownPartner', `No partner ${body.partnerId} with an API client is registered.`);
    claims = { tid: partner.homeTenantId, oid: clientId, sub: clientId, azp: clientId, idtyp: 'app' };
  } else {
    const user = await svc.devDirectory.findUser(body.upn);
    if (!user) throw notFound('UnknownUser', `No seeded user ${body.upn}; GET /api/dev/signin lists them.`);
    claims = await userClaims(svc, user);
  }
  const accessToken = await issuer.issue(claims, TOKEN_LIFETIME_SECONDS);
  return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS });
}

/** GET /api/dev/signin?returnTo=/path: pick a seeded user. */
export async function showDevSignIn(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  devIssuerOf(svc);
  const returnTo = safeReturnTo(request.query.get('returnTo'), svc.config.publicBaseUrl);
  // In the language the page that sent the user here was in (the switcher's cookie, or the browser's).
  const { locale } = pageLocale(request);
  const users = (await svc.devDirectory.listUsers())
    .sort((a, b) => a.upn.localeCompare(b.upn))
    .map((u) => ({
      upn: u.upn,
      displayName: u.displayName,
      description: u.partnerId
        ? translate(locale, 'signin.portalUser', { partner: u.partnerId })
        : u.roleIds.length > 0
          ? u.roleIds.map((role) => adminRoleLabel(locale, role)).join(', ')
          : translate(locale, 'signin.noRole'),
    }));
  return htmlResponse(
    200,
    renderPage('signin', { title: translate(locale, 'signin.title'), locale }, { users, returnTo }),
  );
}

/** POST /api/dev/signin: sets the session cookie and returns to where the user was going. */
export async function completeDevSignIn(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  devIssuerOf(svc);
  // Another site must not sign a visitor in as someone of its choosing (login CSRF).
  assertSameOrigin(request, svc.config.publicBaseUrl);
  const form = await readForm(request);
  const user = await svc.devDirectory.findUser(form.upn ?? '');
  if (!user) throw notFound('UnknownUser', 'Choose one of the listed users.');
  const { cookie } = await svc.sessions.issue(await userClaims(svc, user));
  return redirect(safeReturnTo(form.returnTo, svc.config.publicBaseUrl), [cookie]);
}

/** POST /api/dev/tenants: a fresh customer tenant with its users, so that each test owns its data. */
export async function createDevTenant(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  devIssuerOf(svc);
  const body = await readJson(request, DevTenantRequestSchema);
  const tenantId = randomUUID();
  const name = body.name ?? `t${tenantId.slice(0, 8)}`;
  const domain = `${name}-${tenantId.slice(0, 4)}.onmicrosoft.com`;
  await svc.devDirectory.upsertTenant({ tenantId, name, domain });
  const users: DevUser[] = [
    {
      upn: `admin@${domain}`,
      displayName: `${name} admin`,
      tenantId,
      oid: randomUUID(),
      roleIds: [GLOBAL_ADMINISTRATOR_ROLE],
    },
    {
      upn: `helpdesk@${domain}`,
      displayName: `${name} helpdesk`,
      tenantId,
      oid: randomUUID(),
      roleIds: [HELPDESK_ADMINISTRATOR_ROLE],
    },
    {
      upn: `it-admin@${name}-${tenantId.slice(0, 4)}.example.com`,
      displayName: `${name} federated admin`,
      tenantId,
      oid: randomUUID(),
      roleIds: [GLOBAL_ADMINISTRATOR_ROLE],
    },
  ];
  for (const user of users) await svc.devDirectory.upsertUser(user);
  return json(201, {
    tenantId,
    domain,
    users: users.map((u) => ({ upn: u.upn, roles: u.roleIds.map(adminRoleName) })),
  });
}

/** Local development only (AUTH_MODE=dev); in Azure each answers 404. */
export const devIdentityRoutes: readonly HttpRoute[] = [
  {
    name: 'devToken',
    method: 'POST',
    route: 'api/dev/token',
    handler: apiHandler(issueDevToken),
    openApi: {
      summary: 'Local development only (AUTH_MODE=dev): a token for a partner API client or a seeded user',
      request: { body: jsonBody(DevTokenRequestSchema) },
      responses: {
        200: ok('Token', DevTokenResponseSchema),
        400: problem('Bad request'),
        404: problem('Unknown partner or user'),
      },
    },
  },
  {
    name: 'devSignInPage',
    method: 'GET',
    route: 'api/dev/signin',
    handler: pageHandler(showDevSignIn),
    openApi: {
      summary: 'Local development only: the sign-in page that lists the seeded users (HTML)',
      responses: { 200: page('Sign-in page'), 404: { description: 'Not AUTH_MODE=dev' } },
    },
  },
  {
    name: 'devSignIn',
    method: 'POST',
    route: 'api/dev/signin',
    handler: pageHandler(completeDevSignIn),
    openApi: {
      summary:
        'Local development only: sign in as a seeded user (form fields upn, returnTo); sets the session',
      responses: {
        303: { description: 'Signed in; back to returnTo' },
        404: { description: 'Unknown user' },
      },
    },
  },
  {
    name: 'devTenants',
    method: 'POST',
    route: 'api/dev/tenants',
    handler: apiHandler(createDevTenant),
    openApi: {
      summary:
        'Local development only: a fresh customer tenant with an admin, a helpdesk user and a federated admin',
      request: { body: jsonBody(DevTenantRequestSchema) },
      responses: { 201: { description: 'Tenant created' } },
    },
  },
];
