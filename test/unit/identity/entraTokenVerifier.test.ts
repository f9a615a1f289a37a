import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { JWK, KeyLike } from 'jose';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { EntraTokenVerifier } from '../../../shared/adapters/identity/entraTokenVerifier';
import { resolvePrincipal } from '../../../shared/application/identity/resolvePrincipal';
import { DomainError } from '../../../shared/domain/domainError';
import { isGlobalAdministrator } from '../../../shared/domain/identity/principal';
import type { Principal } from '../../../shared/domain/identity/principal';
import { InMemoryPartnerDirectory, PARTNERS } from '../../support/inMemoryPorts';

const TENANT = '4f1c6a8e-2b7d-4c3a-9e51-7d2f0b9a6c13';
const OTHER_TENANT = '9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94';
const AUDIENCE = 'api://partner-consent';
const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
/** A client application that asked for a token for this API on a user's behalf. */
const CALLING_CLIENT = '22222222-3333-4444-8555-666666666666';
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const HELPDESK_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyLike;
  readonly jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  return {
    kid,
    privateKey: pair.privateKey,
    jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

/** A JWKS endpoint on 127.0.0.1 whose key list the test changes, counting the fetches. */
class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  readonly #server: Server = createServer((_req, res) => {
    this.fetches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: this.keys }));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

describe('Entra token verifier', () => {
  const jwks = new JwksServer();
  let authorityHost: string;
  let current: SigningKey;
  let rotated: SigningKey;
  let stranger: SigningKey;

  beforeAll(async () => {
    authorityHost = await jwks.start();
    [current, rotated, stranger] = await Promise.all([signingKey('k1'), signingKey('k2'), signingKey('k3')]);
  });
  afterAll(() => jwks.stop());
  beforeEach(() => {
    jwks.keys = [current.jwk];
    jwks.fetches = 0;
  });
  afterEach(() => jest.restoreAllMocks());

  const verifier = () =>
    new EntraTokenVerifier({
      authorityHost,
      audiences: [AUDIENCE, CLIENT_ID],
      jwksUri: `${authorityHost}/common/discovery/v2.0/keys`,
    });

  function token(
    options: {
      key?: SigningKey;
      tid?: string;
      issuerTenant?: string;
      audience?: string;
      expiresAt?: number;
      claims?: Record<string, unknown>;
    } = {},
  ): Promise<string> {
    const key = options.key ?? current;
    const tid = options.tid ?? TENANT;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      tid,
      oid: 'a0000000-0000-4000-8000-000000000001',
      upn: 'admin@tailspin.onmicrosoft.com',
      wids: [GLOBAL_ADMINISTRATOR],
      // What a v2 access token for this API carries besides: the client that asked, and the scope.
      ver: '2.0',
      azp: CALLING_CLIENT,
      scp: 'access_as_user',
      ...options.claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setSubject('subject-1')
      .setIssuer(`${authorityHost}/${options.issuerTenant ?? tid}/v2.0`)
      .setAudience(options.audience ?? AUDIENCE)
      .setIssuedAt(now - 60)
      .setExpirationTime(options.expiresAt ?? now + 3600)
      .sign(key.privateKey);
  }

  async function refusal(v: EntraTokenVerifier, jwt: string): Promise<DomainError> {
    try {
      await v.verify(jwt);
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected the token to be refused');
  }

  it("when a token is signed by a published key, for this app, by its own tenant's issuer, then its claims are returned", async () => {
    const claims = await verifier().verify(await token());

    expect(claims).toMatchObject({
      tid: TENANT,
      sub: 'subject-1',
      upn: 'admin@tailspin.onmicrosoft.com',
      wids: ['62e90394-69f5-4237-9190-012177145e10'],
    });
  });

  it("when the audience is the app's client ID, then the token is accepted too", async () => {
    expect(await verifier().verify(await token({ audience: CLIENT_ID }))).toMatchObject({ tid: TENANT });
  });

  describe('an ID token presented as a Bearer token', () => {
    /** What Entra ID's sign-in posts back: for this app's client ID, with the sign-in's nonce, no client or scope. */
    const idTokenClaims = { azp: undefined, scp: undefined, nonce: 'n-0123456789' };

    it.each([
      ['an ID token of the sign-in', idTokenClaims],
      ["an ID token with the user's app roles", { ...idTokenClaims, roles: ['Partner.Api'] }],
      ['an ID token without its nonce', { ...idTokenClaims, nonce: undefined }],
      ['a token with a client but neither scp nor roles', { scp: undefined }],
      ['a token with a scope but the nonce of a sign-in', { nonce: 'n-0123456789' }],
    ])('when it is %s, then the API refuses it with AccessTokenRequired', async (_what, claims) => {
      const error = await refusal(verifier(), await token({ audience: CLIENT_ID, claims }));

      expect([error.kind, error.code]).toEqual(['unauthenticated', 'AccessTokenRequired']);
    });

    it.each([
      ['a delegated access token (azp, scp)', {}],
      ['a v1 access token (appid, scp)', { azp: undefined, appid: CALLING_CLIENT, ver: '1.0' }],
      [
        'an app-only access token (azp, roles, idtyp app)',
        { scp: undefined, roles: ['Partner.Api'], idtyp: 'app' },
      ],
      ['an app-only access token without roles (idtyp app)', { scp: undefined, idtyp: 'app' }],
    ])('when it is %s, then it is accepted', async (_what, claims) => {
      expect(await verifier().verify(await token({ audience: CLIENT_ID, claims }))).toMatchObject({
        tid: TENANT,
      });
    });
  });

  it('when the audience is another app, then it is refused with InvalidToken', async () => {
    const error = await refusal(verifier(), await token({ audience: 'api://someone-else' }));

    expect(error.kind).toBe('unauthenticated');
    expect(error.code).toBe('InvalidToken');
  });

  it('when the issuer is another tenant than the one named in tid, then it is refused', async () => {
    const jwt = await token({ tid: TENANT, issuerTenant: OTHER_TENANT });

    expect((await refusal(verifier(), jwt)).code).toBe('InvalidToken');
  });

  it('when the issuer is on another authority host, then it is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ tid: TENANT })
      .setProtectedHeader({ alg: 'RS256', kid: current.kid })
      .setSubject('s')
      .setIssuer(`https://login.evil.example/${TENANT}/v2.0`)
      .setAudience(AUDIENCE)
      .setExpirationTime(now + 600)
      .sign(current.privateKey);

    expect((await refusal(verifier(), jwt)).code).toBe('InvalidToken');
  });

  it('when the token has no tenant ID, then it is refused', async () => {
    expect((await refusal(verifier(), await token({ tid: 'not-a-tenant' }))).code).toBe('InvalidToken');
  });

  it('when the token has expired, then it is refused', async () => {
    const jwt = await token({ expiresAt: Math.floor(Date.now() / 1000) - 600 });

    expect((await refusal(verifier(), jwt)).code).toBe('InvalidToken');
  });

  it('when the token is signed by a key the JWKS does not publish, then it is refused', async () => {
    expect((await refusal(verifier(), await token({ key: stranger }))).code).toBe('InvalidToken');
  });

  it('when the token names a published kid but was signed by another key, then it is refused', async () => {
    const forged = await token({ key: { ...stranger, kid: current.kid } });

    expect((await refusal(verifier(), forged)).code).toBe('InvalidToken');
  });

  it('when the keys rotate and a new kid is served later, then tokens signed with it are accepted', async () => {
    const v = verifier();
    await v.verify(await token());
    const fetchesBefore = jwks.fetches;
    jwks.keys = [current.jwk, rotated.jwk];
    // jose refetches for an unknown kid once its 30-second cooldown since the last fetch has passed.
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 60_000);

    const claims = await v.verify(await token({ key: rotated }));

    expect(claims).toMatchObject({ tid: TENANT });
    expect(jwks.fetches).toBe(fetchesBefore + 1);
  });

  it('when a key is withdrawn from the JWKS and the cache is refreshed, then its tokens are refused', async () => {
    const v = verifier();
    await v.verify(await token());
    jwks.keys = [rotated.jwk];
    const realNow = Date.now.bind(Date);
    // Past the six-hour cache age, the next verification reloads the key set.
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 7 * 60 * 60 * 1000);

    expect((await refusal(v, await token())).code).toBe('InvalidToken');
  });
  it('when many tokens are verified within the cache age, then the key set is fetched once', async () => {
    const v = verifier();
    const tokens = await Promise.all([token(), token(), token({ audience: CLIENT_ID })]);

    await Promise.all(tokens.map((jwt) => v.verify(jwt)));
    await v.verify(await token());

    expect(jwks.fetches).toBe(1);
  });

  it('when an unknown kid is presented again and again within the cooldown, then the key set is not refetched each time', async () => {
    const v = verifier();
    await v.verify(await token());
    const forged = await token({ key: stranger });

    for (let i = 0; i < 5; i++) expect((await refusal(v, forged)).code).toBe('InvalidToken');

    expect(jwks.fetches).toBe(1);
  });

  describe('what the verified claims make of the caller', () => {
    const partners = new InMemoryPartnerDirectory(Object.values(PARTNERS));
    const principalOf = async (jwt: string): Promise<Principal> =>
      resolvePrincipal(partners, await verifier().verify(jwt));

    it('when wids holds Global Administrator, then the customer user is a Global Administrator', async () => {
      const principal = await principalOf(
        await token({ claims: { wids: [HELPDESK_ADMINISTRATOR, GLOBAL_ADMINISTRATOR] } }),
      );

      expect(principal.kind === 'customer-user' && isGlobalAdministrator(principal)).toBe(true);
    });

    it('when wids holds other roles only, then the customer user is not a Global Administrator', async () => {
      const principal = await principalOf(await token({ claims: { wids: [HELPDESK_ADMINISTRATOR] } }));

      expect(principal).toMatchObject({ kind: 'customer-user', roleIds: [HELPDESK_ADMINISTRATOR] });
      expect(principal.kind === 'customer-user' && isGlobalAdministrator(principal)).toBe(false);
    });

    it('when the token has no wids claim, then the customer user holds no role', async () => {
      const principal = await principalOf(await token({ claims: { wids: undefined } }));

      expect(principal).toMatchObject({ kind: 'customer-user', roleIds: [] });
    });

    it("when an app-only token of a foreign tenant names a partner's registered client, then it is refused", async () => {
      const jwt = await token({
        claims: { idtyp: 'app', azp: PARTNERS.direct.apiClientIds[0], upn: undefined, wids: undefined },
      });

      await expect(principalOf(jwt)).rejects.toMatchObject({ code: 'UserTokenRequired' });
    });

    it("when a partner's API client signs in from the partner's home tenant, then it is that partner's client", async () => {
      const jwt = await token({
        tid: PARTNERS.direct.homeTenantId,
        claims: { idtyp: 'app', azp: PARTNERS.direct.apiClientIds[0], upn: undefined, wids: undefined },
      });

      expect(await principalOf(jwt)).toMatchObject({ kind: 'partner-client', partnerId: PARTNERS.direct.id });
    });

    it("when a token is issued by a foreign tenant's issuer but names the partner's tenant in tid, then it is refused", async () => {
      const jwt = await token({
        tid: PARTNERS.direct.homeTenantId,
        issuerTenant: OTHER_TENANT,
        claims: { idtyp: 'app', azp: PARTNERS.direct.apiClientIds[0] },
      });

      await expect(principalOf(jwt)).rejects.toMatchObject({ code: 'InvalidToken' });
    });
  });
});
