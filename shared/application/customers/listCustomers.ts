import { notFound } from '../../domain/domainError';
import type { PartnerPrincipal } from '../../domain/identity/principal';
import type { Relationship } from '../../domain/relationships/relationship';
import type { Dependencies } from '../dependencies';
import { partnerOf } from '../partnerOf';

/** The partner's customers, newest first: every tenant that authorised it, directly or through a reseller. */
export async function listCustomers(
  deps: Dependencies,
  principal: PartnerPrincipal,
): Promise<Relationship[]> {
  const partner = await partnerOf(deps, principal);
  const relationships = await deps.relationships.listByPartner(partner.id);
  return relationships.sort((a, b) => b.acceptedAt.localeCompare(a.acceptedAt));
}

/** One customer; a tenant that never authorised this partner is not found, whoever else it works with. */
export async function getCustomer(
  deps: Dependencies,
  principal: PartnerPrincipal,
  tenantId: string,
): Promise<Relationship> {
  const partner = await partnerOf(deps, principal);
  const found = await deps.relationships.get(partner.id, tenantId.toLowerCase());
  if (!found) throw notFound('CustomerNotFound', `Tenant ${tenantId} has no relationship with this partner.`);
  return found.value;
}
