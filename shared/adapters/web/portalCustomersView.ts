import type { VisibleBatch } from '../../application/portal/portalAccess';
import type { CreatedInvitation } from '../../application/invitations/createInvitation';
import { toCustomer } from '../../contract/customerContract';
import { ADMIN_ROLES, GLOBAL_ADMINISTRATOR_ROLE, adminRoleName } from '../../domain/invitations/adminRoles';
import { invitationState } from '../../domain/invitations/invitation';
import { PARTNER_REFUSALS } from '../../domain/partners/partnerCapabilities';
import { invitationsOffered } from '../../domain/partners/partnerRules';
import type { Relationship } from '../../domain/relationships/relationship';
import { DELEGATION_DURATIONS, INVITATION_EMAIL_LANGUAGES } from './portalForms';
import type { InvitationFormState } from './portalInvitationForm';
import type { PortalVisitor } from './portalPage';
import { INVITATION_KIND_LABELS, batchSummary, relationshipLabel } from './portalViews';

/**
 * The portal's customers pages as their templates see them (portalCustomers.hbs, portalCustomer.hbs):
 * what the use cases return, named and formatted for people. The handlers (functions/http) read, this
 * file shapes, the templates show.
 */
export interface CustomersPageShown {
  readonly message?: string | undefined;
  readonly createdId?: string;
  readonly form: InvitationFormState;
}

export interface CustomersPageData {
  readonly customers: readonly Relationship[];
  /** Batches sent before consent, to tenants with no relationship yet. */
  readonly waitingBatches: readonly VisibleBatch[];
  readonly invitations: readonly CreatedInvitation[];
}

export function customersPageModel(
  visitor: PortalVisitor,
  data: CustomersPageData,
  shown: CustomersPageShown,
  now: Date,
) {
  const { partner } = visitor;
  const { form } = shown;
  const customers = data.customers.map((r) => {
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
  const invitations = data.invitations.map(({ invitation, url, warnings }) => {
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
  return {
    customers,
    waitingBatches: data.waitingBatches.map(batchSummary),
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
  };
}

/** One customer's page: its relationship and the device batches this partner may see for it. */
export function customerPageModel(
  customer: ReturnType<typeof toCustomer>,
  visibleBatches: readonly VisibleBatch[],
) {
  const batches = visibleBatches.map(batchSummary);
  return {
    customer,
    relationshipLabel: relationshipLabel(customer.relationship),
    active: customer.status === 'active',
    batches,
    batchCaption: `Device batches for ${customer.domain}, newest first`,
    anyFromResellers: batches.some((b) => !b.own),
  };
}
