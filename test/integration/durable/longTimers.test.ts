import type { LocalDurableRuntime } from '../../../infra/local/durable/localDurableRuntime';
import {
  SampleOrchestration,
  clientFor,
  finished,
  newTaskHub,
  startRuntime,
  statusOf,
} from './durableHarness';

jest.setTimeout(120_000);

/**
 * Long timers under replay schema V3, with the extension's limits shortened (Azure Storage: 6 days and
 * 3 days) so that a "long" timer takes seconds: timers further away than 1 s are written as 300 ms
 * sub-timers, the next one each time one fires, as the extension's CreateTimer loop does.
 */
describe('local durable runtime: long timers (replay schema V3)', () => {
  let runtime: LocalDurableRuntime;

  beforeEach(async () => {
    runtime = await startRuntime(newTaskHub(), {
      timerLimits: { maximumShortTimerMs: 1_000, longRunningTimerIntervalMs: 300 },
    });
  });
  afterEach(() => runtime.stop());

  it('when an orchestration waits on a timer longer than the short-timer limit, then it resumes after the final time, through one TimerCreated per sub-timer', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.timer, { input: { delayMs: 1_500 } });
    const status = await statusOf(client, id, finished);
    expect(status.runtimeStatus).toBe('Completed');
    const output = status.output as { startedAt: number; resumedAt: number };
    expect(output.resumedAt - output.startedAt).toBeGreaterThanOrEqual(1_500);

    const history = (await client.getStatus(id, { showHistory: true })).history ?? [];
    const created = history.filter((e) => (e as { EventType: string }).EventType === 'TimerCreated') as {
      Timestamp: string;
      FireAt: string;
    }[];
    const fired = history.filter((e) => (e as { EventType: string }).EventType === 'TimerFired');
    // Sub-timers of at most 300 ms from the episode that wrote each, every one fired, the last at the final time.
    expect(created.length).toBeGreaterThan(1);
    for (const timer of created)
      expect(Date.parse(timer.FireAt) - Date.parse(timer.Timestamp)).toBeLessThanOrEqual(300);
    expect(fired).toHaveLength(created.length);
    expect(created.at(-1)?.FireAt).toBe(new Date(output.startedAt + 1_500).toISOString());
  });

  it('when consent wins over a long deadline, then the orchestration completes and the deadline no longer holds it', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.consentRace, { input: { deadlineMs: 5_000 } });
    await statusOf(client, id, (s) => s.customStatus === 'awaiting_consent', 'awaiting consent');
    await client.raiseEvent(id, 'consent', { tenantId: 'tailspin' });
    const status = await statusOf(client, id, finished);
    expect(status.output).toEqual({ outcome: 'consented', by: { tenantId: 'tailspin' } });
  });
});
