import Negotiator from 'negotiator';
import { CUSTOMER_LANGUAGES } from '../../domain/invitations/customerLanguage';

/**
 * The languages the people-facing pages and the invitation email speak, and how one is chosen:
 * an explicit `?lang=`, then the language cookie the switcher leaves, then Accept-Language, then English.
 */
export const LOCALES = CUSTOMER_LANGUAGES;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Each language's own name: a switcher shows "Deutsch" to someone who cannot read "German". */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = {
  en: 'English',
  fr: 'Français',
  de: 'Deutsch',
  he: 'עברית',
};

const RIGHT_TO_LEFT: ReadonlySet<Locale> = new Set<Locale>(['he']);

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

export const directionOf = (locale: Locale): 'ltr' | 'rtl' => (RIGHT_TO_LEFT.has(locale) ? 'rtl' : 'ltr');

export interface LocaleSources {
  /** `?lang=` on the request: the switcher's links. */
  readonly requested?: string | null | undefined;
  /** The language cookie a previous switch left. */
  readonly remembered?: string | null | undefined;
  readonly acceptLanguage?: string | null | undefined;
}

export function negotiateLocale(sources: LocaleSources): Locale {
  for (const explicit of [sources.requested, sources.remembered]) {
    const normalized = explicit?.trim().toLowerCase();
    if (isLocale(normalized)) return normalized;
  }
  if (!sources.acceptLanguage) return DEFAULT_LOCALE;
  // Negotiator matches a regional tag to its language (fr-CA → fr) and honours q-values; "*" picks English.
  const negotiator = new Negotiator({ headers: { 'accept-language': sources.acceptLanguage } });
  const chosen = negotiator.language([...LOCALES]);
  return isLocale(chosen) ? chosen : DEFAULT_LOCALE;
}
