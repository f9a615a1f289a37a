import { recordConsentRefusal } from './recordConsentRefusal';
import { forbidden, invalid } from '../../domain/domainError';
import type { CustomerUser, Principal } from '../../domain/identity/principal';
import { addDuration, parseDelegationDuration } from '../../domain/invitations/delegationDuration';
import type { Invitation } from '../../domain/invitations/invitation';
import type { Partner } from '../../domain/partners/partner';
import { implicitlyAuthorizedProviders } from '../../domain/partners/partnerRules';
import type { DelegatedAdminGrant, Relationship } from '../../domain/relationships/relationship';
import { actorOf, recordAudit } from '../audit/recordAudit';
import type { Dependencies } from '../dependencies';
import { updateRelationship } from '../relationships/updateRelationship';
import { consentEligibility } from './consentEligibility';
import { openInvitationLink } from './openInvitationLink';

export interface AcceptCommand {
  readonly consent: boolean;
  readonly includeDelegatedAdmin: boolean;
}

export interface AcceptResult {
  readonly partner: Partner;
  readonly relationship: Relationship;
  readonly providers: readonly Relationship[];
}

/**
 * The customer's Global Administrator accepts: the inviting partner is authorised at once, directly,
 * and an indirect reseller's providers indirectly. Accepting again changes nothing; two accepts at the
 * same moment leave one relationship (keyed insert, then ETag-guarded updates).
 */
export async function acceptInvitation(
  deps: Dependencies,
  token: string,
  principal: Principal,
  command: AcceptCommand,
): Promise<AcceptResult> {
  const { invitation, partner } = await openInvitationLink(deps, token);
  const eligibility = consentEligibility(principal, invitation);
  if (!eligibility.eligible) {
    await recordConsentRefusal(deps, principal, invitation, eligibility.code, 'accept');
    throw forbidden(eligibility.code, eligibility.reason);
  }
  const user = principal as CustomerUser;
  if (!command.consent) {
    throw invalid('ConsentNotGiven', 'Tick "Yes" to give your consent, then press Accept.', {
      field: 'consent',
    });
  }

  const now = deps.clock.now();
  const domain = (await deps.tenants.domainOf(user.tenantId)) ?? user.upn.split('@')[1] ?? '';
  const grant = delegatedAdminGrant(invitation, command.includeDelegatedAdmin, now);

  const relationship = await updateRelationship(deps, partner.id, user.tenantId, (current) => ({
    partnerId: partner.id,
    tenantId: user.tenantId,
    domain,
    relationship: invitation.kind === 'oem-authorization' ? 'oem' : 'reseller',
    authorization: 'direct',
    status: 'active',
    // Accepting a link without roles never takes away roles a still-active grant gave.
    delegatedAdmin: grant ?? (current?.status === 'active' ? current.delegatedAdmin : null),
    acceptedAt: current?.status === 'active' ? current.acceptedAt : now.toISOString(),
    acceptedBy: current?.status === 'active' ? current.acceptedBy : user.upn,
    revokedAt: null,
    invitationId: invitation.id,
    viaResellerIds: [],
  }));

  const providers: Relationship[] = [];
  for (const providerId of implicitlyAuthorizedProviders(partner)) {
    providers.push(
      await updateRelationship(deps, providerId, user.tenantId, (current) => {
        const active = current?.status === 'active';
        const via = new Set(active ? current.viaResellerIds : []);
        via.add(partner.id);
        return {
          partnerId: providerId,
          tenantId: user.tenantId,
          domain,
          relationship: 'reseller',
          authorization: 'indirect',
          status: 'active',
          delegatedAdmin: null,
          acceptedAt: active ? current.acceptedAt : now.toISOString(),
          acceptedBy: active ? current.acceptedBy : user.upn,
          revokedAt: null,
          invitationId: null,
          viaResellerIds: [...via].sort(),
        };
      }),
    );
  }

  const actor = actorOf(principal);
  await recordAudit(
    deps,
    'ConsentAccepted',
    actor,
    { partnerId: partner.id, tenantId: user.tenantId },
    {
      invitationId: invitation.id,
      kind: invitation.kind,
      delegatedRoles: grant?.roles ?? [],
      delegatedAdminDeclined: Boolean(invitation.delegatedAdmin) && !grant,
    },
  );
  for (const provider of providers) {
    await recordAudit(
      deps,
      'IndirectAuthorizationGranted',
      actor,
      { partnerId: provider.partnerId, tenantId: user.tenantId },
      {
        viaResellerId: partner.id,
      },
    );
  }
  await deps.consentEvents.consentGiven([partner.id, ...providers.map((p) => p.partnerId)], user.tenantId);
  return { partner, relationship, providers };
}

function delegatedAdminGrant(
  invitation: Invitation,
  include: boolean,
  now: Date,
): DelegatedAdminGrant | null {
  const requested = invitation.delegatedAdmin;
  if (!requested || !include || invitation.kind === 'oem-authorization') return null;
  const expiresAt = addDuration(now, parseDelegationDuration(requested.duration));
  return { ...requested, grantedAt: now.toISOString(), expiresAt: expiresAt.toISOString() };
}
