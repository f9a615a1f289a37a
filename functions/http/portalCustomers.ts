import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
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
import { ButtonFormSchema, InvitationFormSchema } from '../../shared/adapters/web/portalForms';
import type { CustomersPageShown } from '../../shared/adapters/web/portalCustomersView';
import { customerPageModel, customersPageModel } from '../../shared/adapters/web/portalCustomersView';
import type { InvitationFormErrors } from '../../shared/adapters/web/portalInvitationForm';
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
import { TenantIdParams, toCustomer } from '../../shared/contract/customerContract';
import { InvitationIdParams } from '../../shared/contract/invitationContract';
import { page } from '../../shared/contract/openApiParts';
import { DomainError } from '../../shared/domain/domainError';

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
  shown: CustomersPageShown,
): Promise<string> {
  const { principal } = visitor;
  const customers = await listCustomers(svc.deps, principal);
  // Batches sent before consent, to tenants with no relationship yet, have no customer page to show them.
  const customerTenants = new Set(customers.map((c) => c.tenantId));
  const waitingBatches = await listVisibleBatchesOutside(svc.batchDeps, principal, customerTenants);
  const invitations = await listInvitations(svc.deps, principal);
  return renderPortalPage(
    'portalCustomers',
    visitor,
    { title: 'Customers', section: 'customers' },
    customersPageModel(visitor, { customers, waitingBatches, invitations }, shown, svc.deps.clock.now()),
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
  const batches = await listVisibleBatches(svc.batchDeps, visitor.principal, tenantId);
  const html = renderPortalPage(
    'portalCustomer',
    visitor,
    { title: customer.domain, section: 'customers' },
    customerPageModel(customer, batches),
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
      request: { params: TenantIdParams },
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
      request: { params: InvitationIdParams },
      responses: { 303: { description: 'Withdrawn; back to the customers page' } },
    },
  },
];
