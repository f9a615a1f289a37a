import { DevIssuer } from '../../../shared/adapters/identity/devIssuer';
import { VerifiedTokenCache } from '../../../shared/adapters/identity/verifiedTokenCache';
import type { TokenClaims, TokenVerifier } from '../../../shared/application/identity/tokenClaims';
import { DomainError } from '../../../shared/domain/domainError';

const CLAIMS: TokenClaims = { tid: 'tenant-a', sub: 'client-a', azp: 'client-a' };

/** A real dev issuer (ES256 signatures, checked by jose) that counts the verifications asked of it. */
async function countingIssuer() {
  const issuer = await DevIssuer.create({ issuer: 'http://localhost/api/dev', audience: 'api://test' });
  const asked: string[] = [];
  const verifier: TokenVerifier = {
    verify: (token) => {
      asked.push(token);
      return issuer.verify(token);
    },
  };
  return { issuer, verifier, asked };
}

function altered(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  change(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('VerifiedTokenCache', () => {
  it('when the same token comes again within its life, then its signature is checked once and the claims are the same', async () => {
    const { issuer, verifier, asked } = await countingIssuer();
    const cache = new VerifiedTokenCache(verifier);
    const token = await issuer.issue(CLAIMS);
    const first = await cache.verify(token);
    const second = await cache.verify(token);
    expect(second).toEqual(first);
    expect(second.tid).toBe('tenant-a');
    expect(asked).toHaveLength(1);
  });

  it('when a remembered token is altered, then the altered one is verified on its own and refused', async () => {
    const { issuer, verifier, asked } = await countingIssuer();
    const cache = new VerifiedTokenCache(verifier);
    const token = await issuer.issue(CLAIMS);
    await cache.verify(token);
    const forged = altered(token, (claims) => (claims.tid = 'tenant-b'));
    await expect(cache.verify(forged)).rejects.toBeInstanceOf(DomainError);
    expect(asked).toEqual([token, forged]);
  });

  it('when a token is refused, then it is not remembered: the issuer is asked again the next time', async () => {
    const { issuer, verifier, asked } = await countingIssuer();
    const cache = new VerifiedTokenCache(verifier);
    const forged = altered(await issuer.issue(CLAIMS), (claims) => (claims.sub = 'someone-else'));
    await expect(cache.verify(forged)).rejects.toBeInstanceOf(DomainError);
    await expect(cache.verify(forged)).rejects.toBeInstanceOf(DomainError);
    expect(asked).toHaveLength(2);
  });

  it("when the token's exp passes, then it is verified again (and the issuer decides), even within the cache's max age", async () => {
    const { issuer } = await countingIssuer();
    const token = await issuer.issue(CLAIMS, 60);
    let clock = Date.now();
    let asked = 0;
    const cache = new VerifiedTokenCache(
      { verify: () => (asked++, Promise.resolve(CLAIMS)) },
      { maxAgeMs: 60 * 60_000, now: () => clock },
    );
    await cache.verify(token);
    clock += 30_000;
    await cache.verify(token);
    expect(asked).toBe(1);
    clock += 31_000;
    await cache.verify(token);
    expect(asked).toBe(2);
  });

  it('when the max age passes before exp, then the token is verified again', async () => {
    const { issuer } = await countingIssuer();
    const token = await issuer.issue(CLAIMS, 3600);
    let clock = Date.now();
    let asked = 0;
    const cache = new VerifiedTokenCache(
      { verify: () => (asked++, Promise.resolve(CLAIMS)) },
      { maxAgeMs: 5 * 60_000, now: () => clock },
    );
    await cache.verify(token);
    clock += 5 * 60_000 + 1;
    await cache.verify(token);
    expect(asked).toBe(2);
  });

  it('when more tokens come than it holds, then the least recently used one is verified again', async () => {
    const { issuer, verifier, asked } = await countingIssuer();
    const cache = new VerifiedTokenCache(verifier, { maxTokens: 2 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => issuer.issue({ ...CLAIMS, sub })));
    await cache.verify(a!);
    await cache.verify(b!);
    await cache.verify(a!); // a is now the most recently used
    await cache.verify(c!); // b goes
    await cache.verify(a!);
    await cache.verify(b!);
    expect(asked).toEqual([a, b, c, b]);
  });
});
