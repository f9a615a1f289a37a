import { SignJWT } from 'jose';
import {
  BrowserSessions,
  SESSION_COOKIE,
  readCookie,
} from '../../../shared/adapters/identity/browserSession';
import type { TokenClaims } from '../../../shared/application/identity/tokenClaims';

const SECRET = Buffer.alloc(32, 9);
const CLAIMS: TokenClaims = {
  tid: '4f1c6a8e-2b7d-4c3a-9e51-7d2f0b9a6c13',
  sub: 'a0000000-0000-4000-8000-000000000001',
  upn: 'admin@tailspin.onmicrosoft.com',
};

const header = (value: string) => `theme=dark; ${SESSION_COOKIE}=${value}; other=1`;

describe('browser sessions', () => {
  const sessions = new BrowserSessions(SECRET, true);

  it('when a session is issued and its cookie is read back, then the same session comes back', async () => {
    const { cookie, session } = await sessions.issue(CLAIMS);

    const read = await sessions.read(header(cookie.value));

    expect(read).toEqual({ sid: session.sid, claims: CLAIMS });
  });

  it('when a session cookie is issued, then it is HttpOnly, SameSite=Lax, secure as configured, for eight hours', async () => {
    const { cookie } = await sessions.issue(CLAIMS);

    expect(cookie).toMatchObject({
      name: SESSION_COOKIE,
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: true,
      maxAge: 8 * 3600,
    });
    expect((await new BrowserSessions(SECRET, false).issue(CLAIMS)).cookie.secure).toBe(false);
  });

  it('when the cookie was signed with another secret, then there is no session', async () => {
    const { cookie } = await new BrowserSessions(Buffer.alloc(32, 8), false).issue(CLAIMS);

    expect(await sessions.read(header(cookie.value))).toBeUndefined();
  });

  it('when the cookie was tampered with, then there is no session', async () => {
    const { cookie } = await sessions.issue(CLAIMS);
    const [h, payload, signature] = cookie.value.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    claims.upn = 'someone-else@tailspin.onmicrosoft.com';
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;

    expect(await sessions.read(header(tampered))).toBeUndefined();
  });

  it('when the session has expired, then there is no session', async () => {
    const expired = await new SignJWT({ ...CLAIMS, sid: 's1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('-1 minute')
      .sign(SECRET);

    expect(await sessions.read(header(expired))).toBeUndefined();
  });

  it('when a validly signed cookie has no session ID, then there is no session', async () => {
    const noSid = await new SignJWT({ ...CLAIMS })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(SECRET);

    expect(await sessions.read(header(noSid))).toBeUndefined();
  });

  it('when there is no cookie header or no session cookie, then there is no session', async () => {
    expect(await sessions.read(null)).toBeUndefined();
    expect(await sessions.read('theme=dark')).toBeUndefined();
  });

  it('when the session is cleared, then the cookie is emptied and expires at once', () => {
    expect(sessions.clear()).toMatchObject({ name: SESSION_COOKIE, value: '', maxAge: 0 });
  });

  describe('CSRF token', () => {
    it('when the token of the session is presented with that session, then it is valid', async () => {
      const { session } = await sessions.issue(CLAIMS);

      expect(sessions.csrfValid(session, sessions.csrfToken(session))).toBe(true);
    });

    it('when the token of another session is presented, then it is not valid', async () => {
      const { session } = await sessions.issue(CLAIMS);
      const { session: other } = await sessions.issue(CLAIMS);

      expect(sessions.csrfValid(session, sessions.csrfToken(other))).toBe(false);
    });

    it('when the same session ID is checked under another secret, then the token is not valid', async () => {
      const { session } = await sessions.issue(CLAIMS);
      const elsewhere = new BrowserSessions(Buffer.alloc(32, 8), true);

      expect(elsewhere.csrfValid(session, sessions.csrfToken(session))).toBe(false);
    });

    it.each([undefined, '', 'x', 'A'.repeat(43)])(
      'when %j is presented, then it is not valid',
      async (presented) => {
        const { session } = await sessions.issue(CLAIMS);

        expect(sessions.csrfValid(session, presented)).toBe(false);
      },
    );
  });

  describe('readCookie', () => {
    it('when the header has several cookies, then the named one is returned, whole', () => {
      expect(readCookie('a=1; pc_session=x.y=z; b=2', 'pc_session')).toBe('x.y=z');
    });

    it('when only a cookie whose name ends like it is present, then nothing is returned', () => {
      expect(readCookie('xpc_session=1', 'pc_session')).toBeUndefined();
    });
  });
});
