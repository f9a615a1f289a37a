import type { LocalDurableRuntime } from '../../../infra/local/durable/localDurableRuntime';
import { sampleProbe } from '../../support/durableSamples/sampleProbe';
import { HttpRequest } from '@azure/functions';
import { createInvocationContext } from '../../../infra/local/httpHost';
import {
  SampleOrchestration,
  clientFor,
  finished,
  newTaskHub,
  startRuntime,
  starterRegistration,
  statusOf,
} from './durableHarness';

jest.setTimeout(120_000);

describe('local durable runtime: activities', () => {
  let runtime: LocalDurableRuntime;

  beforeEach(async () => {
    sampleProbe.reset();
    runtime = await startRuntime(newTaskHub(), { maxConcurrentActivities: 4 });
  });
  afterEach(() => runtime.stop());

  it('when an orchestration calls activities in sequence, then it completes with their results in order', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.sequence, { input: ['Tokyo', 'Seattle', 'London'] });
    const status = await statusOf(client, id, finished);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello London']);
    expect(status.input).toEqual(['Tokyo', 'Seattle', 'London']);
    expect(status.name).toBe(SampleOrchestration.sequence);
  });

  it('when an orchestration fans out 300 activities with Task.all, then all results arrive and at most the configured number ran at once', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.fanOut, { input: { count: 300 } });
    const status = await statusOf(client, id, finished);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ count: 300, sum: 299 * 300 });
    expect(sampleProbe.maxRunning).toBeLessThanOrEqual(4);
    expect(sampleProbe.maxRunning).toBeGreaterThan(1);
  });

  it('when an activity fails twice and the retry policy allows three attempts, then the third attempt succeeds', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.retry, {
      input: { key: 'two-failures', failures: 2, maxAttempts: 3 },
    });
    const status = await statusOf(client, id, finished);
    expect(status.output).toEqual({ ok: 'succeeded on attempt 3' });
    expect(sampleProbe.attempts.get('two-failures')).toBe(3);
  });

  it('when an activity keeps failing, then it is tried max-attempts times and the orchestrator catches the last error', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.retry, {
      input: { key: 'always-fails', failures: 99, maxAttempts: 3 },
    });
    const status = await statusOf(client, id, finished);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({
      gaveUp: expect.stringContaining('attempt 3 of always-fails failed on purpose'),
    });
    expect(sampleProbe.attempts.get('always-fails')).toBe(3);

    const withHistory = await client.getStatus(id, { showHistory: true });
    const types = (withHistory.history ?? []).map((e) => (e as { EventType: string }).EventType);
    expect(types.filter((t) => t === 'TaskScheduled')).toHaveLength(3);
    expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(3);
    expect(types.filter((t) => t === 'TimerFired')).toHaveLength(3);
  });

  it('when an HTTP function starts an orchestration through df.getClient, then the client it got talks to this runtime', async () => {
    const registration = starterRegistration();
    const context = createInvocationContext(
      registration,
      new Map([['durableClient', runtime.clientInputProvider]]),
    );
    const request = new HttpRequest({
      method: 'POST',
      url: 'http://localhost:7071/api/samples/x',
      params: { name: SampleOrchestration.sequence },
      body: { string: JSON.stringify(['Oslo']) },
    });
    const response = (await registration.handler(request, context)) as {
      status: number;
      jsonBody: { id: string };
    };
    expect(response.status).toBe(202);
    const status = await statusOf(clientFor(runtime), response.jsonBody.id, finished);
    expect(status.output).toEqual(['Hello Oslo']);
  });
});
