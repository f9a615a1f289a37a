import { notFound } from '../../domain/domainError';
import type { CustomerUser, Principal } from '../../domain/identity/principal';
import { assertGlobalAdministrator } from '../../domain/identity/principal';
import type { Partner } from '../../domain/partners/partner';
import { implicitlyAuthorizedProviders } from '../../domain/partners/partnerRules';
import type { Relationship } from '../../domain/relationships/relationship';
import { actorOf, recordAudit } from '../audit/recordAudit';
import type { Dependencies } from '../dependencies';
import { updateRelationship } from '../relationships/updateRelationship';

export interface TenantPartner {
  readonly partner: Partner | undefined;
  readonly relationship: Relationship;
}

/** Every partner relationship of the admin's tenant, OEMs and indirect providers included. */
export async function listTenantPartners(deps: Dependencies, principal: Principal): Promise<TenantPartner[]> {
  assertGlobalAdministrator(principal);
  const relationships = await deps.relationships.listByTenant(principal.tenantId);
  const partners = new Map((await deps.partners.all()).map((p) => [p.id, p]));
  return relationships
    .sort((a, b) => a.partnerId.localeCompare(b.partnerId))
    .map((relationship) => ({ partner: partners.get(relationship.partnerId), relationship }));
}

/** Takes away the partner's delegated admin roles; its authorisation to register devices stays. */
export async function removeDelegatedAdmin(
  deps: Dependencies,
  principal: Principal,
  partnerId: string,
): Promise<Relationship> {
  assertGlobalAdministrator(principal);
  const before = await requireRelationship(deps, principal, partnerId);
  const updated = await updateRelationship(deps, partnerId, principal.tenantId, (current) =>
    current ? { ...current, delegatedAdmin: null } : before,
  );
  if (before.delegatedAdmin) {
    await recordAudit(
      deps,
      'DelegatedAdminRemoved',
      actorOf(principal),
      { partnerId, tenantId: principal.tenantId },
      {
        roles: before.delegatedAdmin.roles,
      },
    );
  }
  return updated;
}

/**
 * Revokes the partner's authorisation, an OEM's included. Revoking an indirect reseller also revokes the
 * provider authorisation it brought, unless another active reseller still brings it.
 */
export async function revokePartner(
  deps: Dependencies,
  principal: Principal,
  partnerId: string,
): Promise<Relationship> {
  assertGlobalAdministrator(principal);
  const before = await requireRelationship(deps, principal, partnerId);
  const now = deps.clock.now().toISOString();
  const revoked = await updateRelationship(deps, partnerId, principal.tenantId, (current) => {
    const base = current ?? before;
    return base.status === 'revoked'
      ? base
      : { ...base, status: 'revoked', revokedAt: now, delegatedAdmin: null, viaResellerIds: [] };
  });
  const actor = actorOf(principal);
  const revokedPartners = before.status === 'active' ? [partnerId] : [];
  if (before.status === 'active') {
    await recordAudit(
      deps,
      'RelationshipRevoked',
      actor,
      { partnerId, tenantId: principal.tenantId },
      {
        relationship: before.relationship,
        authorization: before.authorization,
      },
    );
  }

  const partner = await deps.partners.get(partnerId);
  for (const providerId of partner ? implicitlyAuthorizedProviders(partner) : []) {
    const provider = await deps.relationships.get(providerId, principal.tenantId);
    if (!provider || !provider.value.viaResellerIds.includes(partnerId)) continue;
    const after = await updateRelationship(deps, providerId, principal.tenantId, (current) => {
      if (!current || !current.viaResellerIds.includes(partnerId)) return current ?? provider.value;
      const via = current.viaResellerIds.filter((id) => id !== partnerId);
      return via.length > 0
        ? { ...current, viaResellerIds: via }
        : { ...current, viaResellerIds: via, status: 'revoked', revokedAt: now };
    });
    if (after.status === 'revoked' && provider.value.status === 'active') {
      revokedPartners.push(providerId);
      await recordAudit(
        deps,
        'IndirectAuthorizationRevoked',
        actor,
        { partnerId: providerId, tenantId: principal.tenantId },
        {
          viaResellerId: partnerId,
        },
      );
    }
  }
  if (revokedPartners.length > 0)
    await deps.consentEvents.consentRevoked(revokedPartners, principal.tenantId);
  return revoked;
}

async function requireRelationship(
  deps: Dependencies,
  admin: CustomerUser,
  partnerId: string,
): Promise<Relationship> {
  const found = await deps.relationships.get(partnerId, admin.tenantId);
  if (!found)
    throw notFound(
      'PartnerRelationshipNotFound',
      `Your organisation has no relationship with partner ${partnerId}.`,
    );
  return found.value;
}
