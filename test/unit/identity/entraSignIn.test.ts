import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpResponseInit } from '@azure/functions';
import { HttpRequest, InvocationContext } from '@azure/functions';
import type { JWK, KeyLike } from 'jose';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { completeEntraSignIn, startEntraSignIn } from '../../../functions/http/entraSignIn';
import { BrowserSessions } from '../../../shared/adapters/identity/browserSession';
import { EntraSignIn, SIGN_IN_COOKIE } from '../../../shared/adapters/identity/entraSignIn';
import { EntraTokenVerifier } from '../../../shared/adapters/identity/entraTokenVerifier';
import { resolvePrincipal } from '../../../shared/application/identity/resolvePrincipal';
import type { Services } from '../../../shared/compositionRoot';
import { DomainError } from '../../../shared/domain/domainError';
import { isGlobalAdministrator } from '../../../shared/domain/identity/principal';
import { InMemoryPartnerDirectory, PARTNERS } from '../../support/inMemoryPorts';

/**
 * The browser sign-in with Entra ID, end to end through its two handlers, with Entra ID played by a
 * local JWKS endpoint and ID tokens signed with locally generated keys: the browser is sent to the
 * authorize endpoint, comes back with a form post, and leaves with a session cookie only when the ID
 * token is genuine, for this app, from its own tenant's issuer, and carries this sign-in's nonce.
 */
const TENANT = '4f1c6a8e-2b7d-4c3a-9e51-7d2f0b9a6c13';
const OTHER_TENANT = '9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94';
const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const BASE = 'https://consent.example';

let server: Server;
let authorityHost: string;
let signingKey: KeyLike;
let strangerKey: KeyLike;

beforeAll(async () => {
  const [pair, stranger] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('RS256')]);
  signingKey = pair.privateKey;
  strangerKey = stranger.privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  authorityHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function world(sessionSecret = randomBytes(32)) {
  const sessions = new BrowserSessions(sessionSecret, true);
  const entraSignIn = new EntraSignIn({
    authorityHost,
    clientId: CLIENT_ID,
    redirectUri: `${BASE}/api/auth/callback`,
    sessionSecret,
    idTokens: new EntraTokenVerifier({
      authorityHost,
      audiences: ['api://partner-consent', CLIENT_ID],
      clientId: CLIENT_ID,
    }),
  });
  const svc = { entraSignIn, sessions } as unknown as Services;
  return { svc, sessions };
}

const context = () => new InvocationContext({ functionName: 'test' });

function idToken(
  options: { nonce?: string; audience?: string; issuerTenant?: string; key?: KeyLike; claims?: object } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    tid: TENANT,
    oid: 'a0000000-0000-4000-8000-000000000001',
    preferred_username: 'admin@tailspin.onmicrosoft.com',
    name: 'Tailspin Admin',
    wids: [GLOBAL_ADMINISTRATOR],
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...options.claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
    .setSubject('pairwise-subject')
    .setIssuer(`${authorityHost}/${options.issuerTenant ?? TENANT}/v2.0`)
    .setAudience(options.audience ?? CLIENT_ID)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(options.key ?? signingKey);
}

/** GET /api/auth/signin: where the browser is sent, and the cookie it keeps. */
async function startSignIn(svc: Services, returnTo = '/api/consent/abc') {
  const response = await startEntraSignIn(
    new HttpRequest({
      method: 'GET',
      url: `${BASE}/api/auth/signin?returnTo=${encodeURIComponent(returnTo)}`,
    }),
    context(),
    svc,
  );
  const location = new URL(String((response.headers as Record<string, string>).location));
  const cookie = response.cookies?.find((c) => c.name === SIGN_IN_COOKIE);
  if (!cookie) throw new Error('no sign-in cookie');
  return { response, location, cookie, cookieHeader: `${cookie.name}=${cookie.value}` };
}

/** POST /api/auth/callback as Entra ID's form post does it. */
function callback(svc: Services, form: Record<string, string>, cookieHeader?: string) {
  return completeEntraSignIn(
    new HttpRequest({
      method: 'POST',
      url: `${BASE}/api/auth/callback`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(cookieHeader ? { cookie: cookieHeader } : {}),
      },
      body: { string: new URLSearchParams(form).toString() },
    }),
    context(),
    svc,
  );
}

async function refusal(promise: Promise<HttpResponseInit>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the sign-in to be refused');
}

describe('Entra ID browser sign-in', () => {
  it('when a sign-in starts, then the browser goes to the organizations authorize endpoint for an ID token by form post', async () => {
    const { location, cookie } = await startSignIn(world().svc);

    expect(`${location.origin}${location.pathname}`).toBe(
      `${authorityHost}/organizations/oauth2/v2.0/authorize`,
    );
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      response_type: 'id_token',
      response_mode: 'form_post',
      redirect_uri: `${BASE}/api/auth/callback`,
      scope: 'openid profile',
    });
    expect(location.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(location.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    // Entra ID's form post is cross-site: only SameSite=None (with Secure) comes back with it.
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'None', path: '/api/auth' });
  });

  it('when Entra ID posts back a genuine ID token with this sign-in’s nonce, then a session cookie is set and the browser returns where it was going', async () => {
    const { svc, sessions } = world();
    const { location, cookieHeader } = await startSignIn(svc, '/api/consent/abc');
    const form = {
      id_token: await idToken({ nonce: location.searchParams.get('nonce') ?? '' }),
      state: location.searchParams.get('state') ?? '',
    };

    const response = await callback(svc, form, cookieHeader);

    expect(response.status).toBe(303);
    expect((response.headers as Record<string, string>).location).toBe('/api/consent/abc');
    const session = response.cookies?.find((c) => c.name === 'pc_session');
    const read = await sessions.read(`pc_session=${session?.value ?? ''}`);
    expect(read?.claims).toMatchObject({ tid: TENANT, preferred_username: 'admin@tailspin.onmicrosoft.com' });
    const principal = await resolvePrincipal(
      new InMemoryPartnerDirectory(Object.values(PARTNERS)),
      read!.claims,
    );
    expect(principal.kind === 'customer-user' && isGlobalAdministrator(principal)).toBe(true);
    expect(response.cookies?.find((c) => c.name === SIGN_IN_COOKIE)?.maxAge).toBe(0);
  });

  it('when the ID token carries another nonce (a replayed or injected token), then the sign-in is refused', async () => {
    const { svc } = world();
    const { location, cookieHeader } = await startSignIn(svc);
    const form = {
      id_token: await idToken({ nonce: 'another' }),
      state: location.searchParams.get('state') ?? '',
    };

    const error = await refusal(callback(svc, form, cookieHeader));

    expect([error.kind, error.code]).toEqual(['unauthenticated', 'SignInFailed']);
  });

  it.each([
    ['its audience is the API, not the client ID', { audience: 'api://partner-consent' }],
    ['its issuer is another tenant than its tid', { issuerTenant: OTHER_TENANT }],
    ['it is signed by a key the JWKS does not publish', { key: undefined as KeyLike | undefined }],
  ])('when the ID token is wrong because %s, then the sign-in is refused', async (_why, options) => {
    const { svc } = world();
    const { location, cookieHeader } = await startSignIn(svc);
    const nonce = location.searchParams.get('nonce') ?? '';
    const form = {
      id_token: await idToken({ nonce, ...options, ...('key' in options ? { key: strangerKey } : {}) }),
      state: location.searchParams.get('state') ?? '',
    };

    expect((await refusal(callback(svc, form, cookieHeader))).code).toBe('SignInFailed');
  });

  it('when the form post comes without the sign-in cookie (started elsewhere), then it is refused with SignInStateInvalid', async () => {
    const { svc } = world();
    const { location } = await startSignIn(svc);
    const form = {
      id_token: await idToken({ nonce: location.searchParams.get('nonce') ?? '' }),
      state: location.searchParams.get('state') ?? '',
    };

    const error = await refusal(callback(svc, form));

    expect([error.kind, error.code]).toEqual(['invalid', 'SignInStateInvalid']);
  });

  it('when the state does not match the cookie, then it is refused with SignInStateInvalid', async () => {
    const { svc } = world();
    const { location, cookieHeader } = await startSignIn(svc);
    const form = { id_token: await idToken({ nonce: location.searchParams.get('nonce') ?? '' }), state: 'x' };

    expect((await refusal(callback(svc, form, cookieHeader))).code).toBe('SignInStateInvalid');
  });

  it('when the sign-in cookie was signed under another secret, then it is refused with SignInStateInvalid', async () => {
    const elsewhere = await startSignIn(world().svc);
    const { svc } = world();
    const form = {
      id_token: await idToken({ nonce: elsewhere.location.searchParams.get('nonce') ?? '' }),
      state: elsewhere.location.searchParams.get('state') ?? '',
    };

    expect((await refusal(callback(svc, form, elsewhere.cookieHeader))).code).toBe('SignInStateInvalid');
  });

  it('when Entra ID answers with an error, then the person is told what Entra ID said and no session is made', async () => {
    const { svc } = world();
    const { location, cookieHeader } = await startSignIn(svc);
    const form = {
      error: 'access_denied',
      error_description: 'AADSTS65004: User declined to consent.',
      state: location.searchParams.get('state') ?? '',
    };

    const error = await refusal(callback(svc, form, cookieHeader));

    expect(error.code).toBe('SignInFailed');
    expect(error.message).toContain('AADSTS65004');
  });

  it.each([
    'https://evil.example/',
    '//evil.example/x',
    '/\t/evil.example',
    '/\\evil.example',
    '/.//evil.example',
  ])('when returnTo is %j (off this site), then the sign-in does not start', async (returnTo) => {
    const error = await refusal(startSignIn(world().svc, returnTo).then((r) => r.response));

    expect(error.code).toBe('InvalidReturnTo');
  });

  it('when the app runs with the dev issuer (no Entra sign-in), then the routes answer 404 EntraSignInDisabled', async () => {
    const svc = { entraSignIn: undefined } as unknown as Services;

    const error = await refusal(
      startEntraSignIn(new HttpRequest({ method: 'GET', url: `${BASE}/api/auth/signin` }), context(), svc),
    );

    expect([error.kind, error.code]).toEqual(['notFound', 'EntraSignInDisabled']);
  });
});
