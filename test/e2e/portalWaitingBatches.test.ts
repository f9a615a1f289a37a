import { ApiClient } from '../support/apiClient';
import { submitAccepted, waitForBatch } from '../support/batchHelpers';
import { startLocalHostProcess } from '../support/localHostProcess';
import type { LocalHostProcess } from '../support/localHostProcess';
import { portalSignIn } from '../support/portalSession';

/**
 * A batch sent through the API before the customer consented has no customer page in the portal (the
 * tenant is no customer yet); the customers page lists it among the batches waiting for a customer.
 */
jest.setTimeout(60_000);

let host: LocalHostProcess;
let api: ApiClient;

beforeAll(async () => {
  host = await startLocalHostProcess();
  api = new ApiClient(host.baseUrl);
}, 90_000);

afterAll(async () => {
  await host?.stop();
});

async function customersPage(upn: string): Promise<string> {
  const { cookie } = await portalSignIn(api, upn, '/api/portal/customers');
  const res = await api.request('GET', '/api/portal/customers', { headers: { cookie } });
  expect(res.status).toBe(200);
  return res.text;
}

describe('portal: batches for tenants that are not customers yet', () => {
  it('when a partner sends a batch before consent, then its customers page lists it as waiting, and another partner does not see it', async () => {
    const tenant = await api.newTenant();
    const batchId = `waiting-${Date.now()}`;
    const token = await api.partnerToken('contoso-direct');
    await submitAccepted(api, token, tenant.tenantId, {
      batchId,
      devices: [{ productKey: String(7_000_000_000_000 + (Date.now() % 1_000_000_000)) }],
    });
    // Queued at first: the orchestration records that it waits a moment later.
    await waitForBatch(api, token, tenant.tenantId, batchId, (b) => b.status === 'awaiting_consent', 30_000);

    const ours = await customersPage('agent@contoso-direct.example');
    const waiting = ours.slice(ours.indexOf("id='waiting'"));
    expect(ours).toContain("id='waiting'");
    expect(waiting).toContain(batchId);
    expect(waiting).toContain(tenant.tenantId);
    expect(waiting).toContain('Waiting for the customer’s consent');

    const theirs = await customersPage('agent@adatum-oem.example');
    expect(theirs).not.toContain(batchId);
  });
});
