import { forbidden } from '../domain/domainError';
import type { PartnerPrincipal } from '../domain/identity/principal';
import type { Partner } from '../domain/partners/partner';
import type { Dependencies } from './dependencies';

/** The partner a caller acts for; a token naming a partner that is not registered is refused. */
export async function partnerOf(
  deps: Pick<Dependencies, 'partners'>,
  principal: PartnerPrincipal,
): Promise<Partner> {
  const partner = await deps.partners.get(principal.partnerId);
  if (!partner) throw forbidden('UnknownPartner', 'This partner is not registered with the service.');
  return partner;
}
