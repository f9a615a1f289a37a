import { decodeJwt } from 'jose';
import { LRUCache } from 'lru-cache';
import type { TokenClaims, TokenVerifier } from '../../application/identity/tokenClaims';

export interface VerifiedTokenCacheOptions {
  /** Tokens remembered at most (the least recently used go first). */
  readonly maxTokens?: number;
  /**
   * How long a verified token is trusted without checking its signature again, at most; never beyond
   * its own `exp`. Bounds how late a rotated signing key or a changed issuer setting is noticed.
   */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/**
 * Verifies each bearer token once, not on every request: a client polls with the same token for up to
 * an hour, and checking its signature (ES256 here, RS256 from Entra ID) was a tenth of the HTTP
 * thread's time under the mixed load of #15. The key is the whole token string, so only the exact
 * bytes that were verified are trusted; a refused token is never remembered, and a remembered one is
 * dropped at its `exp` (or `maxAgeMs`, whichever comes first).
 */
export class VerifiedTokenCache implements TokenVerifier {
  readonly #inner: TokenVerifier;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #verified: LRUCache<string, { claims: TokenClaims; until: number }>;

  constructor(inner: TokenVerifier, options: VerifiedTokenCacheOptions = {}) {
    this.#inner = inner;
    this.#maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#verified = new LRUCache({ max: options.maxTokens ?? 10_000 });
  }

  async verify(token: string): Promise<TokenClaims> {
    const now = this.#now();
    const known = this.#verified.get(token);
    if (known && now < known.until) return known.claims;
    if (known) this.#verified.delete(token);
    const claims = await this.#inner.verify(token);
    const exp = decodeJwt(token).exp;
    // A token without exp (the verifiers require one) or already past it is not remembered.
    if (exp !== undefined && exp * 1000 > now)
      this.#verified.set(token, { claims, until: Math.min(exp * 1000, now + this.#maxAgeMs) });
    return claims;
  }
}
