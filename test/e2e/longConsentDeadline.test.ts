import { ApiClient } from '../support/apiClient';
import {
  giveConsent,
  isFinal,
  listAllDevices,
  newBatchId,
  pkidDevices,
  submitAccepted,
  waitForBatch,
} from '../support/batchHelpers';
import type { LocalHostProcess } from '../support/localHostProcess';
import { startLocalHostProcess } from '../support/localHostProcess';

/**
 * The consent deadline as a long timer, through the local host with the extension's timer limits
 * shortened: timers over 2 s are long, in 300 ms sub-timers (Azure Storage: 6 days and 3 days, so the
 * 14-day deadline). A 20-second deadline is then a chain of sub-timers that keep firing while the
 * batch runs: consent always lands just before one fires, and a chunk is still running when it does.
 */
const CONTOSO = 'contoso-direct';
jest.setTimeout(180_000);

let host: LocalHostProcess;
let api: ApiClient;
let token: string;

beforeAll(async () => {
  host = await startLocalHostProcess({
    env: {
      CONSENT_DEADLINE: 'PT20S',
      DURABLE_MAXIMUM_SHORT_TIMER_DURATION: '00:00:02',
      DURABLE_LONG_RUNNING_TIMER_INTERVAL: '00:00:00.3000000',
    },
  });
  api = new ApiClient(host.baseUrl);
  token = await api.partnerToken(CONTOSO);
}, 120_000);

afterAll(async () => {
  await host?.stop();
});

describe('a batch waiting on a long consent deadline', () => {
  it("when consent comes while the deadline's sub-timers keep firing, then the batch finishes with every device registered", async () => {
    const tenant = await api.newTenant();
    const devices = pkidDevices(40);
    const batchId = newBatchId('long-deadline');
    await submitAccepted(api, token, tenant.tenantId, { batchId, devices });
    await waitForBatch(api, token, tenant.tenantId, batchId, (b) => b.status === 'awaiting_consent', 30_000);

    await giveConsent(api, token, tenant.admin);
    const done = await waitForBatch(api, token, tenant.tenantId, batchId, isFinal, 60_000);

    expect(done).toMatchObject({ status: 'finished', total: 40, registered: 40, failed: 0, progress: 100 });
    const { items } = await listAllDevices(api, token, tenant.tenantId, batchId);
    expect(items.map((d) => d.status)).toEqual(devices.map(() => 'registered'));
  });
});
