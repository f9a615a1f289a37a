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
 * nonce) share the rules; the API takes access tokens only (isAccessToken), the sign-in ID tokens only.
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
    let payload: JWTPayload;
    let claims: TokenClaims;
    try {
      payload = await this.verifySignedBy(token, this.options.audiences);
      claims = TokenClaimsSchema.parse(payload);
    } catch {
      throw unauthenticated(
        'InvalidToken',
        'The bearer token is not valid for this service: check its audience, issuer and expiry.',
      );
    }
    if (!isAccessToken(payload))
      throw unauthenticated(
        'AccessTokenRequired',
        'The bearer token is an ID token; the API takes an access token for this service (a v2 access token with scp or roles).',
      );
    return claims;
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

/**
 * Whether a verified token is an access token for this API rather than an ID token of its sign-in.
 * Both are signed by the same keys, and a v2 access token's `aud` is the client ID, like an ID token's,
 * so the audience cannot tell them apart; the documented claims can. Every access token names the client
 * that asked for it (`azp` in v2, `appid` in v1) and what it may do: `scp` (delegated: a user signed in
 * to a client) or `roles` (app permissions; an app-only token, marked `idtyp: app`). An ID token has
 * neither a client claim nor `scp` (it may carry `roles`, the user's app roles), and carries the
 * sign-in's `nonce`, which no access token does. Entra ID's claim references: "Access token claims
 * reference" and "ID token claims reference".
 */
export function isAccessToken(payload: JWTPayload): boolean {
  const client = typeof payload.azp === 'string' || typeof payload.appid === 'string';
  const scopes = typeof payload.scp === 'string' && payload.scp.trim() !== '';
  const roles = Array.isArray(payload.roles) && payload.roles.length > 0;
  return client && (scopes || roles || payload.idtyp === 'app') && payload.nonce === undefined;
}
