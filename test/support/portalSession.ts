import type { ApiClient } from './apiClient';

/** Signs in on the dev sign-in page as a browser would; answers the session cookie and where it went. */
export async function portalSignIn(
  api: ApiClient,
  upn: string,
  returnTo: string,
): Promise<{ cookie: string; location: string }> {
  const res = await api.request('POST', '/api/dev/signin', { form: { upn, returnTo } });
  if (res.status !== 303) throw new Error(`dev sign-in as ${upn} answered ${res.status}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, location: res.headers.get('location') ?? '' };
}
