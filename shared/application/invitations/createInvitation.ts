import { invalid } from '../../domain/domainError';
import type { PartnerPrincipal } from '../../domain/identity/principal';
import { isKnownAdminRole } from '../../domain/invitations/adminRoles';
import { parseDelegationDuration } from '../../domain/invitations/delegationDuration';
import type {
  DelegatedAdminRequest,
  Invitation,
  InvitationWarning,
} from '../../domain/invitations/invitation';
import { invitationState, invitationWarnings } from '../../domain/invitations/invitation';
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
  readonly expiresInDays?: number | undefined;
}

export interface CreatedInvitation {
  readonly invitation: Invitation;
  readonly url: string;
  readonly warnings: readonly InvitationWarning[];
  /** False when an eligible OEM's one reusable link already existed and is returned again. */
  readonly created: boolean;
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
    if (existing) return present(deps, existing, false);
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
  try {
    await deps.invitations.create(invitation);
  } catch (error) {
    const winner = error instanceof VersionConflict ? await deps.invitations.get(partner.id, id) : undefined;
    if (!winner) throw error;
    return present(deps, winner.value, false);
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
    },
  );
  return present(deps, invitation, true);
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
function derivedId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
