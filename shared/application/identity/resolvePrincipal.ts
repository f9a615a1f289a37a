import { unauthenticated } from '../../domain/domainError';
import type { Principal } from '../../domain/identity/principal';
import { isCloudNativeAccount } from '../../domain/identity/principal';
import type { PartnerDirectory } from '../ports/partnerDirectory';
import type { TokenClaims } from './tokenClaims';

/**
 * Turns verified claims into one of the three principals. A token from a partner's own tenant is that
 * partner's: an app-only token is its API client (which must be one of the partner's registered
 * clients), a user token a portal user. Any other tenant's user is a customer user.
 */
export async function resolvePrincipal(partners: PartnerDirectory, claims: TokenClaims): Promise<Principal> {
  const tenantId = claims.tid.toLowerCase();
  const upn = claims.upn ?? claims.preferred_username;
  const partner = await partners.byHomeTenant(tenantId);
  if (partner) {
    if (claims.idtyp === 'app' || !upn) {
      const clientId = claims.azp ?? claims.appid ?? claims.sub;
      if (!partner.apiClientIds.includes(clientId)) {
        throw unauthenticated(
          'UnknownApiClient',
          `Client ${clientId} is not registered as an API client of ${partner.id}.`,
        );
      }
      return { kind: 'partner-client', partnerId: partner.id, clientId };
    }
    return {
      kind: 'partner-user',
      partnerId: partner.id,
      userId: claims.oid ?? claims.sub,
      upn: upn.toLowerCase(),
    };
  }
  if (!upn || claims.idtyp === 'app') {
    throw unauthenticated(
      'UserTokenRequired',
      'A customer must sign in as a user; app-only tokens from other tenants are not accepted.',
    );
  }
  return {
    kind: 'customer-user',
    tenantId,
    userId: claims.oid ?? claims.sub,
    upn: upn.toLowerCase(),
    ...(claims.name ? { displayName: claims.name } : {}),
    roleIds: (claims.wids ?? []).map((w) => w.toLowerCase()),
    cloudNative: isCloudNativeAccount({ tenantId, upn, acct: claims.acct, idp: claims.idp }),
  };
}
