import { randomUUID } from 'node:crypto';
import type { InvocationContext } from '@azure/functions';
import {
  historyEvents,
  HistoryEventType,
  isType,
  OrchestrationStatusCode,
  type FailureDetailsPayload,
  type HistoryEvent,
} from './historyEvents';
import type { HistoryRecord } from './historyRecord';
import type { InstanceRecord, RuntimeStatus } from './instanceStore';
import type { LiveInstance } from './liveInstance';
import { messageIds, type ActivityMessage, type EventMessage, type Message } from './messageStore';
import { firstSubTimer, nextSubTimer } from './longTimers';
import {
  AZURE_STORAGE_TIMER_LIMITS,
  replayOrchestrator,
  triggerPayload,
  type OrchestratorHandler,
  type ReplayOutcome,
  type ScheduledAction,
  type TimerLimits,
} from './orchestrationReplay';
import { nextRetryDelay } from './retryPolicy';
import type { ScheduleIndex } from './scheduleIndex';

/**
 * One orchestration episode, decided in memory: which delivered messages it consumes, which history
 * it appends, which work it creates. Committing the plan (storage) is the runtime's job, so that
 * this stays a pure function of history + messages + the orchestrator's answer.
 */
export interface EpisodePlan {
  readonly record: InstanceRecord;
  readonly appended: HistoryRecord[];
  readonly consumed: EventMessage[];
  /** Activity and timer messages to create. */
  readonly created: Message[];
  /** Message ids to delete: consumed ones, cancelled timers, and everything left once finished. */
  readonly removed: string[];
  readonly canceledTimerIds: string[];
  /** Set when the orchestrator continued as new: the history to start from is empty. */
  readonly newExecution?: { readonly executionId: string };
}

/** Cap on events per episode; the rest wait for the next one. */
const MAX_BATCH = 1000;
/** Azure Table string properties hold 32K UTF-16 characters. */
export const MAX_JSON_CHARS = 30_000;

/** The messages the next episode takes: due ones of this execution, start first, in arrival order. */
export function selectBatch(live: LiveInstance, now: number): EventMessage[] {
  const due = [...live.pending.values()]
    .filter((m) => m.visibleAt <= now && !live.consumed.has(m.id))
    .filter((m) => m.executionId === undefined || m.executionId === live.record.executionId)
    .sort(
      (a, b) => rank(a) - rank(b) || a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  const batch: EventMessage[] = [];
  for (const message of due) {
    batch.push(message);
    if (batch.length >= MAX_BATCH || live.index.takesSequenceNumber(message.event)) break;
  }
  return batch;
}

const rank = (m: EventMessage) => (m.event.EventType === HistoryEventType.ExecutionStarted ? 0 : 1);

/** Messages of another execution of the instance: never delivered, deleted with the next commit. */
export function staleMessages(live: LiveInstance): EventMessage[] {
  return [...live.pending.values()].filter(
    (m) =>
      (m.executionId !== undefined && m.executionId !== live.record.executionId) || live.consumed.has(m.id),
  );
}

export interface EpisodeInput {
  readonly live: LiveInstance;
  readonly batch: readonly EventMessage[];
  readonly handler: OrchestratorHandler;
  readonly context: InvocationContext;
  readonly now: Date;
  /** Ids of the activity messages still outstanding, removed if the instance finishes. */
  readonly outstandingActivityIds: readonly string[];
  /** The extension's long-timer limits (replay schema V3 and later); Azure Storage's when not given. */
  readonly limits?: TimerLimits;
}

export async function planEpisode(input: EpisodeInput): Promise<EpisodePlan> {
  const { live, batch, now } = input;
  const limits = input.limits ?? AZURE_STORAGE_TIMER_LIMITS;
  const index = live.index;
  const record = live.record;
  const terminate = batch.find((m) => m.event.EventType === HistoryEventType.ExecutionTerminated);
  if (terminate) return planTermination(input, terminate);

  const delivered: HistoryRecord[] = [
    { event: historyEvents.orchestratorStarted(now) },
    ...batch.map((m) => ({ event: m.event, messageId: m.id })),
  ];
  const history = [...live.history.map((r) => r.event), ...delivered.map((r) => r.event)];
  const outcome = await replayOrchestrator(
    input.handler,
    triggerPayload(record.instanceId, history, live.history.length, parseJson(record.input), limits),
    input.context,
  );

  const decisions: HistoryRecord[] = [];
  const created: Message[] = [];
  const canceledTimerIds: string[] = [];
  let nextId = index.nextId;

  const problem = outcome.status === 'failed' ? undefined : checkDeterminism(record, index, outcome);
  if (problem)
    return finish(input, {
      delivered,
      status: 'Failed',
      failure: problem,
      customStatus: outcome.customStatus,
    });

  for (const [position, action] of outcome.actions.entries()) {
    const known = index.userActions[position];
    if (known) {
      // A canceled long timer keeps firing, as in Azure: the extension only stops its sub-timer loop.
      const long = known.meta?.longTimer !== undefined;
      if (action.kind === 'timer' && action.canceled && !long && !index.closed.has(known.event.EventId)) {
        canceledTimerIds.push(messageIds.timer(record.executionId, known.event.EventId));
      }
      continue;
    }
    if (outcome.status !== 'running') break;
    const id = nextId++;
    if (action.kind === 'unsupported') {
      const failure = `Orchestrator "${record.name}" used ${action.description}.`;
      return finish(input, { delivered, status: 'Failed', failure });
    }
    if (action.kind === 'activity') {
      if ((action.input?.length ?? 0) > MAX_JSON_CHARS) {
        return finish(input, {
          delivered,
          status: 'Failed',
          failure: tooLarge(`the input of activity "${action.name}"`),
        });
      }
      const meta = action.retry
        ? { attempt: { root: id, attempt: 1, policy: action.retry, firstAttemptAt: now.toISOString() } }
        : undefined;
      decisions.push({
        event: historyEvents.taskScheduled(now, id, action.name, action.input),
        ...(meta ? { meta } : {}),
      });
      created.push(activityMessage(record, id, action.name, action.input, now));
    } else {
      const sub = firstSubTimer(action.fireAt, now, limits);
      if (sub) {
        decisions.push({
          event: historyEvents.timerCreated(now, id, sub),
          meta: { longTimer: { root: id, fireAt: action.fireAt.toISOString() } },
        });
        created.push(timerMessage(record, id, sub, now));
      } else {
        decisions.push({ event: historyEvents.timerCreated(now, id, action.fireAt) });
        if (!action.canceled) created.push(timerMessage(record, id, action.fireAt, now));
      }
    }
  }

  const last = batch[batch.length - 1];
  if (outcome.status === 'running' && last && index.takesSequenceNumber(last.event)) {
    const step =
      planRetryStep(record, index, last.event, nextId, now) ??
      planSubTimerStep(record, index, outcome.actions, last.event, nextId, now, limits);
    if (step) {
      decisions.push(step.decision);
      created.push(step.message);
      nextId++;
    }
  }

  switch (outcome.status) {
    case 'running':
      return finish(input, {
        delivered,
        status: 'Running',
        decisions,
        created,
        canceledTimerIds,
        customStatus: outcome.customStatus,
      });
    case 'completed': {
      const output = JSON.stringify(outcome.output);
      const customStatus = outcome.customStatus;
      if ((output?.length ?? 0) > MAX_JSON_CHARS) {
        return finish(input, {
          delivered,
          status: 'Failed',
          failure: tooLarge('the orchestration output'),
          customStatus,
        });
      }
      return finish(input, { delivered, status: 'Completed', result: output, customStatus });
    }
    case 'failed':
      return finish(input, {
        delivered,
        status: 'Failed',
        failure: `Orchestrator function '${record.name}' failed: ${outcome.message}`,
        customStatus: outcome.customStatus,
      });
    case 'continuedAsNew':
      return planContinueAsNew(input, delivered, outcome);
  }
}

function checkDeterminism(
  record: InstanceRecord,
  index: ScheduleIndex,
  outcome: Exclude<ReplayOutcome, { status: 'failed' }>,
): string | undefined {
  const expected = index.userActions;
  for (const [position, action] of outcome.actions.entries()) {
    const known = expected[position];
    if (!known) break;
    if (!matches(known.event, action))
      return nonDeterminism(record, position, known.event, describeAction(action));
  }
  if (outcome.status === 'running' && outcome.actions.length < expected.length) {
    const known = expected[outcome.actions.length];
    if (known) return nonDeterminism(record, outcome.actions.length, known.event, 'nothing');
  }
  return undefined;
}

function matches(event: HistoryEvent, action: ScheduledAction): boolean {
  if (action.kind === 'activity')
    return isType(event, HistoryEventType.TaskScheduled) && event.Name === action.name;
  if (action.kind === 'timer') return isType(event, HistoryEventType.TimerCreated);
  return false;
}

function nonDeterminism(
  record: InstanceRecord,
  position: number,
  event: HistoryEvent,
  produced: string,
): string {
  return (
    `Non-deterministic orchestration "${record.name}" (instance "${record.instanceId}"): at scheduled ` +
    `action #${position} (sequence number ${event.EventId}) the history has ${describeEvent(event)}, ` +
    `but the orchestrator code now produced ${produced}. Orchestrator code must make the same calls in the ` +
    'same order on every replay; ship a changed workflow under a new orchestration name.'
  );
}

function describeEvent(event: HistoryEvent): string {
  if (isType(event, HistoryEventType.TaskScheduled)) return `a call of activity "${event.Name}"`;
  if (isType(event, HistoryEventType.TimerCreated)) return `a timer (fire at ${event.FireAt})`;
  return `event type ${event.EventType}`;
}

function describeAction(action: ScheduledAction): string {
  if (action.kind === 'activity') return `a call of activity "${action.name}"`;
  if (action.kind === 'timer') return `a timer (fire at ${action.fireAt.toISOString()})`;
  return action.description;
}

/**
 * The Durable Task Framework's retry loop, one step at a time: after a failed attempt a timer for
 * the backoff delay (also after the last attempt: the library waits for it before giving up);
 * after that timer, the next attempt. Past the retry timeout DTFx stops; the library cannot be
 * told so, so the remaining attempts are recorded and fail at once without running.
 */
function planRetryStep(
  record: InstanceRecord,
  index: ScheduleIndex,
  event: HistoryEvent,
  id: number,
  now: Date,
): { decision: HistoryRecord; message: Message } | undefined {
  if (isType(event, HistoryEventType.TaskFailed)) {
    const attempt = index.byId.get(event.TaskScheduledId)?.meta?.attempt;
    const root = attempt && index.root(attempt);
    if (!attempt || !root) return undefined;
    const delay = nextRetryDelay(root.policy, attempt.attempt, root.firstAttemptAt, now);
    const fireAt = new Date(now.getTime() + (delay ?? 0));
    return {
      decision: {
        event: historyEvents.timerCreated(now, id, fireAt),
        meta: {
          retryTimer: { root: attempt.root, afterAttempt: attempt.attempt, expired: delay === undefined },
        },
      },
      message: timerMessage(record, id, fireAt, now),
    };
  }
  if (isType(event, HistoryEventType.TimerFired)) {
    const timer = index.byId.get(event.TimerId)?.meta?.retryTimer;
    const root = timer && index.root({ root: timer.root, attempt: 1 });
    if (!timer || !root) return undefined;
    const decision: HistoryRecord = {
      event: historyEvents.taskScheduled(now, id, root.event.Name, root.event.Input),
      meta: { attempt: { root: timer.root, attempt: timer.afterAttempt + 1 } },
    };
    const message = timer.expired
      ? retryTimeoutFailure(record, id, root.event.Name, now)
      : activityMessage(record, id, root.event.Name, root.event.Input, now);
    return { decision, message };
  }
  return undefined;
}

/**
 * The extension's CreateTimer loop for a long timer, one step: when a sub-timer fires short of the
 * final time and the orchestrator has not canceled the timer, the next sub-timer. Once canceled the
 * loop stops, while the library's LongTimerTask still adds a sub-timer of its own when the one in
 * flight fires: in Azure the two then disagree on every later sequence number, which is why an
 * orchestration must never cancel a long timer (see deviceBatchOrchestration).
 */
function planSubTimerStep(
  record: InstanceRecord,
  index: ScheduleIndex,
  actions: readonly ScheduledAction[],
  event: HistoryEvent,
  id: number,
  now: Date,
  limits: TimerLimits,
): { decision: HistoryRecord; message: Message } | undefined {
  if (!isType(event, HistoryEventType.TimerFired)) return undefined;
  const long = index.byId.get(event.TimerId)?.meta?.longTimer;
  if (!long) return undefined;
  const position = index.userActions.findIndex((r) => r.event.EventId === long.root);
  const action = actions[position];
  if (action?.kind === 'timer' && action.canceled) return undefined;
  const fireAt = nextSubTimer(new Date(long.fireAt), now, limits);
  if (!fireAt) return undefined;
  return {
    decision: { event: historyEvents.timerCreated(now, id, fireAt), meta: { longTimer: long } },
    message: timerMessage(record, id, fireAt, now),
  };
}

function planTermination(input: EpisodeInput, terminate: EventMessage): EpisodePlan {
  const reasonJson = isType(terminate.event, HistoryEventType.ExecutionTerminated)
    ? terminate.event.Input
    : undefined;
  const reason = typeof parseJson(reasonJson) === 'string' ? (parseJson(reasonJson) as string) : '';
  const delivered: HistoryRecord[] = [
    { event: historyEvents.orchestratorStarted(input.now) },
    { event: terminate.event, messageId: terminate.id },
  ];
  return finish(
    { ...input, batch: [terminate] },
    { delivered, status: 'Terminated', result: JSON.stringify(reason) },
  );
}

function planContinueAsNew(
  input: EpisodeInput,
  delivered: HistoryRecord[],
  outcome: Extract<ReplayOutcome, { status: 'continuedAsNew' }>,
): EpisodePlan {
  const { live, now } = input;
  const executionId = randomUUID();
  const closing = historyEvents.executionCompleted(
    now,
    OrchestrationStatusCode.ContinuedAsNew,
    outcome.input,
  );
  const plan = finish(input, { delivered, status: 'Running', closing, customStatus: outcome.customStatus });
  const start: EventMessage = {
    kind: 'event',
    instanceId: live.record.instanceId,
    id: messageIds.start(executionId),
    executionId,
    visibleAt: now.getTime(),
    enqueuedAt: now.getTime(),
    event: historyEvents.executionStarted(now, live.record.name, outcome.input),
  };
  const { input: _previousInput, ...rest } = plan.record;
  const record: InstanceRecord = {
    ...rest,
    executionId,
    ...(outcome.input === undefined ? {} : { input: outcome.input }),
  };
  return { ...plan, record, created: [start], newExecution: { executionId } };
}

interface EpisodeEnd {
  readonly delivered: HistoryRecord[];
  readonly status: RuntimeStatus;
  readonly decisions?: HistoryRecord[];
  readonly created?: Message[];
  readonly canceledTimerIds?: string[];
  /** JSON text: the output (Completed), the reason (Terminated). */
  readonly result?: string;
  readonly failure?: string;
  readonly customStatus?: unknown;
  /** Replaces the ExecutionCompleted event of a finished execution (continue-as-new). */
  readonly closing?: HistoryEvent;
}

/**
 * Closes the episode: the delivered events, the decisions, and if the execution ended, its
 * ExecutionCompleted event and the removal of all its remaining work. OrchestratorCompleted comes
 * last: it is what marks the episode as committed in storage.
 */
function finish(input: EpisodeInput, end: EpisodeEnd): EpisodePlan {
  const { live, now, batch } = input;
  const ended = end.status !== 'Running' || end.closing !== undefined;
  const appended: HistoryRecord[] = [...end.delivered, ...(end.decisions ?? [])];
  let output: string | undefined;
  if (end.closing) {
    appended.push({ event: end.closing });
  } else if (end.status === 'Failed') {
    const message = end.failure ?? 'The orchestration failed.';
    output = JSON.stringify(message);
    const failure: FailureDetailsPayload = { ErrorType: 'OrchestrationFailure', ErrorMessage: message };
    appended.push({
      event: historyEvents.executionCompleted(now, OrchestrationStatusCode.Failed, output, failure),
    });
  } else if (end.status === 'Completed' || end.status === 'Terminated') {
    output = end.result;
    const code =
      end.status === 'Completed' ? OrchestrationStatusCode.Completed : OrchestrationStatusCode.Terminated;
    appended.push({ event: historyEvents.executionCompleted(now, code, output) });
  }
  appended.push({ event: historyEvents.orchestratorCompleted(now) });

  const consumedIds = batch.map((m) => m.id);
  const stale = staleMessages(live).map((m) => m.id);
  const leftovers = ended
    ? [...[...live.pending.keys()].filter((id) => !consumedIds.includes(id)), ...input.outstandingActivityIds]
    : [];
  const customJson = end.customStatus === undefined ? undefined : JSON.stringify(end.customStatus);
  const record: InstanceRecord = {
    ...live.record,
    runtimeStatus: end.status,
    lastUpdatedTime: now.toISOString(),
    ...(end.status !== 'Running' ? { output } : {}),
    ...(customJson === undefined || customJson.length > MAX_JSON_CHARS ? {} : { customStatus: customJson }),
  };
  const canceled = end.canceledTimerIds ?? [];
  return {
    record,
    appended,
    consumed: [...batch],
    created: ended ? [] : (end.created ?? []),
    removed: [...new Set([...consumedIds, ...stale, ...leftovers, ...canceled])],
    canceledTimerIds: canceled,
  };
}

export function activityMessage(
  record: InstanceRecord,
  taskId: number,
  name: string,
  input: string | undefined,
  now: Date,
): ActivityMessage {
  return {
    kind: 'activity',
    instanceId: record.instanceId,
    id: messageIds.activity(record.executionId, taskId),
    executionId: record.executionId,
    visibleAt: now.getTime(),
    enqueuedAt: now.getTime(),
    taskScheduledId: taskId,
    name,
    ...(input === undefined ? {} : { input }),
  };
}

export function timerMessage(record: InstanceRecord, timerId: number, fireAt: Date, now: Date): EventMessage {
  return {
    kind: 'event',
    instanceId: record.instanceId,
    id: messageIds.timer(record.executionId, timerId),
    executionId: record.executionId,
    visibleAt: fireAt.getTime(),
    enqueuedAt: now.getTime(),
    event: historyEvents.timerFired(fireAt, timerId, fireAt.toISOString()),
  };
}

export function retryTimeoutFailure(
  record: InstanceRecord,
  taskId: number,
  name: string,
  now: Date,
): EventMessage {
  return {
    kind: 'event',
    instanceId: record.instanceId,
    id: messageIds.result(record.executionId, taskId),
    executionId: record.executionId,
    visibleAt: now.getTime(),
    enqueuedAt: now.getTime(),
    event: historyEvents.taskFailed(now, taskId, {
      ErrorType: 'RetryTimeoutExceeded',
      ErrorMessage: `Activity "${name}" was not retried again: its retry timeout had passed.`,
    }),
  };
}

function tooLarge(what: string): string {
  return (
    `${what} is larger than the local durable runtime keeps in one history entry (${MAX_JSON_CHARS} ` +
    'characters); keep orchestration inputs and outputs small (IDs, counts) and data in tables.'
  );
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
