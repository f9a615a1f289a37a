import { invalid } from '../../domain/domainError';

/** Where a sign-in returns to when the page that sent the person there did not say. */
export const DEFAULT_RETURN_TO = '/api/tenant/partners';

/**
 * Where a sign-in may send the browser afterwards: a path on this site, and nothing a browser could
 * read as another site. The value is parsed as a browser would parse a `Location` header, against the
 * app's own origin, and must stay on that origin; what goes back is the parsed URL's path, query and
 * fragment (percent-encoded, so no raw character reaches the header).
 *
 * The URL parser alone is not enough, because browsers are more lenient than one reading: they drop
 * tabs and newlines anywhere in a URL (`/\t/evil.example` becomes `//evil.example`), read `\` as `/`,
 * and collapse dot segments (`/.//evil.example` is served as the path `//evil.example`, which, sent
 * back as a Location, is another site). So control characters and backslashes are refused outright,
 * the value must start with exactly one `/`, and the path that comes out must not start with `//`.
 */
export function safeReturnTo(value: string | null | undefined, appOrigin: string): string {
  if (value === null || value === undefined || value === '') return DEFAULT_RETURN_TO;
  const origin = new URL(appOrigin).origin;
  // C0 controls, DEL and the C1 controls (which some parsers also drop), and the backslash: matching
  // control characters is this check's purpose.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(value) || !value.startsWith('/') || value.startsWith('//'))
    throw refused();
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    throw refused();
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== origin || !path.startsWith('/') || path.startsWith('//')) throw refused();
  return path;
}

const refused = () =>
  invalid('InvalidReturnTo', 'returnTo must be a path on this site, such as /api/consent/...', {
    field: 'returnTo',
  });
