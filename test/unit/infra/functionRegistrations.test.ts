import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BindingMetadata, Registration } from '../../../infra/local/functionsCore/registry';
import { functionRegistry } from '../../../infra/local/functionsCore/registry';
import {
  CHECK_CONSENT_ACTIVITY,
  DEVICE_BATCH_ORCHESTRATION,
  FAIL_CHUNK_ACTIVITY,
  FINISH_WITH_LOST_CHUNKS_ACTIVITY,
  RECORD_PROGRESS_ACTIVITY,
  REGISTER_CHUNK_ACTIVITY,
} from '../../../shared/adapters/durable/batchOrchestrationContract';
import {
  DELIVER_INVITATION_EMAIL_ACTIVITY,
  INVITATION_EMAIL_ORCHESTRATION,
} from '../../../shared/adapters/durable/invitationEmailOrchestrationContract';
import '../../../functions/index';

/**
 * The app as the Functions host sees it. Requiring functions/index.ts runs every `app.*` and `df.app.*`
 * registration call of the `@azure/functions` programming model; the jest `unit` project maps
 * `@azure/functions-core` to the local host's stand-in, which records each function's metadata exactly
 * as the worker would hand it to the host (without it the package drops registrations in "test mode").
 * Each function is then held to the table below, written from the public contract in the brief.
 */

const ROOT = path.resolve(__dirname, '../../..');

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Expected =
  | {
      readonly trigger: 'httpTrigger';
      readonly method: Method;
      readonly route: string;
      readonly durableClient: boolean;
    }
  | { readonly trigger: 'orchestrationTrigger' | 'activityTrigger' }
  | { readonly trigger: 'timerTrigger'; readonly schedule: string; readonly durableClient: boolean };

const http = (method: Method, route: string, durableClient = false): Expected => ({
  trigger: 'httpTrigger',
  method,
  route,
  durableClient,
});

/**
 * Routes are as registered. host.json's `extensions.http.routePrefix` is "", so each is the whole path
 * from the host's root: the API and pages under `api/`, leaving room for routes of another shape beside them.
 */
const EXPECTED: Record<string, Expected> = {
  health: http('GET', 'api/health'),
  openApi: http('GET', 'api/openapi.json'),
  // Local dev issuer (AUTH_MODE=dev); the handlers refuse with 404 in entra mode.
  devToken: http('POST', 'api/dev/token'),
  devSignInPage: http('GET', 'api/dev/signin'),
  devSignIn: http('POST', 'api/dev/signin'),
  devTenants: http('POST', 'api/dev/tenants'),
  // Browser sign-in with Entra ID (AUTH_MODE=entra): off to Entra ID, and its form post back.
  entraSignIn: http('GET', 'api/auth/signin'),
  entraSignInCallback: http('POST', 'api/auth/callback'),
  // Sign-out, in either mode: ends this site's session.
  signOut: http('POST', 'api/auth/signout'),
  // Partner API: invitations and customers.
  // Creating an invitation with customerEmail starts the email's delivery orchestration.
  createInvitation: http('POST', 'api/v1/invitations', true),
  listInvitations: http('GET', 'api/v1/invitations'),
  withdrawInvitation: http('DELETE', 'api/v1/invitations/{id}'),
  listCustomers: http('GET', 'api/v1/customers'),
  getCustomer: http('GET', 'api/v1/customers/{tenantId}'),
  // Device batches: only submitting starts an orchestration, so only it has the durable client input.
  submitDeviceBatch: http('POST', 'api/v1/customers/{tenantId}/deviceBatches', true),
  validateDeviceBatch: http('POST', 'api/v1/customers/{tenantId}/deviceBatches/validate'),
  getDeviceBatch: http('GET', 'api/v1/customers/{tenantId}/deviceBatches/{batchId}'),
  listDeviceBatchDevices: http('GET', 'api/v1/customers/{tenantId}/deviceBatches/{batchId}/devices'),
  deregisterDevice: http('DELETE', 'api/v1/customers/{tenantId}/devices/{deviceId}'),
  // Partner Center–compatible device batches, at the host's root (its SDK builds /v1/... from the root).
  pcCreateDeviceBatch: http('POST', 'v1/customers/{tenantId}/deviceBatches', true),
  pcListDeviceBatches: http('GET', 'v1/customers/{tenantId}/deviceBatches'),
  pcAddDevices: http('POST', 'v1/customers/{tenantId}/deviceBatches/{batchName}/devices', true),
  pcListDevices: http('GET', 'v1/customers/{tenantId}/deviceBatches/{batchName}/devices'),
  pcDeleteDevice: http('DELETE', 'v1/customers/{tenantId}/deviceBatches/{batchName}/devices/{deviceId}'),
  pcGetBatchJobStatus: http('GET', 'v1/customers/{tenantId}/batchJobStatus/{trackingId}'),
  pcGetRelationshipRequest: http('GET', 'v1/customers/relationshiprequests'),
  // Consent link: the page, and accepting (which signals the batches waiting for consent).
  consentPage: http('GET', 'api/consent/{token}'),
  acceptConsent: http('POST', 'api/consent/{token}', true),
  // Customer admin API (revoking cancels the partner's batches that have not run).
  listTenantPartners: http('GET', 'api/v1/tenant/partners'),
  removeDelegatedAdmin: http('POST', 'api/v1/tenant/partners/{partnerId}/removeDelegatedAdmin'),
  revokeTenantPartner: http('DELETE', 'api/v1/tenant/partners/{partnerId}', true),
  // Customer admin page, for people.
  tenantAdminPage: http('GET', 'api/tenant/partners'),
  tenantAdminRevoke: http('POST', 'api/tenant/partners/{partnerId}/revoke', true),
  tenantAdminRemoveDelegatedAdmin: http('POST', 'api/tenant/partners/{partnerId}/removeDelegatedAdmin'),
  listAudit: http('GET', 'api/v1/audit'),
  // Partner portal, for a partner's people (session cookie): pages, the CSV upload (check, then confirm,
  // which starts the batch), the batch page's progress JSON and failed rows, and its stylesheet and script.
  portalHome: http('GET', 'api/portal'),
  portalCustomers: http('GET', 'api/portal/customers'),
  portalCustomer: http('GET', 'api/portal/customers/{tenantId}'),
  portalCreateInvitation: http('POST', 'api/portal/invitations', true),
  portalWithdrawInvitation: http('POST', 'api/portal/invitations/{id}/withdraw'),
  portalUploadPage: http('GET', 'api/portal/upload'),
  portalUploadCheck: http('POST', 'api/portal/upload'),
  portalUploadConfirm: http('POST', 'api/portal/upload/{uploadId}/confirm', true),
  portalBatchPage: http('GET', 'api/portal/batches/{tenantId}/{partnerId}/{batchId}'),
  portalBatchStatus: http('GET', 'api/portal/batches/{tenantId}/{partnerId}/{batchId}/status'),
  portalBatchFailedRows: http('GET', 'api/portal/batches/{tenantId}/{partnerId}/{batchId}/failed.csv'),
  portalStatic: http('GET', 'api/portal/static/{name}'),
  // The device batch orchestration and its activities.
  [DEVICE_BATCH_ORCHESTRATION]: { trigger: 'orchestrationTrigger' },
  [CHECK_CONSENT_ACTIVITY]: { trigger: 'activityTrigger' },
  [REGISTER_CHUNK_ACTIVITY]: { trigger: 'activityTrigger' },
  [RECORD_PROGRESS_ACTIVITY]: { trigger: 'activityTrigger' },
  [FAIL_CHUNK_ACTIVITY]: { trigger: 'activityTrigger' },
  [FINISH_WITH_LOST_CHUNKS_ACTIVITY]: { trigger: 'activityTrigger' },
  // Invitation emails: one orchestration per queued email, its send activity, and the sweeper that
  // starts deliveries a request could not (every minute, NCRONTAB with seconds).
  [INVITATION_EMAIL_ORCHESTRATION]: { trigger: 'orchestrationTrigger' },
  [DELIVER_INVITATION_EMAIL_ACTIVITY]: { trigger: 'activityTrigger' },
  invitationEmailSweeper: { trigger: 'timerTrigger', schedule: '0 */1 * * * *', durableClient: true },
  // Staged portal uploads that expired unconfirmed, every partner's, removed every hour on the hour.
  portalUploadPurge: { trigger: 'timerTrigger', schedule: '0 0 * * * *', durableClient: false },
};

const registrations = functionRegistry.all();
const byName = new Map(registrations.map((r) => [r.name, r]));

/** Each binding as `direction:type`, sorted: what the host will create for the function. */
function bindingShape(registration: Registration): string[] {
  return Object.values(registration.metadata.bindings)
    .map((b: BindingMetadata) => `${b.direction}:${b.type}`)
    .sort();
}

function expectedShape(expected: Expected): string[] {
  if (expected.trigger === 'timerTrigger')
    return ['in:timerTrigger', ...(expected.durableClient ? ['in:durableClient'] : [])].sort();
  if (expected.trigger !== 'httpTrigger') return [`in:${expected.trigger}`];
  return ['in:httpTrigger', 'out:http', ...(expected.durableClient ? ['in:durableClient'] : [])].sort();
}

const httpTrigger = (r: Registration) =>
  r.trigger as BindingMetadata & { route?: string; methods?: string[] };

/** Does a concrete path (after the leading /) match a route template such as v1/customers/{tenantId}? */
function routeMatches(template: string, concrete: string): boolean {
  const t = template.split('/');
  const c = concrete.split('/');
  return t.length === c.length && t.every((segment, i) => /^\{[^}]+\}$/.test(segment) || segment === c[i]);
}

describe('function registrations, as the Functions host loads them', () => {
  it('when functions/index.ts is loaded, then every registration reaches the host (none dropped)', () => {
    expect(registrations.length).toBeGreaterThan(0);
  });

  it('when the registrations are listed, then each one is in the expected table and none is missing', () => {
    const unknown = registrations.map((r) => r.name).filter((name) => !(name in EXPECTED));
    const missing = Object.keys(EXPECTED).filter((name) => !byName.has(name));
    expect({ unknown, missing }).toEqual({ unknown: [], missing: [] });
  });

  it.each(Object.entries(EXPECTED))(
    '%s has the expected trigger, route, method and bindings',
    (name, expected) => {
      const registration = byName.get(name);
      if (!registration) throw new Error(`${name} is not registered`);
      expect({ name, trigger: registration.trigger.type }).toEqual({ name, trigger: expected.trigger });
      expect({ name, bindings: bindingShape(registration) }).toEqual({
        name,
        bindings: expectedShape(expected),
      });
      if (expected.trigger === 'httpTrigger') {
        const trigger = httpTrigger(registration);
        expect({ name, route: trigger.route, methods: trigger.methods }).toEqual({
          name,
          route: expected.route,
          methods: [expected.method],
        });
      }
      if (expected.trigger === 'timerTrigger') {
        const schedule = (registration.trigger as BindingMetadata & { schedule?: string }).schedule;
        expect({ name, schedule }).toEqual({ name, schedule: expected.schedule });
      }
    },
  );

  it('when an HTTP function is registered, then its authLevel is anonymous (identity is a JWT the app verifies)', () => {
    const keyed = registrations
      .filter((r) => r.trigger.type === 'httpTrigger')
      .filter((r) => r.trigger.authLevel !== 'anonymous')
      .map((r) => `${r.name}: ${String(r.trigger.authLevel)}`);
    expect(keyed).toEqual([]);
  });

  it('when routes are compared, then no two HTTP functions answer the same method on the same route', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const r of registrations.filter((x) => x.trigger.type === 'httpTrigger')) {
      const { route = '', methods = [] } = httpTrigger(r);
      const shape = route.replace(/\{[^}]+\}/g, '{}').toLowerCase();
      for (const method of methods) {
        const key = `${method.toUpperCase()} ${shape}`;
        const other = seen.get(key);
        if (other) clashes.push(`${key}: ${other} and ${r.name}`);
        seen.set(key, r.name);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('when names and routes are checked against the host rules, then all are valid', () => {
    const invalid = registrations.flatMap((r) => {
      const problems: string[] = [];
      if (!/^[A-Za-z][A-Za-z0-9_-]{0,126}$/.test(r.name)) problems.push(`${r.name}: invalid function name`);
      const route = httpTrigger(r).route;
      if (r.trigger.type === 'httpTrigger' && (!route || route.startsWith('/')))
        problems.push(`${r.name}: route "${route}" must be relative to the host's root`);
      return problems;
    });
    expect(invalid).toEqual([]);
  });
});

describe('host.json', () => {
  const host = JSON.parse(readFileSync(path.join(ROOT, 'host.json'), 'utf8'));

  it('when the host reads host.json, then it is schema version 2.0 with no route prefix (routes name the whole path)', () => {
    expect(host.version).toBe('2.0');
    expect(host.extensions?.http?.routePrefix).toBe('');
  });

  it('when Durable Functions starts, then its task hub name comes from the TASK_HUB_NAME app setting', () => {
    expect(host.extensions?.durableTask?.hubName).toBe('%TASK_HUB_NAME%');
    const sample = JSON.parse(readFileSync(path.join(ROOT, 'local.settings.sample.json'), 'utf8'));
    expect(sample.Values.TASK_HUB_NAME).toMatch(/^[A-Za-z][A-Za-z0-9]{2,44}$/);
  });

  it('when the extension bundle is resolved, then its version range covers every 4.x and no 3.x', () => {
    expect(host.extensionBundle?.id).toBe('Microsoft.Azure.Functions.ExtensionBundle');
    const range = parseVersionRange(String(host.extensionBundle?.version));
    expect({ '4.0.0': range('4.0.0'), '4.999.0': range('4.999.0'), '3.99.0': range('3.99.0') }).toEqual({
      '4.0.0': true,
      '4.999.0': true,
      '3.99.0': false,
    });
  });
});

describe('the README walk-through', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  /** Every `METHOD /api/...` the README mentions: curl lines against $B, `GET /api/x` in prose, printed URLs. */
  function readmeRoutes(): { method: string; path: string }[] {
    const found: { method: string; path: string }[] = [];
    for (const line of readme.split('\n')) {
      const curlMethod = /-X\s?([A-Z]+)/.exec(line)?.[1] ?? 'GET';
      for (const m of line.matchAll(/\$B(\/api\/[^\s"'?]*)/g))
        found.push({ method: curlMethod, path: m[1]! });
      for (const m of line.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/api\/[^\s`?]*)`?/g))
        found.push({ method: m[1]!, path: m[2]! });
      for (const m of line.matchAll(/http:\/\/localhost:\d+(\/api\/[^\s`"'?]+)/g))
        found.push({ method: 'GET', path: m[1]! });
      // POST "$URL": the invitation link that step 1 printed, /api/consent/<token>.
      if (/curl[^\n]*-XPOST "?\$URL"?/.test(line))
        found.push({ method: 'POST', path: '/api/consent/{token}' });
    }
    return found.map(({ method, path: p }) => ({
      method,
      path: p.replace(/\$\w+/g, 'x').replace(/\/$/, ''),
    }));
  }

  it('when the README is read, then it uses routes at all (the extraction works)', () => {
    expect(readmeRoutes().length).toBeGreaterThanOrEqual(10);
  });

  it('when each route the README uses is looked up, then a registered function answers it', () => {
    const http = registrations.filter((r) => r.trigger.type === 'httpTrigger');
    const unanswered = readmeRoutes().filter(
      ({ method, path: p }) =>
        !http.some((r) => {
          const { route = '', methods = [] } = httpTrigger(r);
          return methods.includes(method) && routeMatches(route, p.replace(/^\//, ''));
        }),
    );
    expect(unanswered).toEqual([]);
  });
});

/** NuGet-style interval notation as extension bundles use it, e.g. `[4.*, 5.0.0)`. */
function parseVersionRange(spec: string): (version: string) => boolean {
  const m = /^([[(])\s*([^,\s]*)\s*,\s*([^\])\s]*)\s*([\])])$/.exec(spec);
  if (!m) throw new Error(`not a version range: ${spec}`);
  const [, open, low, high, close] = m;
  const parse = (v: string) => v.split('.').map((part) => (part === '*' ? 0 : Number(part)));
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i++) {
      const d = (a[i] ?? 0) - (b[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  };
  return (version) => {
    const v = parse(version);
    const aboveLow = !low || (open === '[' ? compare(v, parse(low)) >= 0 : compare(v, parse(low)) > 0);
    const belowHigh = !high || (close === ']' ? compare(v, parse(high)) <= 0 : compare(v, parse(high)) < 0);
    return aboveLow && belowHigh;
  };
}
