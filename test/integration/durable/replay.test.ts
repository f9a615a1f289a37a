import * as df from 'durable-functions';
import { InvocationContext } from '@azure/functions';
import { functionRegistry } from '../../../infra/local/functionsCore/registry';
import { HistoryEventType } from '../../../infra/local/durable/historyEvents';
import { HistoryStore } from '../../../infra/local/durable/historyStore';
import { InstanceStore } from '../../../infra/local/durable/instanceStore';
import type { LocalDurableRuntime } from '../../../infra/local/durable/localDurableRuntime';
import {
  replayOrchestrator,
  triggerPayload,
  type OrchestratorHandler,
} from '../../../infra/local/durable/orchestrationReplay';
import { sampleProbe } from '../../support/durableSamples/sampleProbe';
import {
  SampleActivity,
  SampleOrchestration,
  clientFor,
  eventually,
  finished,
  newTaskHub,
  startRuntime,
  statusOf,
  tableFactory,
} from './durableHarness';

jest.setTimeout(180_000);

const Running = df.OrchestrationRuntimeStatus.Running;

async function committedHistory(taskHub: string, instanceId: string) {
  const tables = tableFactory();
  const instance = await new InstanceStore(tables, `${taskHub}Instances`).get(instanceId);
  if (!instance) throw new Error(`instance ${instanceId} not found`);
  return (await new HistoryStore(tables, `${taskHub}History`).load(instanceId, instance.record.executionId))
    .records;
}

function orchestratorHandler(name: string): OrchestratorHandler {
  const registration = functionRegistry.get(name);
  if (!registration) throw new Error(`${name} is not registered`);
  return registration.handler;
}

describe('local durable runtime: replay', () => {
  let taskHub: string;
  const runtimes: LocalDurableRuntime[] = [];

  beforeEach(() => {
    sampleProbe.reset();
    taskHub = newTaskHub();
  });
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.stop()));
  });

  async function start(options: Parameters<typeof startRuntime>[1] = {}) {
    const runtime = await startRuntime(taskHub, options);
    runtimes.push(runtime);
    return runtime;
  }

  it('when the runtime writes history, then its event type numbers are the ones the library replays', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const library = require('durable-functions/lib/src/history/HistoryEventType') as {
      HistoryEventType: Record<string, number>;
    };
    for (const [name, value] of Object.entries(HistoryEventType))
      expect(library.HistoryEventType[name]).toBe(value);
  });

  it('when the same history is replayed twice, then the library returns the same actions, and they are the ones the runtime recorded', async () => {
    const runtime = await start();
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.fanOut, { input: { count: 5 } });
    await statusOf(client, id, finished);
    const records = await committedHistory(taskHub, id);
    const events = records.map((r) => r.event);
    const input = { count: 5 };
    const handler = orchestratorHandler(SampleOrchestration.fanOut);

    const replay = () =>
      replayOrchestrator(
        handler,
        triggerPayload(id, events, events.length, input),
        new InvocationContext({ functionName: SampleOrchestration.fanOut }),
      );
    const first = await replay();
    const second = await replay();
    expect(second).toEqual(first);
    expect(first.status).toBe('completed');

    const recorded = events.filter((e) => e.EventType === HistoryEventType.TaskScheduled);
    expect(first.actions).toEqual(
      recorded.map((e) => ({
        kind: 'activity',
        name: 'Name' in e ? e.Name : '',
        input: 'Input' in e ? e.Input : undefined,
      })),
    );
    expect(recorded).toHaveLength(5);
  });

  it('when an orchestration is replayed by changed code that calls a different activity, then the instance fails with a message naming both', async () => {
    const first = await start();
    const id = await clientFor(first).startNew(SampleOrchestration.evolving);
    await eventually(
      () => committedHistory(taskHub, id),
      (records) => records.some((r) => r.event.EventType === HistoryEventType.TaskCompleted),
      'step A to complete',
    );
    await first.stop();

    // The next deployment registers changed code under the same orchestration name.
    const changed = functionRegistry.get(SampleOrchestration.evolvingChanged);
    if (!changed) throw new Error('missing registration');
    const registrations = functionRegistry
      .all()
      .map((r) =>
        r.name === SampleOrchestration.evolving ? { ...changed, name: SampleOrchestration.evolving } : r,
      );
    const second = await start({ registrations });
    const client = clientFor(second);
    await client.raiseEvent(id, 'go', true);
    const status = await statusOf(client, id, finished);
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toEqual(
      expect.stringContaining('Non-deterministic orchestration "sampleEvolving"'),
    );
    expect(status.output).toEqual(expect.stringContaining(`activity "${SampleActivity.stepA}"`));
    expect(status.output).toEqual(expect.stringContaining(`activity "${SampleActivity.stepB}"`));
  });

  it('when the runtime stops in the middle of a fan-out, then a new runtime finishes it, every item is written, and recorded results are not re-run', async () => {
    const tables = tableFactory();
    const table = await tables.table(`w${taskHub}`);
    sampleProbe.sideEffects = { table, runId: 'run1' };
    sampleProbe.writeDelayMs = 20;
    const count = 200;
    const countRows = async () => {
      let rows = 0;
      for await (const _ of table.listEntities({ queryOptions: { filter: `PartitionKey eq 'run1'` } }))
        rows++;
      return rows;
    };

    const first = await start({ maxConcurrentActivities: 8 });
    const id = await clientFor(first).startNew(SampleOrchestration.writeAll, { input: { count } });
    await eventually(countRows, (rows) => rows >= 40, 'some items to be written');
    await first.stop();

    const before = await committedHistory(taskHub, id);
    const scheduled = new Map<number, number>();
    for (const { event } of before) {
      if (event.EventType === HistoryEventType.TaskScheduled)
        scheduled.set(event.EventId, Number(event.Input));
    }
    const doneBeforeRestart = before.flatMap(({ event }) =>
      event.EventType === HistoryEventType.TaskCompleted ? [scheduled.get(event.TaskScheduledId) ?? -1] : [],
    );
    expect(doneBeforeRestart.length).toBeGreaterThan(0);
    expect(doneBeforeRestart.length).toBeLessThan(count);
    const attemptsBefore = new Map(sampleProbe.attempts);

    const second = await start({ maxConcurrentActivities: 8 });
    const status = await statusOf(clientFor(second), id, finished);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ written: count });
    expect(await countRows()).toBe(count);
    for (let item = 0; item < count; item++)
      expect(sampleProbe.attempts.get(`write-${item}`)).toBeGreaterThanOrEqual(1);
    for (const item of doneBeforeRestart) {
      expect(sampleProbe.attempts.get(`write-${item}`)).toBe(attemptsBefore.get(`write-${item}`));
    }
    await second.idle();
  });

  it('when the durable HTTP API gets bad input, then it answers 400 with a reason', async () => {
    const runtime = await start();
    const base = runtime.rpcBaseUrl;
    const badId = await fetch(`${base}instances/${encodeURIComponent('bad?id')}`);
    expect(badId.status).toBe(400);
    const badBody = await fetch(`${base}orchestrators/${SampleOrchestration.sequence}`, {
      method: 'POST',
      body: '{not json',
    });
    expect(badBody.status).toBe(400);
    expect(((await badBody.json()) as { Message: string }).Message).toBe('Invalid JSON content');
    const badStatus = await fetch(`${base}instances/?runtimeStatus=Sleeping`);
    expect(badStatus.status).toBe(400);
    const badFlag = await fetch(`${base}instances/x?showHistory=yes`);
    expect(badFlag.status).toBe(400);
    const unknown = await fetch(`${base}orchestrators/noSuchOrchestrator`, { method: 'POST', body: '' });
    expect(unknown.status).toBe(400);
  });

  it('when an instance is running, then getStatus answers 202 and the status carries input and custom status', async () => {
    const runtime = await start();
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.waitForEvent, { input: { batchId: 'b1' } });
    const status = await statusOf(client, id, (s) => s.runtimeStatus === Running, 'the running status');
    expect(status.input).toEqual({ batchId: 'b1' });
    const raw = await fetch(`${runtime.rpcBaseUrl}instances/${id}`);
    expect(raw.status).toBe(202);
    expect(await raw.json()).toMatchObject({
      instanceId: id,
      runtimeStatus: 'Running',
      customStatus: { stage: 'waiting for approval' },
    });
  });
});
