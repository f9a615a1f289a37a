import { DevIssuer } from '../../../shared/adapters/identity/devIssuer';
import type { TokenClaims } from '../../../shared/application/identity/tokenClaims';
import { DomainError } from '../../../shared/domain/domainError';
import { GLOBAL_ADMINISTRATOR_ROLE } from '../../../shared/domain/invitations/adminRoles';

const ISSUER = 'http://localhost:7071/api/dev';
const AUDIENCE = 'api://partner-consent';
const CLAIMS: TokenClaims = {
  tid: '4f1c6a8e-2b7d-4c3a-9e51-7d2f0b9a6c13',
  oid: 'a0000000-0000-4000-8000-000000000001',
  sub: 'a0000000-0000-4000-8000-000000000001',
  upn: 'admin@tailspin.onmicrosoft.com',
  wids: [GLOBAL_ADMINISTRATOR_ROLE],
};

async function refusal(issuer: DevIssuer, token: string): Promise<DomainError> {
  try {
    await issuer.verify(token);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the token to be refused');
}

function withPayload(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  change(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('dev issuer', () => {
  let privateJwk: string;
  let issuer: DevIssuer;
  beforeAll(async () => {
    privateJwk = await DevIssuer.generatePrivateJwk();
    issuer = await DevIssuer.create({ privateJwk, issuer: ISSUER, audience: AUDIENCE });
  });

  it('when a token it issued is verified, then the claims come back', async () => {
    const token = await issuer.issue(CLAIMS);

    expect(await issuer.verify(token)).toEqual(CLAIMS);
  });

  it('when a second issuer is made from the same private key, then it verifies the first one’s tokens', async () => {
    const again = await DevIssuer.create({ privateJwk, issuer: ISSUER, audience: AUDIENCE });

    expect(await again.verify(await issuer.issue(CLAIMS))).toMatchObject({ upn: CLAIMS.upn });
  });

  it.each([
    ['another audience', { issuer: ISSUER, audience: 'api://someone-else' }],
    ['another issuer', { issuer: 'http://evil.example/api/dev', audience: AUDIENCE }],
  ])('when the token was issued for %s, then it is refused with InvalidToken', async (_label, options) => {
    const foreign = await DevIssuer.create({ privateJwk, ...options });

    const error = await refusal(issuer, await foreign.issue(CLAIMS));

    expect(error.kind).toBe('unauthenticated');
    expect(error.code).toBe('InvalidToken');
  });

  it('when the token has expired, then it is refused with InvalidToken', async () => {
    const expired = await issuer.issue(CLAIMS, -120);

    expect((await refusal(issuer, expired)).code).toBe('InvalidToken');
  });

  it('when the token was signed by another key, then it is refused with InvalidToken', async () => {
    const stranger = await DevIssuer.create({ issuer: ISSUER, audience: AUDIENCE });

    expect((await refusal(issuer, await stranger.issue(CLAIMS))).code).toBe('InvalidToken');
  });

  it('when the payload was tampered with, then it is refused with InvalidToken', async () => {
    const tampered = withPayload(await issuer.issue(CLAIMS), (claims) => {
      claims.tid = '9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94';
    });

    expect((await refusal(issuer, tampered)).code).toBe('InvalidToken');
  });

  it('when the token is unsigned (alg none), then it is refused with InvalidToken', async () => {
    const token = await issuer.issue(CLAIMS);
    const [, payload] = token.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;

    expect((await refusal(issuer, unsigned)).code).toBe('InvalidToken');
  });

  it('when the token lacks the tenant claim, then it is refused with InvalidToken', async () => {
    const { tid: _tid, ...withoutTenant } = CLAIMS;
    const token = await issuer.issue(withoutTenant as TokenClaims);

    expect((await refusal(issuer, token)).code).toBe('InvalidToken');
  });

  it('when the bearer value is garbage, then it is refused with InvalidToken', async () => {
    expect((await refusal(issuer, 'not.a.jwt')).code).toBe('InvalidToken');
  });
});
