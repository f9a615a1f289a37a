import { ApiClient } from '../support/apiClient';
import type { LocalHostProcess } from '../support/localHostProcess';
import { startLocalHostProcess } from '../support/localHostProcess';
import { portalSignIn } from '../support/portalSession';

/**
 * The web-security edges over HTTP against the local host: where a sign-in may return to, and which
 * credentials the JSON API accepts.
 */
const INTUNE_ADMIN = '3a2c62db-5318-420d-8d74-23affee5d9d5';

const EMAILS_PER_HOUR = 3;

type Json = Record<string, any>;

jest.setTimeout(60_000);

let host: LocalHostProcess;
let api: ApiClient;

beforeAll(async () => {
  host = await startLocalHostProcess({ env: { INVITATION_EMAILS_PER_HOUR: String(EMAILS_PER_HOUR) } });
  api = new ApiClient(host.baseUrl);
}, 90_000);

afterAll(async () => {
  await host?.stop();
});

const setCookies = (headers: Headers) => headers.getSetCookie().map((c) => c.split('=')[0]);

describe('sign-in return address', () => {
  // Each is what a link's query string decodes to; a browser reads every one of them as //evil.example.
  const hostile = [
    ['a tab', '/\t/evil.example'],
    ['a newline', '/\n/evil.example'],
    ['a backslash', '/\\evil.example'],
    ['a dot segment', '/.//evil.example'],
    ['a protocol-relative URL', '//evil.example'],
    ['an absolute URL', 'https://evil.example/'],
  ];

  it.each(hostile)(
    'when the dev sign-in page is opened with returnTo holding %s, then it answers 400 InvalidReturnTo',
    async (_what, returnTo) => {
      const res = await api.request('GET', `/api/dev/signin?returnTo=${encodeURIComponent(returnTo)}`, {
        headers: { accept: 'application/json' },
      });

      expect(res.status).toBe(400);
      expect((res.body as Json).code).toBe('InvalidReturnTo');
    },
  );

  it.each(hostile)(
    'when the dev sign-in form is posted with returnTo holding %s, then it answers 400, sets no session and sends the browser nowhere',
    async (_what, returnTo) => {
      const res = await api.request('POST', '/api/dev/signin', {
        form: { upn: 'agent@contoso-direct.example', returnTo },
        headers: { accept: 'application/json' },
      });

      expect(res.status).toBe(400);
      expect((res.body as Json).code).toBe('InvalidReturnTo');
      expect(res.headers.get('location')).toBeNull();
      expect(setCookies(res.headers)).not.toContain('pc_session');
    },
  );

  it('when the dev sign-in form is posted with a path on this site, then it goes there with the session cookie', async () => {
    const { cookie, location } = await portalSignIn(
      api,
      'agent@contoso-direct.example',
      '/api/portal/customers#invite',
    );

    expect(location).toBe('/api/portal/customers#invite');
    expect(cookie).toMatch(/^pc_session=/);
  });
});

describe('the dev sign-in form and other sites', () => {
  it.each([
    ['Origin names another site', { origin: 'https://evil.example' }],
    ['Origin is opaque (a sandboxed frame)', { origin: 'null' }],
    ['Sec-Fetch-Site says cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site says same-site (another app on a sibling host)', { 'sec-fetch-site': 'same-site' }],
  ])(
    'when the form is posted and %s, then 403 CrossSiteRequestRefused and no session is set',
    async (_what, headers) => {
      const res = await api.request('POST', '/api/dev/signin', {
        form: { upn: 'agent@contoso-direct.example', returnTo: '/api/portal/customers' },
        headers: { accept: 'application/json', ...headers },
      });

      expect(res.status).toBe(403);
      expect((res.body as Json).code).toBe('CrossSiteRequestRefused');
      expect(setCookies(res.headers)).not.toContain('pc_session');
    },
  );

  it("when the form is posted from the site's own page, then the session is set", async () => {
    const res = await api.request('POST', '/api/dev/signin', {
      form: { upn: 'agent@contoso-direct.example', returnTo: '/api/portal/customers' },
      headers: { origin: host.baseUrl, 'sec-fetch-site': 'same-origin' },
    });

    expect(res.status).toBe(303);
    expect(setCookies(res.headers)).toContain('pc_session');
  });
});

describe('the JSON API and the page session cookie', () => {
  /** A fresh tenant whose admin accepted contoso-direct's link with delegated admin (through the API). */
  async function tenantWithContoso() {
    const tenant = await api.newTenant();
    const invitation = await api.request<{ url: string }>('POST', '/api/v1/invitations', {
      token: await api.partnerToken('contoso-direct'),
      json: { kind: 'reseller-relationship', delegatedAdmin: { roles: [INTUNE_ADMIN], duration: 'P90D' } },
    });
    expect(invitation.status).toBe(201);
    const accepted = await api.request('POST', invitation.body.url, {
      token: await api.userToken(tenant.admin),
      form: { consent: 'yes', includeDelegatedAdmin: 'true' },
      headers: { accept: 'application/json' },
    });
    expect(accepted.status).toBe(200);
    return tenant;
  }

  async function contosoSeenBy(admin: string): Promise<Json | undefined> {
    const res = await api.request<{ items: Json[] }>('GET', '/api/v1/tenant/partners', {
      token: await api.userToken(admin),
    });
    expect(res.status).toBe(200);
    return res.body.items.find((p) => p.partnerId === 'contoso-direct');
  }

  it.each([
    ['POST', '/api/v1/tenant/partners/contoso-direct/removeDelegatedAdmin'],
    ['DELETE', '/api/v1/tenant/partners/contoso-direct'],
  ])(
    'when %s %s carries only the admin page session cookie, then 401 and the relationship is unchanged',
    async (method, path) => {
      const tenant = await tenantWithContoso();
      const before = await contosoSeenBy(tenant.admin);
      const { cookie } = await portalSignIn(api, tenant.admin, '/api/tenant/partners');

      const res = await api.request(method, path, { headers: { cookie } });

      expect(res.status).toBe(401);
      expect((res.body as Json).code).toBe('AuthenticationRequired');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await contosoSeenBy(tenant.admin)).toEqual(before);
      expect(before).toMatchObject({ status: 'active' });
    },
  );

  it('when the admin page session cookie reads the API, then 401: the API knows callers by their token only', async () => {
    const tenant = await api.newTenant();
    const { cookie } = await portalSignIn(api, tenant.admin, '/api/tenant/partners');

    const res = await api.request('GET', '/api/v1/tenant/partners', { headers: { cookie } });

    expect(res.status).toBe(401);
  });

  it('when a portal session cookie reads the partner API, then 401', async () => {
    const { cookie } = await portalSignIn(api, 'agent@contoso-direct.example', '/api/portal/customers');

    const res = await api.request('GET', '/api/v1/customers', { headers: { cookie } });

    expect(res.status).toBe(401);
  });
});

describe('sign-out', () => {
  const signOutCsrfOf = (html: string) =>
    /action='\/api\/auth\/signout'><input type='hidden' name='csrf' value='([^']+)'/.exec(html)?.[1];

  it.each([
    ['the portal', 'agent@contoso-direct.example', '/api/portal/customers', '/api/portal'],
    [
      'the customer admin page',
      'admin@tailspin.onmicrosoft.com',
      '/api/tenant/partners',
      '/api/tenant/partners',
    ],
  ])(
    'when a person signed in to %s presses Sign out, then the session cookie is cleared and the page says so',
    async (_page, upn, path, home) => {
      const { cookie } = await portalSignIn(api, upn, path);
      const page = await api.request('GET', path, { headers: { cookie } });
      expect(page.status).toBe(200);
      const csrf = signOutCsrfOf(page.text);
      expect(csrf).toBeDefined();

      const res = await api.request('POST', '/api/auth/signout', {
        form: { csrf: csrf!, returnTo: home },
        headers: { cookie },
      });

      expect(res.status).toBe(200);
      expect(res.text).toContain('You have signed out');
      const cleared = res.headers.getSetCookie().find((c) => c.startsWith('pc_session='));
      expect(cleared).toMatch(/^pc_session=;.*Max-Age=0/i);
      const again =
        /href='([^']*\/api\/dev\/signin[^']*)'/.exec(res.text)?.[1]?.replace(/&#x3D;/g, '=') ?? '';
      expect(new URL(again, host.baseUrl).searchParams.get('returnTo')).toBe(home);
    },
  );

  it("when the sign-out form is posted without the session's CSRF token (another site), then 403 and the session cookie is left alone", async () => {
    const { cookie } = await portalSignIn(api, 'agent@contoso-direct.example', '/api/portal/customers');

    const res = await api.request('POST', '/api/auth/signout', {
      form: { csrf: 'forged', returnTo: '/api/portal' },
      headers: { cookie, accept: 'application/json' },
    });

    expect(res.status).toBe(403);
    expect((res.body as Json).code).toBe('CsrfTokenInvalid');
    expect(setCookies(res.headers)).not.toContain('pc_session');
  });

  it('when the sign-out form names another site to sign in to again, then 400 InvalidReturnTo', async () => {
    const res = await api.request('POST', '/api/auth/signout', {
      form: { returnTo: '/\t/evil.example' },
      headers: { accept: 'application/json' },
    });

    expect(res.status).toBe(400);
  });
});

describe('invitation emails per partner', () => {
  const invitationsOf = async (partnerId: string) =>
    (
      await api.request<{ items: Json[] }>('GET', '/api/v1/invitations', {
        token: await api.partnerToken(partnerId),
      })
    ).body.items.length;

  it('when a partner has sent its emails for the hour, then the next is 429 with Retry-After and nothing is created, on every instance; links without email and other partners are not held back', async () => {
    // Each instance's dev issuer has a key of its own: a token from the instance that is asked.
    const invite = async (base: string, customerEmail?: string) => {
      const client = new ApiClient(base);
      return client.request('POST', '/api/v1/invitations', {
        token: await client.partnerToken('northwind-reseller'),
        json: { kind: 'reseller-relationship', ...(customerEmail ? { customerEmail } : {}) },
      });
    };
    for (let i = 0; i < EMAILS_PER_HOUR; i++)
      expect((await invite(host.baseUrl, `c${i}@customer.example`)).status).toBe(201);
    const before = await invitationsOf('northwind-reseller');

    const refused = await invite(host.baseUrl, 'one-too-many@customer.example');
    // A second instance of the app, on the same storage, counts against the same quota.
    const second = await startLocalHostProcess({
      tablePrefix: host.tablePrefix,
      env: { INVITATION_EMAILS_PER_HOUR: String(EMAILS_PER_HOUR) },
    });
    let elsewhere;
    try {
      elsewhere = await invite(second.baseUrl, 'elsewhere@customer.example');
    } finally {
      await second.stop();
    }

    for (const res of [refused, elsewhere]) {
      expect(res.status).toBe(429);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((res.body as Json).code).toBe('InvitationEmailRateLimited');
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(3600);
    }
    expect(await invitationsOf('northwind-reseller')).toBe(before);
    expect((await invite(host.baseUrl)).status).toBe(201);
    const other = await api.request('POST', '/api/v1/invitations', {
      token: await api.partnerToken('contoso-direct'),
      json: { kind: 'reseller-relationship', customerEmail: 'someone@customer.example' },
    });
    expect(other.status).toBe(201);
  });
});

describe('consent-link refusals and the audit trail', () => {
  it('when someone who cannot accept opens a link again and again and tries to accept it, then the trail records each kind of refusal once, and the older facts stay readable', async () => {
    const tenant = await api.newTenant();
    const partner = await api.partnerToken('contoso-direct');
    const invitation = await api.request<{ id: string; url: string }>('POST', '/api/v1/invitations', {
      token: partner,
      json: { kind: 'reseller-relationship' },
    });
    expect(invitation.status).toBe(201);
    const { cookie } = await portalSignIn(api, tenant.helpdesk, new URL(invitation.body.url).pathname);
    const helpdesk = await api.userToken(tenant.helpdesk);

    for (let i = 0; i < 10; i++)
      expect((await api.request('GET', invitation.body.url, { headers: { cookie } })).status).toBe(403);
    for (let i = 0; i < 3; i++) {
      const accept = await api.request('POST', invitation.body.url, {
        token: helpdesk,
        form: { consent: 'yes' },
        headers: { accept: 'application/json' },
      });
      expect(accept.status).toBe(403);
    }

    const trail = await api.request<{ items: Json[] }>('GET', '/api/v1/audit?limit=1000', { token: partner });
    const ofThisLink = trail.body.items.filter((e) => e.details.invitationId === invitation.body.id);
    expect(ofThisLink.map((e) => [e.type, e.details.viewedOnly ?? false])).toEqual([
      ['ConsentRefused', false],
      ['ConsentRefused', true],
      ['InvitationCreated', false],
    ]);
  });

  it('when the audit trail is read a page at a time, then the pages hold the same events, in the same order, as one long read', async () => {
    const token = await api.partnerToken('contoso-direct');
    for (let i = 0; i < 5; i++) {
      const created = await api.request('POST', '/api/v1/invitations', {
        token,
        json: { kind: 'reseller-relationship' },
      });
      expect(created.status).toBe(201);
    }
    const whole = await api.request<{ items: Json[]; continuationToken: string | null }>(
      'GET',
      '/api/v1/audit?limit=1000',
      { token },
    );
    expect(whole.body.items.length).toBeGreaterThanOrEqual(5);
    expect(whole.body.continuationToken).toBeNull();

    const paged: string[] = [];
    let next: string | null = null;
    do {
      const query: string = next ? `&continuationToken=${encodeURIComponent(next)}` : '';
      const page = await api.request<{ items: Json[]; continuationToken: string | null }>(
        'GET',
        `/api/v1/audit?limit=2${query}`,
        { token },
      );
      expect(page.status).toBe(200);
      paged.push(...page.body.items.map((e) => e.id as string));
      next = page.body.continuationToken;
    } while (next);

    expect(paged).toEqual(whole.body.items.map((e) => e.id as string));
  });

  it('when the audit trail is asked for with a continuation token it never gave, then 400 InvalidContinuationToken', async () => {
    const res = await api.request('GET', '/api/v1/audit?continuationToken=forged', {
      token: await api.partnerToken('contoso-direct'),
    });

    expect(res.status).toBe(400);
    expect((res.body as Json).code).toBe('InvalidContinuationToken');
  });
});
