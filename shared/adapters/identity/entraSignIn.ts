import { createHmac, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { TokenClaims } from '../../application/identity/tokenClaims';
import { invalid, unauthenticated } from '../../domain/domainError';
import { safeReturnTo } from '../http/safeReturnTo';
import type { CookieSpec } from './browserSession';
import { readCookie } from './browserSession';

/**
 * The browser sign-in with Entra ID, for the consent and admin pages: OpenID Connect with
 * `response_type=id_token` and `response_mode=form_post` on the `organizations` endpoint (any work or
 * school tenant). No client secret is involved: Entra ID posts the ID token straight to the callback,
 * where it is verified against the issuer's JWKS like any token (signature, audience = the client ID,
 * the issuer of its own `tid`, lifetime) and must carry the nonce this browser's sign-in started with.
 *
 * What the sign-in started with (state, nonce, where to return) travels in a short-lived HS256 cookie
 * under a key derived from SESSION_SECRET. Entra ID's form post is a cross-site POST, which SameSite=Lax
 * cookies do not accompany, so that one cookie is SameSite=None; Secure (browsers accept Secure
 * cookies on http://localhost too).
 */
export const SIGN_IN_COOKIE = 'pc_signin';
const SIGN_IN_MINUTES = 10;

export interface IdTokenVerifier {
  verifyIdToken(token: string, nonce: string): Promise<TokenClaims>;
}

export interface SignInCallback {
  readonly state?: string | undefined;
  readonly id_token?: string | undefined;
  readonly error?: string | undefined;
  readonly error_description?: string | undefined;
}

export class EntraSignIn {
  private readonly stateKey: Buffer;

  constructor(
    private readonly options: {
      authorityHost: string;
      clientId: string;
      /** `<PUBLIC_BASE_URL>/api/auth/callback`, registered as the app's Web redirect URI. */
      redirectUri: string;
      sessionSecret: Buffer;
      idTokens: IdTokenVerifier;
    },
  ) {
    this.stateKey = createHmac('sha256', options.sessionSecret).update('entra-sign-in-state').digest();
  }

  /** Where to send the browser, and the cookie that remembers this sign-in. */
  async start(returnTo: string | null | undefined): Promise<{ location: string; cookie: CookieSpec }> {
    const target = safeReturnTo(returnTo, this.options.redirectUri);
    const state = randomBytes(24).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    const value = await new SignJWT({ state, nonce, returnTo: target })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(`${SIGN_IN_MINUTES}m`)
      .sign(this.stateKey);
    const url = new URL(
      `${this.options.authorityHost.replace(/\/$/, '')}/organizations/oauth2/v2.0/authorize`,
    );
    url.search = new URLSearchParams({
      client_id: this.options.clientId,
      response_type: 'id_token',
      response_mode: 'form_post',
      redirect_uri: this.options.redirectUri,
      scope: 'openid profile',
      state,
      nonce,
      // The pages offer "sign in as someone else": always let the person choose the account.
      prompt: 'select_account',
    }).toString();
    return { location: url.toString(), cookie: stateCookie(value, SIGN_IN_MINUTES * 60) };
  }

  /** The verified claims of the person who signed in, and where they were going. */
  async complete(
    form: SignInCallback,
    cookieHeader: string | null,
  ): Promise<{ claims: TokenClaims; returnTo: string; clearCookie: CookieSpec }> {
    const started = await this.readState(cookieHeader);
    if (!started || !form.state || form.state !== started.state) {
      throw invalid(
        'SignInStateInvalid',
        'This sign-in was not started here, was started in another browser, or took longer than ten minutes. Open the link again to sign in.',
      );
    }
    if (form.error) {
      throw unauthenticated(
        'SignInFailed',
        `Entra ID did not sign you in (${form.error}${form.error_description ? `: ${form.error_description}` : ''}).`,
      );
    }
    if (!form.id_token)
      throw invalid('SignInStateInvalid', 'The sign-in response carried no ID token. Please sign in again.');
    const claims = await this.options.idTokens.verifyIdToken(form.id_token, started.nonce);
    return { claims, returnTo: started.returnTo, clearCookie: stateCookie('', 0) };
  }

  private async readState(
    cookieHeader: string | null,
  ): Promise<{ state: string; nonce: string; returnTo: string } | undefined> {
    const value = readCookie(cookieHeader, SIGN_IN_COOKIE);
    if (!value) return undefined;
    try {
      const { payload } = await jwtVerify(value, this.stateKey, { algorithms: ['HS256'] });
      const { state, nonce, returnTo } = payload;
      if (typeof state !== 'string' || typeof nonce !== 'string' || typeof returnTo !== 'string')
        return undefined;
      return { state, nonce, returnTo: safeReturnTo(returnTo, this.options.redirectUri) };
    } catch {
      return undefined;
    }
  }
}

function stateCookie(value: string, maxAge: number): CookieSpec {
  return {
    name: SIGN_IN_COOKIE,
    value,
    path: '/api/auth',
    httpOnly: true,
    sameSite: 'None',
    secure: true,
    maxAge,
  };
}
