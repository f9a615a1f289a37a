import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { TokenClaims, TokenVerifier } from '../../application/identity/tokenClaims';
import { TokenClaimsSchema } from '../../application/identity/tokenClaims';
import { unauthenticated } from '../../domain/domainError';

/**
 * Entra ID access tokens for a multi-tenant app: keys from the common JWKS (cached and refreshed by
 * jose when an unknown key ID appears, which is how key rotation shows up), audience = this app, and
 * the issuer must be the v2.0 issuer of the tenant named in the token's own `tid`.
 */
export class EntraTokenVerifier implements TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly options: { authorityHost: string; audiences: readonly string[]; jwksUri?: string },
  ) {
    const jwksUri =
      options.jwksUri ?? `${options.authorityHost.replace(/\/$/, '')}/common/discovery/v2.0/keys`;
    this.jwks = createRemoteJWKSet(new URL(jwksUri), {
      cacheMaxAge: 6 * 60 * 60 * 1000,
      cooldownDuration: 30_000,
    });
  }

  async verify(token: string): Promise<TokenClaims> {
    try {
      const unverified = decodeJwt(token);
      const tid = typeof unverified.tid === 'string' ? unverified.tid : '';
      if (!/^[0-9a-f-]{36}$/i.test(tid)) throw new Error('no tenant');
      const issuer = `${this.options.authorityHost.replace(/\/$/, '')}/${tid}/v2.0`;
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer,
        audience: [...this.options.audiences],
        algorithms: ['RS256'],
      });
      return TokenClaimsSchema.parse(payload);
    } catch {
      throw unauthenticated(
        'InvalidToken',
        'The bearer token is not valid for this service: check its audience, issuer and expiry.',
      );
    }
  }
}
