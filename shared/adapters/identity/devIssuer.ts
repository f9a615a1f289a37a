import type { JWK, KeyLike } from 'jose';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import type { TokenClaims, TokenVerifier } from '../../application/identity/tokenClaims';
import { TokenClaimsSchema } from '../../application/identity/tokenClaims';
import { unauthenticated } from '../../domain/domainError';

/**
 * The local stand-in for Entra ID (AUTH_MODE=dev): its own ES256 key pair, tokens shaped like Entra's
 * (tid, oid, upn, wids, idtyp). Refused in Azure by the configuration.
 */
export class DevIssuer implements TokenVerifier {
  private constructor(
    private readonly privateKey: KeyLike | Uint8Array,
    private readonly publicKey: KeyLike | Uint8Array,
    readonly issuer: string,
    private readonly audience: string,
  ) {}

  static async create(options: {
    privateJwk?: string;
    issuer: string;
    audience: string;
  }): Promise<DevIssuer> {
    if (options.privateJwk) {
      const jwk = JSON.parse(options.privateJwk) as JWK;
      const { d: _d, ...publicJwk } = jwk;
      return new DevIssuer(
        await importJWK(jwk, 'ES256'),
        await importJWK(publicJwk, 'ES256'),
        options.issuer,
        options.audience,
      );
    }
    const pair = await generateKeyPair('ES256', { extractable: true });
    return new DevIssuer(pair.privateKey, pair.publicKey, options.issuer, options.audience);
  }

  static async generatePrivateJwk(): Promise<string> {
    const pair = await generateKeyPair('ES256', { extractable: true });
    return JSON.stringify(await exportJWK(pair.privateKey));
  }

  async issue(claims: TokenClaims, lifetimeSeconds = 3600): Promise<string> {
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime(`${lifetimeSeconds}s`)
      .sign(this.privateKey);
  }

  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: ['ES256'],
      });
      return TokenClaimsSchema.parse(payload);
    } catch {
      throw unauthenticated(
        'InvalidToken',
        'The bearer token is not valid: it is malformed, expired, or not issued for this service.',
      );
    }
  }
}
