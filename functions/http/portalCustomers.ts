import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { invocationDeps } from '../../shared/adapters/durable/invocationDeps';
import { getCustomer, listCustomers } from '../../shared/application/customers/listCustomers';
import type { CreatedInvitation } from '../../shared/application/invitations/createInvitation';
import { createInvitation } from '../../shared/application/invitations/createInvitation';
import { listInvitations } from '../../shared/application/invitations/listInvitations';
import { withdrawInvitation } from '../../shared/application/invitations/withdrawInvitation';
import { listVisibleBatches, listVisibleBatchesOutside } from '../../shared/application/portal/portalAccess';
import type { Services } from '../../shared/compositionRoot';
import { anonymous } from '../../shared/adapters/http/apiHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { redirect } from '../../shared/adapters/http/pageHandler';
import {
  ButtonFormSchema,
  DELEGATION_DURATIONS,
  INVITATION_EMAIL_LANGUAGES,
  InvitationFormSchema,
} from '../../shared/adapters/web/portalForms';
import type {
  InvitationFormErrors,
  InvitationFormState,
} from '../../shared/adapters/web/portalInvitationForm';
import {
  EMPTY_INVITATION_FORM,
  invitationFormErrors,
  invitationFormState,
  invitationRuleError,
} from '../../shared/adapters/web/portalInvitationForm';
import { formFields } from '../../shared/adapters/http/formData';
import type { PortalVisitor } from '../../shared/adapters/web/portalPage';
import {
  portalHtmlResponse,
  portalPage,
  readCsrfCheckedForm,
  readPortalForm,
  renderPortalPage,
} from '../../shared/adapters/web/portalPage';
import {
  INVITATION_KIND_LABELS,
  batchSummary,
  relationshipLabel,
} from '../../shared/adapters/web/portalViews';
import { TenantIdParams, toCustomer } from '../../shared/contract/customerContract';
import { InvitationIdParams } from '../../shared/contract/invitationContract';
import { guidParam, page } from '../../shared/contract/openApiParts';
import {
  ADMIN_ROLES,
  GLOBAL_ADMINISTRATOR_ROLE,
  adminRoleName,
} from '../../shared/domain/invitations/adminRoles';
import { DomainError } from '../../shared/domain/domainError';
import { invitationState } from '../../shared/domain/invitations/invitation';
import { PARTNER_REFUSALS } from '../../shared/domain/partners/partnerCapabilities';
import { invitationsOffered } from '../../shared/domain/partners/partnerRules';

/** The partner portal's customers page: customers, invitations (create, copy, withdraw), and batches. */
const DONE: Record<string, string> = {
  created: 'Invitation created. Copy its link and send it to your customer.',
  withdrawn: 'The invitation was withdrawn; its link no longer works.',
};

export async function showPortalHome(): Promise<HttpResponseInit> {
  return Promise.resolve(redirect('/api/portal/customers'));
}

export async function showPortalCustomers(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  visitor: PortalVisitor,
): Promise<HttpResponseInit> {
  const html = await customersPage(svc, visitor, {
    message: DONE[request.query.get('done') ?? ''],
    createdId: request.query.get('created') ?? '',
    form: EMPTY_INVITATION_FORM,
  });
  return portalHtmlResponse(200, html);
}

async function customersPage(
  svc: Services,
  visitor: PortalVisitor,
  shown: { message?: string | undefined; createdId?: string; form: InvitationFormState },
): Promise<string> {
  const { principal, partner } = visitor;
  const { form } = shown;
  const now = svc.deps.clock.now();
  const customers = (await listCustomers(svc.deps, principal)).map((r) => {
    const c = toCustomer(r, now);
    return {
      ...c,
      relationshipLabel: relationshipLabel(c.relationship),
      authorizationLabel: c.authorization === 'direct' ? 'Direct' : 'Indirect',
      active: c.status === 'active',
      delegatedRoles: c.delegatedAdmin?.roles.map((role) => role.name) ?? [],
      delegatedUntil: c.delegatedAdmin?.expiresAt.slice(0, 10) ?? '',
      acceptedOn: c.acceptedAt.slice(0, 10),
    };
  });
  // Batches sent before consent, to tenants with no relationship yet, have no customer page to show them.
  const customerTenants = new Set(customers.map((c) => c.tenantId));
  const waitingBatches = (await listVisibleBatchesOutside(svc.batchDeps, principal, customerTenants)).map(
    batchSummary,
  );
  const invitations = (await listInvitations(svc.deps, principal)).map(({ invitation, url, warnings }) => {
    const state = invitationState(invitation, now);
    return {
      id: invitation.id,
      kindLabel: INVITATION_KIND_LABELS[invitation.kind],
      roles: invitation.delegatedAdmin?.roles.map(adminRoleName) ?? [],
      customerEmail: invitation.customerEmail,
      createdOn: invitation.createdAt.slice(0, 10),
      expiresOn: invitation.expiresAt.slice(0, 10),
      active: state === 'active',
      stateLabel: { active: 'Active', expired: 'Expired', withdrawn: 'Withdrawn' }[state],
      url,
      warnings,
      justCreated: invitation.id === shown.createdId,
    };
  });
  // The rules' own answer: the invitations this partner may send, or the reason it may send none.
  const offered = invitationsOffered(partner);
  const inviteKinds = offered.kinds.map((value) => ({ value, label: INVITATION_KIND_LABELS[value] }));
  const pickedRoles = new Set(form.roles.map((r) => r.toLowerCase()));
  return renderPortalPage(
    'portalCustomers',
    visitor,
    { title: 'Customers', section: 'customers' },
    {
      customers,
      waitingBatches,
      invitations,
      message: shown.message,
      canInvite: inviteKinds.length > 0,
      inviteKinds,
      offersDelegatedAdmin: inviteKinds.some((k) => k.value === 'reseller-relationship'),
      inviteRefusal: offered.refusal && { code: offered.refusal, message: PARTNER_REFUSALS[offered.refusal] },
      roles: Object.entries(ADMIN_ROLES)
        .map(([id, name]) => ({
          id,
          name,
          mostPrivileged: id === GLOBAL_ADMINISTRATOR_ROLE,
          checked: pickedRoles.has(id.toLowerCase()),
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      durations: DELEGATION_DURATIONS.map((d) => ({ ...d, selected: d.value === form.duration })),
      languages: INVITATION_EMAIL_LANGUAGES.map((l) => ({
        ...l,
        selected: l.value === form.customerLanguage,
      })),
      form,
      formRefused: Object.keys(form.errors).length > 0,
      csrf: visitor.csrf,
    },
  );
}

/** One customer: its relationship and the device batches this partner may see for it. */
export async function showPortalCustomer(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  visitor: PortalVisitor,
): Promise<HttpResponseInit> {
  const { tenantId } = TenantIdParams.parse(request.params);
  const customer = toCustomer(await getCustomer(svc.deps, visitor.principal, tenantId), svc.deps.clock.now());
  const batches = (await listVisibleBatches(svc.batchDeps, visitor.principal, tenantId)).map(batchSummary);
  const html = renderPortalPage(
    'portalCustomer',
    visitor,
    { title: customer.domain, section: 'customers' },
    {
      customer,
      relationshipLabel: relationshipLabel(customer.relationship),
      active: customer.status === 'active',
      batches,
      batchCaption: `Device batches for ${customer.domain}, newest first`,
      anyFromResellers: batches.some((b) => !b.own),
    },
  );
  return portalHtmlResponse(200, html);
}

/**
 * POST the invitation form. A field that does not parse, or a request the rules refuse (an unknown role),
 * shows the form again with what was entered and the reason beside the field (422), and writes nothing.
 */
export async function postPortalInvitation(
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
  visitor: PortalVisitor,
): Promise<HttpResponseInit> {
  const entered = formFields(await readCsrfCheckedForm(request, visitor, svc));
  const parsed = InvitationFormSchema.safeParse(entered);
  if (!parsed.success)
    return refusedInvitationForm(svc, visitor, entered, invitationFormErrors(parsed.error));
  const form = parsed.data;
  let created: CreatedInvitation;
  try {
    created = await createInvitation(invocationDeps(svc, context), visitor.principal, {
      kind: form.kind,
      delegatedAdmin:
        form.kind === 'reseller-relationship' && form.roles.length > 0
          ? { roles: form.roles, duration: form.duration }
          : undefined,
      customerEmail: form.customerEmail,
      customerLanguage: form.customerLanguage,
    });
  } catch (error) {
    if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
    return refusedInvitationForm(svc, visitor, entered, invitationRuleError(error));
  }
  const id = encodeURIComponent(created.invitation.id);
  return redirect(`/api/portal/customers?done=created&created=${id}#invitation-${id}`);
}

async function refusedInvitationForm(
  svc: Services,
  visitor: PortalVisitor,
  entered: Record<string, string | string[]>,
  errors: InvitationFormErrors,
): Promise<HttpResponseInit> {
  const html = await customersPage(svc, visitor, { form: invitationFormState(entered, errors) });
  return portalHtmlResponse(422, html);
}

export async function postPortalWithdrawInvitation(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  visitor: PortalVisitor,
): Promise<HttpResponseInit> {
  await readPortalForm(request, visitor, svc, ButtonFormSchema);
  const { id } = InvitationIdParams.parse(request.params);
  await withdrawInvitation(svc.deps, visitor.principal, id);
  return redirect('/api/portal/customers?done=withdrawn#invitations');
}

const signInFirst = { 303: { description: 'Sign in first' } };

export const portalCustomerRoutes: readonly HttpRoute[] = [
  {
    name: 'portalHome',
    method: 'GET',
    route: 'api/portal',
    handler: anonymous(showPortalHome),
    openApi: {
      summary: "The partner portal's home: on to its customers page",
      responses: { 303: { description: 'To the customers page' } },
    },
  },
  {
    name: 'portalCustomers',
    method: 'GET',
    route: 'api/portal/customers',
    handler: portalPage(showPortalCustomers),
    openApi: {
      summary: "The partner portal's customers page (HTML): customers, invitations, waiting batches",
      responses: { 200: page('The page'), ...signInFirst },
    },
  },
  {
    name: 'portalCustomer',
    method: 'GET',
    route: 'api/portal/customers/{tenantId}',
    handler: portalPage(showPortalCustomer),
    openApi: {
      summary: "One customer's page in the partner portal (HTML): its relationship and device batches",
      request: { params: z.object({ tenantId: guidParam }) },
      responses: { 200: page('The page'), ...signInFirst },
    },
  },
  {
    name: 'portalCreateInvitation',
    method: 'POST',
    route: 'api/portal/invitations',
    // The invitation email starts on its way at once; a sweeper would otherwise pick it up within minutes.
    durableClient: true,
    handler: portalPage(postPortalInvitation, { formPage: '/api/portal/customers#invite' }),
    openApi: {
      summary: "The portal's invitation form",
      responses: {
        303: { description: 'Created; back to the customers page' },
        422: page('The form again, with each reason beside its field'),
      },
    },
  },
  {
    name: 'portalWithdrawInvitation',
    method: 'POST',
    route: 'api/portal/invitations/{id}/withdraw',
    handler: portalPage(postPortalWithdrawInvitation, { formPage: '/api/portal/customers#invitations' }),
    openApi: {
      summary: "The portal's withdraw button",
      request: { params: z.object({ id: guidParam }) },
      responses: { 303: { description: 'Withdrawn; back to the customers page' } },
    },
  },
];
