import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { planEpisode, selectBatch } from '../../../infra/local/durable/episodePlanner';
import {
  historyEvents,
  HistoryEventType,
  OrchestrationStatusCode,
  type HistoryEvent,
} from '../../../infra/local/durable/historyEvents';
import type { HistoryRecord } from '../../../infra/local/durable/historyRecord';
import type { InstanceRecord } from '../../../infra/local/durable/instanceStore';
import { newLiveInstance, type LiveInstance } from '../../../infra/local/durable/liveInstance';
import { messageIds, type EventMessage } from '../../../infra/local/durable/messageStore';
import type { OrchestratorHandler } from '../../../infra/local/durable/orchestrationReplay';
import { functionRegistry } from '../../../infra/local/functionsCore/registry';

/**
 * The episode planner on synthetic histories, the way durable-functions tests its executor
 * (test/testobjects/testhistories.ts): a history as the engine keeps it, the messages delivered, the
 * real library's orchestrator, and the plan read back: what is appended, created, removed.
 */
const EXECUTION = 'exec-1';
const T0 = new Date('2025-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const Name = {
  hello: 'plannerHello',
  retry: 'plannerRetry',
  race: 'plannerRace',
  longRace: 'plannerLongRace',
  activity: 'plannerActivity',
} as const;
/** Short limits as a test configures them: timers over 10 s are long, in 4-second sub-timers. */
const limits = { maximumShortTimerMs: 10_000, longRunningTimerIntervalMs: 4_000 };

df.app.activity(Name.activity, { handler: (input: unknown) => input });
df.app.orchestration(Name.hello, function* (context: OrchestrationContext) {
  const greeting = (yield context.df.callActivity(Name.activity, 'Tokyo')) as string;
  return `Hello ${greeting}`;
});
const retry = new df.RetryOptions(1000, 3);
df.app.orchestration(Name.retry, function* (context: OrchestrationContext) {
  return (yield context.df.callActivityWithRetry(Name.activity, retry, 'x')) as unknown;
});
df.app.orchestration(Name.race, function* (context: OrchestrationContext) {
  const event = context.df.waitForExternalEvent('go');
  const timer = context.df.createTimer(at(3600));
  const winner = (yield context.df.Task.any([event, timer])) as Task;
  if (winner === event) timer.cancel();
  return winner === event ? 'event' : 'timer';
});

df.app.orchestration(Name.longRace, function* (context: OrchestrationContext) {
  const event = context.df.waitForExternalEvent('go');
  const timer = context.df.createTimer(at(30));
  const winner = (yield context.df.Task.any([event, timer])) as Task;
  if (winner === event && context.df.getInput<{ cancel?: boolean }>()?.cancel) timer.cancel();
  if (winner === event) yield context.df.callActivity(Name.activity, 'after');
  return winner === event ? 'event' : 'timer';
});

function handlerOf(name: string): OrchestratorHandler {
  const registration = functionRegistry.get(name);
  if (!registration) throw new Error(`${name} is not registered`);
  return registration.handler;
}

function instance(name: string, history: HistoryRecord[] = [], input?: unknown): LiveInstance {
  const record: InstanceRecord = {
    instanceId: `planner-${name}`,
    name,
    executionId: EXECUTION,
    ...(input === undefined ? {} : { input: JSON.stringify(input) }),
    runtimeStatus: history.length === 0 ? 'Pending' : 'Running',
    createdTime: T0.toISOString(),
    lastUpdatedTime: T0.toISOString(),
  };
  return newLiveInstance(record, history);
}

function deliver(live: LiveInstance, id: string, event: HistoryEvent, visibleAt = T0): EventMessage {
  const message: EventMessage = {
    kind: 'event',
    instanceId: live.record.instanceId,
    id,
    executionId: EXECUTION,
    visibleAt: visibleAt.getTime(),
    enqueuedAt: visibleAt.getTime(),
    event,
  };
  live.pending.set(id, message);
  return message;
}

/** Runs one episode at `now` over the due messages, as the runtime does. */
async function episode(live: LiveInstance, now: Date, outstandingActivityIds: string[] = []) {
  const batch = selectBatch(live, now.getTime());
  return planEpisode({
    live,
    batch,
    handler: handlerOf(live.record.name),
    context: new InvocationContext({ functionName: live.record.name }),
    now,
    outstandingActivityIds,
    limits,
  });
}

const types = (records: readonly HistoryRecord[]) => records.map((r) => r.event.EventType);
const E = HistoryEventType;

/** The first episode of `name`, committed: the history the next test step starts from. */
function startedHistory(
  name: string,
  scheduled: (HistoryEvent | HistoryRecord)[],
  input?: unknown,
): HistoryRecord[] {
  return [
    { event: historyEvents.orchestratorStarted(T0) },
    {
      event: historyEvents.executionStarted(
        T0,
        name,
        input === undefined ? undefined : JSON.stringify(input),
      ),
      messageId: messageIds.start(EXECUTION),
    },
    ...scheduled.map((item) => ('event' in item ? item : { event: item })),
    { event: historyEvents.orchestratorCompleted(T0) },
  ];
}

describe('episode planner on synthetic histories', () => {
  it('when a new instance gets its start message, then the episode records the start and schedules the first activity as sequence number 0', async () => {
    const live = instance(Name.hello);
    deliver(live, messageIds.start(EXECUTION), historyEvents.executionStarted(T0, Name.hello, undefined));

    const plan = await episode(live, T0);

    expect(types(plan.appended)).toEqual([
      E.OrchestratorStarted,
      E.ExecutionStarted,
      E.TaskScheduled,
      E.OrchestratorCompleted,
    ]);
    expect(plan.appended[2]?.event).toMatchObject({ EventId: 0, Name: Name.activity, Input: '"Tokyo"' });
    expect(plan.created).toEqual([
      expect.objectContaining({
        kind: 'activity',
        id: messageIds.activity(EXECUTION, 0),
        name: Name.activity,
      }),
    ]);
    expect(plan.record.runtimeStatus).toBe('Running');
    expect(plan.removed).toEqual([messageIds.start(EXECUTION)]);
  });

  it('when the scheduled activity completes, then the execution completes with the output and ExecutionCompleted before OrchestratorCompleted', async () => {
    const live = instance(
      Name.hello,
      startedHistory(Name.hello, [historyEvents.taskScheduled(T0, 0, Name.activity, '"Tokyo"')]),
    );
    const result = messageIds.result(EXECUTION, 0);
    deliver(live, result, historyEvents.taskCompleted(at(1), 0, '"Tokyo"'), at(1));

    const plan = await episode(live, at(1));

    expect(types(plan.appended)).toEqual([
      E.OrchestratorStarted,
      E.TaskCompleted,
      E.ExecutionCompleted,
      E.OrchestratorCompleted,
    ]);
    expect(plan.appended[2]?.event).toMatchObject({
      OrchestrationStatus: OrchestrationStatusCode.Completed,
      Result: '"Hello Tokyo"',
    });
    expect(plan.record).toMatchObject({ runtimeStatus: 'Completed', output: '"Hello Tokyo"' });
    expect(plan.created).toEqual([]);
    expect(plan.removed).toEqual([result]);
  });

  it('when the history holds a call the code no longer makes at that position, then the execution fails as non-deterministic', async () => {
    const live = instance(
      Name.hello,
      startedHistory(Name.hello, [historyEvents.taskScheduled(T0, 0, 'someOtherActivity', undefined)]),
    );
    deliver(live, messageIds.result(EXECUTION, 0), historyEvents.taskCompleted(at(1), 0, '"x"'), at(1));

    const plan = await episode(live, at(1));

    expect(plan.record.runtimeStatus).toBe('Failed');
    expect(plan.record.output).toMatch(/Non-deterministic orchestration .*someOtherActivity/);
  });

  it('when an attempt of a call with retry fails, then the episode ends with the retry timer the library will wait for, at the first retry interval', async () => {
    const rebuilt = instance(
      Name.retry,
      startedHistory(Name.retry, [
        {
          event: historyEvents.taskScheduled(T0, 0, Name.activity, '"x"'),
          meta: {
            attempt: {
              root: 0,
              attempt: 1,
              policy: { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 3 },
              firstAttemptAt: T0.toISOString(),
            },
          },
        },
      ]),
    );
    const failure = { ErrorType: 'Error', ErrorMessage: 'boom' };
    deliver(rebuilt, messageIds.result(EXECUTION, 0), historyEvents.taskFailed(at(2), 0, failure), at(2));

    const plan = await episode(rebuilt, at(2));

    const timer = plan.appended.find((r) => r.event.EventType === E.TimerCreated);
    expect(timer?.event).toMatchObject({ EventId: 1, FireAt: at(3).toISOString() });
    expect(timer?.meta?.retryTimer).toEqual({ root: 0, afterAttempt: 1, expired: false });
    expect(plan.created).toEqual([
      expect.objectContaining({ id: messageIds.timer(EXECUTION, 1), visibleAt: at(3).getTime() }),
    ]);
    expect(plan.record.runtimeStatus).toBe('Running');
  });

  it('when the event wins a race against a short timer it cancels, then the timer message is removed and nothing new is scheduled', async () => {
    const live = instance(
      Name.race,
      startedHistory(Name.race, [historyEvents.timerCreated(T0, 0, at(3600))]),
    );
    deliver(
      live,
      messageIds.timer(EXECUTION, 0),
      historyEvents.timerFired(at(3600), 0, at(3600).toISOString()),
      at(3600),
    );
    deliver(live, 'evt-go', historyEvents.eventRaised(at(5), 'go', '"now"'), at(5));

    const plan = await episode(live, at(5));

    expect(types(plan.appended)).toEqual([
      E.OrchestratorStarted,
      E.EventRaised,
      E.ExecutionCompleted,
      E.OrchestratorCompleted,
    ]);
    expect(plan.record.output).toBe('"event"');
    expect(plan.removed).toEqual(expect.arrayContaining(['evt-go', messageIds.timer(EXECUTION, 0)]));
  });

  it('when a terminate message is due with other events, then only the termination is recorded and every other message of the instance is removed', async () => {
    const live = instance(
      Name.hello,
      startedHistory(Name.hello, [historyEvents.taskScheduled(T0, 0, Name.activity, '"Tokyo"')]),
    );
    deliver(live, 'evt-other', historyEvents.eventRaised(at(1), 'other', undefined), at(1));
    deliver(live, 'term-1', historyEvents.executionTerminated(at(2), 'stop it'), at(2));

    const plan = await episode(live, at(2), [messageIds.activity(EXECUTION, 0)]);

    expect(types(plan.appended)).toEqual([
      E.OrchestratorStarted,
      E.ExecutionTerminated,
      E.ExecutionCompleted,
      E.OrchestratorCompleted,
    ]);
    expect(plan.record).toMatchObject({ runtimeStatus: 'Terminated', output: '"stop it"' });
    expect(plan.removed).toEqual(
      expect.arrayContaining(['term-1', 'evt-other', messageIds.activity(EXECUTION, 0)]),
    );
  });

  it('when the same result message was already recorded, then the next batch does not take it again', () => {
    const history = startedHistory(Name.hello, [
      historyEvents.taskScheduled(T0, 0, Name.activity, '"Tokyo"'),
    ]);
    const result = messageIds.result(EXECUTION, 0);
    history.push({ event: historyEvents.taskCompleted(at(1), 0, '"Tokyo"'), messageId: result });
    const live = instance(Name.hello, history);
    deliver(live, result, historyEvents.taskCompleted(at(1), 0, '"Tokyo"'), at(1));

    expect(selectBatch(live, at(2).getTime())).toEqual([]);
  });

  it('when the code asks for a timer further away than the short-timer limit, then the first sub-timer is written at now + the interval, tagged with the final time (replay schema V3 and later)', async () => {
    const live = instance(Name.longRace);
    deliver(live, messageIds.start(EXECUTION), historyEvents.executionStarted(T0, Name.longRace, undefined));

    const plan = await episode(live, T0);

    const created = plan.appended.find((r) => r.event.EventType === E.TimerCreated);
    expect(created?.event).toMatchObject({ EventId: 0, FireAt: at(4).toISOString() });
    expect(created?.meta?.longTimer).toEqual({ root: 0, fireAt: at(30).toISOString() });
    expect(plan.created).toEqual([
      expect.objectContaining({ id: messageIds.timer(EXECUTION, 0), visibleAt: at(4).getTime() }),
    ]);
  });

  it('when a sub-timer fires short of the final time, then the next sub-timer takes the next number, and the last one fires at the final time', async () => {
    const longTimer = { root: 0, fireAt: at(30).toISOString() };
    const live = instance(
      Name.longRace,
      startedHistory(Name.longRace, [
        { event: historyEvents.timerCreated(T0, 0, at(4)), meta: { longTimer } },
      ]),
    );
    deliver(
      live,
      messageIds.timer(EXECUTION, 0),
      historyEvents.timerFired(at(4), 0, at(4).toISOString()),
      at(4),
    );

    const plan = await episode(live, at(4));
    expect(plan.appended.find((r) => r.event.EventType === E.TimerCreated)).toEqual({
      event: expect.objectContaining({ EventId: 1, FireAt: at(8).toISOString() }),
      meta: { longTimer },
    });

    // The chain as the extension writes it: sub-timer n created at 4n, firing at 4(n+1), one episode each.
    const chain: HistoryRecord[] = startedHistory(Name.longRace, [
      { event: historyEvents.timerCreated(T0, 0, at(4)), meta: { longTimer } },
    ]);
    for (let n = 1; n <= 6; n++) {
      chain.push(
        { event: historyEvents.orchestratorStarted(at(4 * n)) },
        {
          event: historyEvents.timerFired(at(4 * n), n - 1, at(4 * n).toISOString()),
          messageId: messageIds.timer(EXECUTION, n - 1),
        },
        { event: historyEvents.timerCreated(at(4 * n), n, at(4 * (n + 1))), meta: { longTimer } },
        { event: historyEvents.orchestratorCompleted(at(4 * n)) },
      );
    }
    const late = instance(Name.longRace, chain);
    deliver(
      late,
      messageIds.timer(EXECUTION, 6),
      historyEvents.timerFired(at(28), 6, at(28).toISOString()),
      at(28),
    );
    const last = await episode(late, at(28));
    expect(last.appended.find((r) => r.event.EventType === E.TimerCreated)?.event).toMatchObject({
      EventId: 7,
      FireAt: at(30).toISOString(),
    });
  });

  it("when the code canceled a long timer, then its sub-timer message is kept (it fires in Azure too) and no further sub-timer is written, as the extension's loop stops", async () => {
    const longTimer = { root: 0, fireAt: at(30).toISOString() };
    const live = instance(
      Name.longRace,
      startedHistory(
        Name.longRace,
        [{ event: historyEvents.timerCreated(T0, 0, at(4)), meta: { longTimer } }],
        { cancel: true },
      ),
      { cancel: true },
    );
    deliver(live, 'evt-go', historyEvents.eventRaised(at(2), 'go', undefined), at(2));

    const plan = await episode(live, at(2));
    expect(plan.removed).not.toContain(messageIds.timer(EXECUTION, 0));
    expect(plan.appended.find((r) => r.event.EventType === E.TaskScheduled)?.event).toMatchObject({
      EventId: 1,
    });

    for (const record of plan.appended) live.history.push(record);
    const after = instance(Name.longRace, live.history, { cancel: true });
    deliver(
      after,
      messageIds.timer(EXECUTION, 0),
      historyEvents.timerFired(at(4), 0, at(4).toISOString()),
      at(4),
    );
    const fired = await episode(after, at(4));
    expect(fired.appended.filter((r) => r.event.EventType === E.TimerCreated)).toEqual([]);
  });
});
