import type { JWTPayload } from 'jose';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { TokenClaims, TokenVerifier } from '../../application/identity/tokenClaims';
import { TokenClaimsSchema } from '../../application/identity/tokenClaims';
import { unauthenticated } from '../../domain/domainError';

/**
 * Entra ID tokens for a multi-tenant app: keys from the common JWKS (cached and refreshed by jose when
 * an unknown key ID appears, which is how key rotation shows up), audience = this app, and the issuer
 * must be the v2.0 issuer of the tenant named in the token's own `tid`. Access tokens (API calls) and
 * ID tokens (the browser sign-in, whose audience is the client ID and which must carry the sign-in's
 * nonce) share the rules.
 */
export class EntraTokenVerifier implements TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly authorityHost: string;

  constructor(
    private readonly options: {
      authorityHost: string;
      audiences: readonly string[];
      /** The app registration's client ID: the audience of ID tokens. */
      clientId?: string;
      jwksUri?: string;
    },
  ) {
    this.authorityHost = options.authorityHost.replace(/\/$/, '');
    const jwksUri = options.jwksUri ?? `${this.authorityHost}/common/discovery/v2.0/keys`;
    this.jwks = createRemoteJWKSet(new URL(jwksUri), {
      cacheMaxAge: 6 * 60 * 60 * 1000,
      cooldownDuration: 30_000,
    });
  }

  async verify(token: string): Promise<TokenClaims> {
    try {
      return TokenClaimsSchema.parse(await this.verifySignedBy(token, this.options.audiences));
    } catch {
      throw unauthenticated(
        'InvalidToken',
        'The bearer token is not valid for this service: check its audience, issuer and expiry.',
      );
    }
  }

  /** An ID token from the browser sign-in: issued to this app, for the nonce this sign-in started with. */
  async verifyIdToken(token: string, nonce: string): Promise<TokenClaims> {
    try {
      if (!this.options.clientId) throw new Error('no client ID');
      const payload = await this.verifySignedBy(token, [this.options.clientId]);
      if (payload.nonce !== nonce) throw new Error('nonce');
      return TokenClaimsSchema.parse(payload);
    } catch {
      throw unauthenticated(
        'SignInFailed',
        'The sign-in could not be verified (it may have been started in another window, or taken too long). Please sign in again.',
      );
    }
  }

  private async verifySignedBy(token: string, audiences: readonly string[]): Promise<JWTPayload> {
    const unverified = decodeJwt(token);
    const tid = typeof unverified.tid === 'string' ? unverified.tid : '';
    if (!/^[0-9a-f-]{36}$/i.test(tid)) throw new Error('no tenant');
    const { payload } = await jwtVerify(token, this.jwks, {
      issuer: `${this.authorityHost}/${tid}/v2.0`,
      audience: [...audiences],
      algorithms: ['RS256'],
      clockTolerance: 60,
    });
    return payload;
  }
}
