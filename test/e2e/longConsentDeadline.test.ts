import { CONSENT_GIVEN_EVENT } from '../../shared/adapters/durable/batchOrchestrationContract';
import { batchInstanceId } from '../../shared/domain/batches/deviceBatch';
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
 * shortened: timers over 2 s are long, in 50 ms sub-timers (Azure Storage: 6 days and 3 days, so the
 * 14-day deadline). A 20-second deadline is then a chain of sub-timers that keep firing while the
 * batch runs: consent always lands just before one fires, and a chunk is still running when it does.
 * The instance's history, read through the durable runtime's status API (showHistory, as the extension
 * serves it), shows that the settings took effect: without them the deadline is one 20-second timer that
 * never fires before the batch is done.
 */
/** Short beside the batch's own work after consent (some 200 ms here), so several sub-timers fire during it. */
const SUB_TIMER_MS = 50;

interface ShownEvent {
  readonly EventType: string;
  readonly Timestamp: string;
  readonly FireAt?: string;
  readonly Name?: string;
}

/** The host's durable status API, printed at start-up beside the other URLs. */
function durableApiOf(output: string): string {
  const url = /durable API:\s+(\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`the local host printed no durable API URL:\n${output}`);
  return url;
}
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
      DURABLE_LONG_RUNNING_TIMER_INTERVAL: '00:00:00.0500000',
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

    const instanceId = batchInstanceId({ tenantId: tenant.tenantId, partnerId: CONTOSO, batchId });
    const response = await fetch(
      `${durableApiOf(host.output())}instances/${encodeURIComponent(instanceId)}?showHistory=true`,
    );
    expect([200, 202]).toContain(response.status);
    const history = ((await response.json()) as { history?: ShownEvent[] }).history ?? [];
    // The deadline was written as a chain of sub-timers of at most 50 ms each, not as one 20 s timer.
    const subTimers = history.filter(
      (e) =>
        e.EventType === 'TimerCreated' &&
        Date.parse(e.FireAt ?? '') - Date.parse(e.Timestamp) <= SUB_TIMER_MS,
    );
    expect(subTimers.length).toBeGreaterThan(1);
    expect(history.filter((e) => e.EventType === 'TimerCreated' && !subTimers.includes(e))).toEqual([]);
    // And the chain kept firing after consent came, while (or after) the chunks ran.
    const consentAt = history.findIndex(
      (e) => e.EventType === 'EventRaised' && e.Name === CONSENT_GIVEN_EVENT,
    );
    expect(consentAt).toBeGreaterThan(-1);
    expect(history.slice(consentAt + 1).some((e) => e.EventType === 'TimerFired')).toBe(true);
  });
});
