import * as df from 'durable-functions';
import type { LocalDurableRuntime } from '../../../infra/local/durable/localDurableRuntime';
import {
  SampleOrchestration,
  clientFor,
  eventually,
  finished,
  newTaskHub,
  startRuntime,
  statusOf,
} from './durableHarness';

jest.setTimeout(120_000);

describe('local durable runtime: timers, events, status, termination', () => {
  let taskHub: string;
  let runtime: LocalDurableRuntime;

  beforeEach(async () => {
    taskHub = newTaskHub();
    runtime = await startRuntime(taskHub);
  });
  afterEach(() => runtime.stop());

  it('when an orchestration waits on a short durable timer, then it resumes after the fire time', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.timer, { input: { delayMs: 200 } });
    const status = await statusOf(client, id, finished);
    expect(status.runtimeStatus).toBe('Completed');
    const output = status.output as { startedAt: number; resumedAt: number };
    expect(output.resumedAt - output.startedAt).toBeGreaterThanOrEqual(200);
  });

  it('when the runtime stops while a timer is pending, then a new runtime on the same tables fires it', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.timer, { input: { delayMs: 1500 } });
    await statusOf(
      client,
      id,
      (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Running,
      'the running status',
    );
    await runtime.stop();

    runtime = await startRuntime(taskHub);
    const status = await statusOf(clientFor(runtime), id, finished);
    expect(status.runtimeStatus).toBe('Completed');
    const output = status.output as { startedAt: number; resumedAt: number };
    expect(output.resumedAt - output.startedAt).toBeGreaterThanOrEqual(1500);
  });

  it('when an event is raised while the orchestration waits for it, then the orchestration receives its data', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.waitForEvent, { instanceId: `wait-${taskHub}` });
    const waiting = await statusOf(
      client,
      id,
      (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Running,
      'the waiting status',
    );
    expect(waiting.customStatus).toEqual({ stage: 'waiting for approval' });

    await client.raiseEvent(id, 'approval', { by: 'admin@tailspin.onmicrosoft.com' });
    const status = await statusOf(client, id, finished);
    expect(status.output).toEqual({ approval: { by: 'admin@tailspin.onmicrosoft.com' } });
    expect(status.customStatus).toEqual({ stage: 'approved' });
  });

  it('when an event is raised before the orchestration starts waiting, then it is kept and delivered', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.consentRace, { input: { deadlineMs: 60_000 } });
    // Raised at once: usually before the first episode has even run.
    await client.raiseEvent(id, 'consent', 'early');
    const status = await statusOf(client, id, finished);
    expect(status.output).toEqual({ outcome: 'consented', by: 'early' });
  });

  it('when consent is raised before the deadline, then Task.any resolves with the event and the timer is cancelled', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.consentRace, { input: { deadlineMs: 60_000 } });
    await statusOf(client, id, (s) => s.customStatus === 'awaiting_consent', 'awaiting consent');
    await client.raiseEvent(id, 'consent', { tenantId: 'tailspin' });
    const status = await statusOf(client, id, finished);
    expect(status.output).toEqual({ outcome: 'consented', by: { tenantId: 'tailspin' } });
    expect(status.customStatus).toBe('consented');
    const history = await client.getStatus(id, { showHistory: true });
    const types = (history.history ?? []).map((e) => (e as { EventType: string }).EventType);
    expect(types).toContain('TimerCreated');
    expect(types).not.toContain('TimerFired');
  });

  it('when no consent arrives before the deadline, then Task.any resolves with the timer', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.consentRace, { input: { deadlineMs: 300 } });
    const status = await statusOf(client, id, finished);
    expect(status.output).toEqual({ outcome: 'expired' });
    expect(status.customStatus).toBe('expired');
    // An event raised after the instance finished is refused as the extension does (410), which the client accepts.
    await expect(client.raiseEvent(id, 'consent', 'late')).resolves.toBeUndefined();
  });

  it('when an instance is terminated, then its status is Terminated with the reason as output', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.waitForEvent);
    await statusOf(
      client,
      id,
      (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Running,
      'the running status',
    );
    await client.terminate(id, 'consent revoked');
    const status = await statusOf(client, id, finished);
    expect(status.runtimeStatus).toBe('Terminated');
    expect(status.output).toBe('consent revoked');
  });

  it('when the status of an unknown instance is asked, then the client reports that nothing was found', async () => {
    const client = clientFor(runtime);
    await expect(client.getStatus('no-such-instance')).rejects.toThrow(/404/);
    await expect(client.raiseEvent('no-such-instance', 'x', 1)).rejects.toThrow(/No instance/);
  });

  it('when startNew reuses the id of a running instance, then it is refused; once it finished, it starts again', async () => {
    const client = clientFor(runtime);
    const instanceId = `reuse-${taskHub}`;
    await client.startNew(SampleOrchestration.waitForEvent, { instanceId });
    // As the extension: a 500 carrying DTFx's "An Orchestration instance with the status … already exists."
    await expect(client.startNew(SampleOrchestration.waitForEvent, { instanceId })).rejects.toThrow(
      /status code: 500.*An Orchestration instance with the status (Pending|Running) already exists\./,
    );
    await client.raiseEvent(instanceId, 'approval', 1);
    await statusOf(client, instanceId, finished);

    await client.startNew(SampleOrchestration.sequence, { instanceId, input: ['Paris'] });
    const status = await statusOf(
      client,
      instanceId,
      (s) => s.name === SampleOrchestration.sequence && finished(s),
    );
    expect(status.output).toEqual(['Hello Paris']);
  });

  it('when instances are listed and purged, then getStatusBy and purgeInstanceHistory see them', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.sequence, { input: ['Rome'] });
    await statusOf(client, id, finished);
    const completed = await client.getStatusBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Completed] });
    expect(completed.map((s) => s.instanceId)).toContain(id);
    const purged = await client.purgeInstanceHistory(id);
    expect(purged.instancesDeleted).toBe(1);
    await expect(client.getStatus(id)).rejects.toThrow(/404/);
  });

  it('when an orchestration continues as new, then each execution starts from a fresh history and the last one completes', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.countdown, { input: 3 });
    const status = await eventually(
      () => client.getStatus(id),
      (s) => finished(s),
      'the countdown to finish',
    );
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe('liftoff');
  });
});
