import { adminRoleName } from '../../domain/invitations/adminRoles';
import type { PartnerKind } from '../../domain/partners/partner';
import { hasMessage, translate } from './messageCatalogs';
import type { Locale } from './locales';

/**
 * Names the domain keeps in English (partner kinds, Entra role names, refusal sentences) in the page's
 * language. Each falls back to the domain's own English text for anything the catalogs do not know.
 */
export function partnerKindLabel(locale: Locale, kind: PartnerKind | undefined): string {
  return translate(locale, `partnerKinds.${kind ?? 'unknown'}`);
}

/** Microsoft's own localized name of an Entra role (Administrateur général, Globaler Administrator…). */
export function adminRoleLabel(locale: Locale, roleId: string): string {
  const key = `roles.${roleId.toLowerCase()}`;
  return hasMessage(locale, key) ? translate(locale, key) : adminRoleName(roleId);
}

export interface RefusalText {
  readonly title: string;
  readonly reason: string;
}

/** Why this person cannot accept, in their language; `englishReason` when the code has no translation. */
export function refusalText(locale: Locale, code: string, englishReason: string): RefusalText {
  const known = hasMessage(locale, `refusals.${code}.title`);
  return {
    title: translate(locale, known ? `refusals.${code}.title` : 'refusals.default'),
    reason: known ? translate(locale, `refusals.${code}.reason`) : englishReason,
  };
}

export interface ErrorPageText {
  readonly title: string;
  readonly heading: string;
  readonly message: string;
}

/** An error page's heading and sentence from a problem's status and stable code. */
export function errorPageText(
  locale: Locale,
  problem: { readonly status: number; readonly code: string; readonly detail: string },
): ErrorPageText {
  const headingKey = hasMessage(locale, `error.headings.${problem.status}`)
    ? `error.headings.${problem.status}`
    : 'error.headings.default';
  const heading = translate(locale, headingKey);
  const messageKey = `errors.${problem.code}`;
  return {
    title: heading,
    heading,
    message: hasMessage(locale, messageKey) ? translate(locale, messageKey) : problem.detail,
  };
}
