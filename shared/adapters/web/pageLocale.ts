import type { Cookie, HttpRequest } from '@azure/functions';
import { readCookie } from '../identity/browserSession';
import type { Locale } from './locales';
import { LOCALES, LOCALE_NAMES, negotiateLocale } from './locales';

/**
 * A page's language for one request, the switcher's links, and the cookie that keeps a switched
 * language for the next pages (the accepted page after the consent form, say).
 */
export const LANGUAGE_COOKIE = 'pc_lang';
const LANGUAGE_COOKIE_DAYS = 365;

export interface LanguageLink {
  readonly locale: Locale;
  readonly name: string;
  readonly href: string;
  readonly current: boolean;
}

export interface PageLocale {
  readonly locale: Locale;
  readonly languageLinks: readonly LanguageLink[];
  /** Set-Cookie for the response: present when the request switched language with ?lang=. */
  readonly cookies: Cookie[];
}

export function pageLocale(request: HttpRequest): PageLocale {
  const url = new URL(request.url);
  const requested = url.searchParams.get('lang');
  const locale = negotiateLocale({
    requested,
    remembered: readCookie(request.headers.get('cookie'), LANGUAGE_COOKIE),
    acceptLanguage: request.headers.get('accept-language'),
  });
  return {
    locale,
    languageLinks: LOCALES.map((candidate) => {
      const target = new URLSearchParams(url.searchParams);
      target.set('lang', candidate);
      return {
        locale: candidate,
        name: LOCALE_NAMES[candidate],
        href: `${url.pathname}?${target.toString()}`,
        current: candidate === locale,
      };
    }),
    cookies:
      requested === locale
        ? [
            {
              name: LANGUAGE_COOKIE,
              value: locale,
              path: '/',
              sameSite: 'Lax',
              httpOnly: true,
              maxAge: LANGUAGE_COOKIE_DAYS * 24 * 3600,
            },
          ]
        : [],
  };
}
