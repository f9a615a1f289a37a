import { forbidden, unauthenticated } from '../../domain/domainError';
import type { Principal } from '../../domain/identity/principal';
import { isCloudNativeAccount, isGuestAccount } from '../../domain/identity/principal';
import type { PartnerDirectory } from '../ports/partnerDirectory';
import type { TokenClaims } from './tokenClaims';

/**
 * Turns verified claims into one of the three principals. A token from a partner's own tenant is that
 * partner's: an app-only token is its API client (which must be one of the partner's registered
 * clients), a user token a portal user. Any other tenant's user is a customer user.
 *
 * Two refusals keep a partner's people its own. A guest of a partner's tenant (an account of another
 * directory the partner invited, to a Teams channel say) is not one of its people: it is refused, not
 * made a portal user. And a tenant that is home to more than one partner cannot say which of them a
 * person acts for, so its users are refused; its API clients are not, each client ID being registered
 * to one partner.
 */
export async function resolvePrincipal(partners: PartnerDirectory, claims: TokenClaims): Promise<Principal> {
  const tenantId = claims.tid.toLowerCase();
  const upn = claims.upn ?? claims.preferred_username;
  const homed = await partners.ofHomeTenant(tenantId);
  if (homed.length > 0) {
    if (claims.idtyp === 'app' || !upn) {
      const clientId = claims.azp ?? claims.appid ?? claims.sub;
      const partner = homed.find((p) => p.apiClientIds.includes(clientId));
      if (!partner) {
        throw unauthenticated(
          'UnknownApiClient',
          `Client ${clientId} is not registered as an API client of ${homed.map((p) => p.id).join(' or ')}.`,
        );
      }
      return { kind: 'partner-client', partnerId: partner.id, clientId };
    }
    const [partner, ...others] = homed;
    if (!partner || others.length > 0) {
      throw forbidden(
        'PartnerTenantAmbiguous',
        `Your organisation's tenant is home to more than one partner (${homed.map((p) => p.id).join(', ')}), so the portal cannot tell which one you act for. Ask the operator to give each partner its own tenant.`,
      );
    }
    if (isGuestAccount({ tenantId, upn, acct: claims.acct, idp: claims.idp })) {
      throw forbidden(
        'PartnerGuestRefused',
        `You are a guest of ${partner.id}'s tenant, not one of its members; sign in with an account of that organisation.`,
      );
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
