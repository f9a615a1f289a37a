import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { TokenClaims } from '../../application/identity/tokenClaims';
import { TokenClaimsSchema } from '../../application/identity/tokenClaims';

/**
 * A browser's signed-in state: the verified identity claims in an HS256-signed, HttpOnly, SameSite=Lax
 * cookie. Forms posted with the cookie also carry a CSRF token bound to the session ID.
 */
export const SESSION_COOKIE = 'pc_session';
const SESSION_HOURS = 8;

export interface BrowserSession {
  readonly sid: string;
  readonly claims: TokenClaims;
}

export class BrowserSessions {
  constructor(
    private readonly secret: Buffer,
    private readonly secureCookies: boolean,
  ) {}

  async issue(claims: TokenClaims): Promise<{ cookie: CookieSpec; session: BrowserSession }> {
    const sid = randomUUID();
    const value = await new SignJWT({ ...claims, sid })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(`${SESSION_HOURS}h`)
      .sign(this.secret);
    return { cookie: this.cookie(value, SESSION_HOURS * 3600), session: { sid, claims } };
  }

  async read(cookieHeader: string | null): Promise<BrowserSession | undefined> {
    const value = readCookie(cookieHeader, SESSION_COOKIE);
    if (!value) return undefined;
    try {
      const { payload } = await jwtVerify(value, this.secret, { algorithms: ['HS256'] });
      if (typeof payload.sid !== 'string') return undefined;
      return { sid: payload.sid, claims: TokenClaimsSchema.parse(payload) };
    } catch {
      return undefined;
    }
  }

  clear(): CookieSpec {
    return this.cookie('', 0);
  }

  csrfToken(session: BrowserSession): string {
    return createHmac('sha256', this.secret).update(`csrf:${session.sid}`).digest('base64url');
  }

  csrfValid(session: BrowserSession, presented: string | undefined): boolean {
    if (!presented) return false;
    const expected = Buffer.from(this.csrfToken(session));
    const actual = Buffer.from(presented);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private cookie(value: string, maxAge: number): CookieSpec {
    return {
      name: SESSION_COOKIE,
      value,
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: this.secureCookies,
      maxAge,
    };
  }
}

export interface CookieSpec {
  readonly name: string;
  readonly value: string;
  readonly path: string;
  readonly httpOnly: boolean;
  readonly sameSite: 'Lax' | 'Strict' | 'None';
  readonly secure: boolean;
  readonly maxAge: number;
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
