import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { invocationDeps } from '../../shared/adapters/durable/invocationDeps';
import {
  listTenantPartners,
  removeDelegatedAdmin,
  revokePartner,
} from '../../shared/application/tenantAdmin/tenantPartners';
import type { Services } from '../../shared/compositionRoot';
import { assertCsrf } from '../../shared/adapters/http/authentication';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { pageHandler, redirect, signInUrl, signOutForm } from '../../shared/adapters/http/pageHandler';
import type { CallerAs } from '../../shared/adapters/http/requiredPrincipal';
import { readForm } from '../../shared/adapters/http/requestBody';
import { htmlResponse, renderPage } from '../../shared/adapters/web/pageRenderer';
import { adminRoleLabel, partnerKindLabel } from '../../shared/adapters/web/localizedLabels';
import { translate } from '../../shared/adapters/web/messageCatalogs';
import { pageLocale } from '../../shared/adapters/web/pageLocale';
import { PartnerIdParams, toTenantPartner } from '../../shared/contract/tenantAdminContract';
import { page } from '../../shared/contract/openApiParts';

const DONE_MESSAGES: Record<string, string> = {
  revoked: 'admin.done.revoked',
  dapRemoved: 'admin.done.dapRemoved',
  confirmRequired: 'admin.done.confirmRequired',
};

/**
 * The customer admin's page: every partner relationship, with remove-DAP and revoke buttons, in the
 * browser's language (or ?lang=). Someone who is not a Global Administrator gets the localized error page.
 */
export async function showTenantAdminPage(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  caller: CallerAs<'globalAdministrator'>,
): Promise<HttpResponseInit> {
  const language = pageLocale(request);
  const { locale } = language;
  const { principal } = caller;
  const now = svc.deps.clock.now();
  const items = (await listTenantPartners(svc.deps, principal)).map((p) => {
    const item = toTenantPartner(p, now);
    return {
      ...item,
      partnerKind: partnerKindLabel(locale, p.partner?.kind),
      relationshipLabel: translate(locale, `admin.relationship.${item.relationship}`, {
        authorization: translate(locale, `admin.authorization.${item.authorization}`),
      }),
      roleNames: item.delegatedAdmin?.roles.map((role) => adminRoleLabel(locale, role.id)) ?? [],
    };
  });
  const doneKey = DONE_MESSAGES[request.query.get('done') ?? ''];
  const message = doneKey && translate(locale, doneKey);
  const html = renderPage(
    'tenantAdmin',
    {
      title: translate(locale, 'admin.title'),
      signedInAs: principal.upn,
      switchAccountUrl: signInUrl(svc, '/api/tenant/partners'),
      signOut: signOutForm(caller, svc, '/api/tenant/partners'),
      wide: true,
      locale,
      languageLinks: language.languageLinks,
    },
    {
      tenantDomain: (await svc.deps.tenants.domainOf(principal.tenantId)) ?? principal.upn.split('@')[1],
      items,
      message,
      warning: request.query.get('done') === 'confirmRequired',
      csrf: caller.session ? svc.sessions.csrfToken(caller.session) : '',
    },
  );
  return { ...htmlResponse(200, html, { 'content-language': locale }), cookies: language.cookies };
}

export async function postRevokeFromPage(
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
  caller: CallerAs<'any'>,
): Promise<HttpResponseInit> {
  const form = await readForm(request);
  assertCsrf(caller, form.csrf, svc);
  const { partnerId } = PartnerIdParams.parse(request.params);
  // Revoking cannot be undone by the customer alone (the partner must invite again): ask twice.
  if (form.confirm !== 'yes') return redirect('/api/tenant/partners?done=confirmRequired');
  await revokePartner(invocationDeps(svc, context), caller.principal, partnerId);
  return redirect('/api/tenant/partners?done=revoked');
}

export async function postRemoveDelegatedAdminFromPage(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  caller: CallerAs<'any'>,
): Promise<HttpResponseInit> {
  assertCsrf(caller, (await readForm(request)).csrf, svc);
  const { partnerId } = PartnerIdParams.parse(request.params);
  await removeDelegatedAdmin(svc.deps, caller.principal, partnerId);
  return redirect('/api/tenant/partners?done=dapRemoved');
}

/** The customer admin's page, for people; its forms post to the use cases the admin API uses too. */
export const tenantAdminPageRoutes: readonly HttpRoute[] = [
  {
    name: 'tenantAdminPage',
    method: 'GET',
    route: 'api/tenant/partners',
    handler: pageHandler(showTenantAdminPage, { principal: 'globalAdministrator' }),
    openApi: {
      summary: "The customer admin's page (HTML): every partner relationship, with its buttons",
      responses: { 200: page('The page'), 303: { description: 'Sign in first' } },
    },
  },
  {
    name: 'tenantAdminRevoke',
    method: 'POST',
    route: 'api/tenant/partners/{partnerId}/revoke',
    // Revoking cancels the partner's batches that have not run.
    durableClient: true,
    handler: pageHandler(postRevokeFromPage, { principal: 'any' }),
    openApi: {
      summary: "The admin page's revoke form (confirm=yes, csrf)",
      request: { params: PartnerIdParams },
      responses: { 303: { description: 'Back to the admin page' } },
    },
  },
  {
    name: 'tenantAdminRemoveDelegatedAdmin',
    method: 'POST',
    route: 'api/tenant/partners/{partnerId}/removeDelegatedAdmin',
    handler: pageHandler(postRemoveDelegatedAdminFromPage, { principal: 'any' }),
    openApi: {
      summary: "The admin page's remove-delegated-admin form (csrf)",
      request: { params: PartnerIdParams },
      responses: { 303: { description: 'Back to the admin page' } },
    },
  },
];
