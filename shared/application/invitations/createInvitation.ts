import { DomainError, invalid } from '../../domain/domainError';
import type { PartnerPrincipal } from '../../domain/identity/principal';
import { isKnownAdminRole } from '../../domain/invitations/adminRoles';
import { parseDelegationDuration } from '../../domain/invitations/delegationDuration';
import type {
  DelegatedAdminRequest,
  Invitation,
  InvitationWarning,
} from '../../domain/invitations/invitation';
import { invitationState, invitationWarnings } from '../../domain/invitations/invitation';
import type { CustomerLanguage } from '../../domain/invitations/customerLanguage';
import { DEFAULT_CUSTOMER_LANGUAGE } from '../../domain/invitations/customerLanguage';
import type { InvitationEmail } from '../../domain/invitations/invitationEmail';
import { newInvitationEmail } from '../../domain/invitations/invitationEmail';
import { hashInvitationToken } from '../../domain/invitations/invitationToken';
import type { InvitationKind } from '../../domain/partners/partnerRules';
import { assertMayInvite } from '../../domain/partners/partnerRules';
import { actorOf, recordAudit } from '../audit/recordAudit';
import type { Dependencies } from '../dependencies';
import { partnerOf } from '../partnerOf';
import { VersionConflict } from '../ports/versioned';
import { createHash } from 'node:crypto';

export interface CreateInvitationCommand {
  readonly kind: InvitationKind;
  readonly delegatedAdmin?: DelegatedAdminRequest | undefined;
  readonly customerEmail?: string | undefined;
  /** The email's language; English when not given. */
  readonly customerLanguage?: CustomerLanguage | undefined;
  readonly expiresInDays?: number | undefined;
}

export interface CreatedInvitation {
  readonly invitation: Invitation;
  readonly url: string;
  readonly warnings: readonly InvitationWarning[];
  /** False when an eligible OEM's one reusable link already existed and is returned again. */
  readonly created: boolean;
  /** Set when an email to the customer was queued with this request. */
  readonly emailQueued?: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function createInvitation(
  deps: Dependencies,
  principal: PartnerPrincipal,
  command: CreateInvitationCommand,
): Promise<CreatedInvitation> {
  const partner = await partnerOf(deps, principal);
  assertMayInvite(partner, command.kind);
  const delegatedAdmin = validatedDelegatedAdmin(command);
  const now = deps.clock.now();

  let id = deps.newId();
  if (command.kind === 'oem-authorization') {
    // An OEM has one link, reused for every customer, until it is withdrawn or expires. The next link's
    // ID is derived from how many came before, so two requests at once insert the same key: one wins.
    const earlier = (await deps.invitations.listByPartner(partner.id)).filter(
      (i) => i.kind === 'oem-authorization',
    );
    const existing = earlier.find((i) => invitationState(i, now) === 'active');
    if (existing) return reuseLink(deps, existing, command, now);
    id = derivedId(`${partner.id}|oem|${earlier.length}`);
  }

  const token = deps.links.token(partner.id, id);
  const invitation: Invitation = {
    id,
    partnerId: partner.id,
    kind: command.kind,
    delegatedAdmin,
    customerEmail: command.customerEmail ?? null,
    createdAt: now.toISOString(),
    expiresAt: new Date(
      now.getTime() + (command.expiresInDays ?? deps.invitationTtlDays) * DAY_MS,
    ).toISOString(),
    withdrawnAt: null,
    tokenHash: hashInvitationToken(token),
  };
  const email = emailFor(invitation, command, now);
  if (email) await takeEmailQuota(deps, partner.id, now);
  try {
    await deps.invitations.create(invitation, email);
  } catch (error) {
    const winner = error instanceof VersionConflict ? await deps.invitations.get(partner.id, id) : undefined;
    if (!winner) throw error;
    // Two OEM requests raced for the same new link: this one takes the winner's.
    return reuseLink(deps, winner.value, command, now);
  }
  await recordAudit(
    deps,
    'InvitationCreated',
    actorOf(principal),
    { partnerId: partner.id },
    {
      invitationId: id,
      kind: invitation.kind,
      delegatedRoles: delegatedAdmin?.roles ?? [],
      ...(email ? { emailQueued: true, emailLanguage: email.language } : {}),
    },
  );
  if (email) await startDelivery(deps, email);
  return { ...present(deps, invitation, true), emailQueued: Boolean(email) };
}

/** The OEM's one link, given to another customer: that customer's email is queued for it on its own. */
async function reuseLink(
  deps: Dependencies,
  invitation: Invitation,
  command: CreateInvitationCommand,
  now: Date,
): Promise<CreatedInvitation> {
  const email = emailFor(invitation, command, now);
  if (email) {
    await takeEmailQuota(deps, invitation.partnerId, now);
    await queueAlone(deps, email);
  }
  return { ...present(deps, invitation, false), emailQueued: Boolean(email) };
}

function emailFor(
  invitation: Invitation,
  command: CreateInvitationCommand,
  now: Date,
): InvitationEmail | undefined {
  if (!command.customerEmail) return undefined;
  return newInvitationEmail(
    invitation,
    command.customerEmail,
    command.customerLanguage ?? DEFAULT_CUSTOMER_LANGUAGE,
    now,
  );
}

async function queueAlone(deps: Dependencies, email: InvitationEmail): Promise<void> {
  try {
    await deps.emailOutbox.add(email);
  } catch (error) {
    // The same email to the same customer for the same link is already queued (or sent): once is enough.
    if (!(error instanceof VersionConflict)) throw error;
    return;
  }
  await startDelivery(deps, email);
}

/**
 * Starts delivery now; if that fails the email stays queued and the sweeper starts it. The invitation
 * exists either way, so the request does not fail over it.
 */
async function startDelivery(deps: Dependencies, email: InvitationEmail): Promise<void> {
  try {
    await deps.emailDelivery.start({ partnerId: email.partnerId, emailId: email.id });
  } catch {
    // Left for the sweeper (see sweepInvitationEmails).
  }
}

export function present(
  deps: Pick<Dependencies, 'links'>,
  invitation: Invitation,
  created: boolean,
): CreatedInvitation {
  return {
    invitation,
    url: deps.links.url(deps.links.token(invitation.partnerId, invitation.id)),
    warnings: invitationWarnings(invitation.delegatedAdmin),
    created,
  };
}

function validatedDelegatedAdmin(command: CreateInvitationCommand): DelegatedAdminRequest | null {
  const requested = command.delegatedAdmin;
  if (!requested) return null;
  if (command.kind === 'oem-authorization') {
    throw invalid(
      'DelegatedAdminNotAllowed',
      'OEM authorisation never grants delegated admin roles; remove "delegatedAdmin".',
      {
        field: 'delegatedAdmin',
      },
    );
  }
  const unknownRoles = requested.roles.filter((role) => !isKnownAdminRole(role));
  if (unknownRoles.length > 0) {
    throw invalid('UnknownAdminRole', `Unknown admin role template ID(s): ${unknownRoles.join(', ')}.`, {
      field: 'delegatedAdmin.roles',
    });
  }
  parseDelegationDuration(requested.duration);
  const roles = [...new Set(requested.roles.map((r) => r.toLowerCase()))];
  return { roles, duration: requested.duration };
}

/** A GUID-shaped ID derived from a seed, for inserts that must collide when they mean the same thing. */
export function derivedId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Counts one email against the partner's hourly quota, or refuses the request (nothing is written):
 * the service sends mail to any address a partner names, so without a limit a partner's client (or
 * whoever holds its credentials) could make it send mail to anyone, as often as it likes.
 */
async function takeEmailQuota(deps: Dependencies, partnerId: string, now: Date): Promise<void> {
  const decision = await deps.emailQuota.take(partnerId, now);
  if (decision.allowed) return;
  throw new DomainError(
    'tooManyRequests',
    'InvitationEmailRateLimited',
    `This partner has sent its ${decision.limit} invitation emails for this hour; send again in ${decision.retryAfterSeconds} seconds, or create the invitation without customerEmail and send its link yourself.`,
    { retryAfterSeconds: decision.retryAfterSeconds, field: 'customerEmail' },
  );
}
