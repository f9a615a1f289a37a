import { InvocationContext } from '@azure/functions';
import type { HistoryEvent } from '../../../infra/local/durable/historyEvents';
import { historyEvents } from '../../../infra/local/durable/historyEvents';
import { triggerPayload } from '../../../infra/local/durable/orchestrationReplay';
import { functionRegistry } from '../../../infra/local/functionsCore/registry';
import {
  CHECK_CONSENT_ACTIVITY,
  CONSENT_GIVEN_EVENT,
  CONSENT_REVOKED_EVENT,
  DEVICE_BATCH_ORCHESTRATION,
  FAIL_CHUNK_ACTIVITY,
  FINISH_WITH_LOST_CHUNKS_ACTIVITY,
  RECORD_PROGRESS_ACTIVITY,
  REGISTER_CHUNK_ACTIVITY,
  type BatchOrchestrationInput,
} from '../../../shared/adapters/durable/batchOrchestrationContract';
import { PARALLEL_CHUNKS as P } from '../../../functions/orchestrations/deviceBatchOrchestration';

/**
 * The batch orchestrator replayed by durable-functions itself, with no runtime: each test writes the
 * history the Durable Task engine would keep (OrchestratorStarted, ExecutionStarted, TaskScheduled /
 * TaskCompleted, TimerCreated / TimerFired, EventRaised), calls the handler `df.app.orchestration`
 * registered, and reads the actions the library answers.
 */

/** durable-functions' ActionType values (lib/src/actions/ActionType.js). */
const CallActivity = 0;
const CallActivityWithRetry = 1;
const CreateTimer = 5;
const WaitForExternalEvent = 6;
const WhenAny = 11;
const WhenAll = 12;

interface RawAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: { firstRetryIntervalInMilliseconds: number; maxNumberOfAttempts: number };
  fireAt?: Date;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: RawAction[];
}

/** An action as the tests read it; `id` is the sequence number it takes in history (events take none). */
interface Action {
  readonly type: 'CallActivity' | 'CallActivityWithRetry' | 'CreateTimer' | 'WaitForExternalEvent';
  readonly id?: number;
  readonly name?: string;
  readonly input?: unknown;
  readonly fireAt?: string;
  readonly canceled?: boolean;
  readonly attempts?: number;
}

interface LibraryState {
  isDone: boolean;
  actions: RawAction[][];
  output?: unknown;
  customStatus?: unknown;
}

const INSTANCE_ID = 'batch-tenant-partner-b1';
/** Attempts of the progress record's RetryOptions (a record that fails once must not end the batch). */
const RECORD_ATTEMPTS = 5;
const T0 = new Date('2025-03-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const baseInput: BatchOrchestrationInput = {
  tenantId: '4f1c6a8e-2b7d-4c3a-9e51-7d2f0b9a6c13',
  partnerId: 'contoso-direct',
  batchId: 'b1',
  chunkCount: 3,
  deadline: '2025-03-15T10:00:00.000Z',
};
const ref = { tenantId: baseInput.tenantId, partnerId: baseInput.partnerId, batchId: baseInput.batchId };

function handler() {
  const registration = functionRegistry.get(DEVICE_BATCH_ORCHESTRATION);
  if (!registration) throw new Error(`${DEVICE_BATCH_ORCHESTRATION} is not registered`);
  return registration.handler as (payload: unknown, context: InvocationContext) => Promise<LibraryState>;
}

/** Actions depth first, each object once, as the library numbers them. */
function flatten(actions: RawAction[][]): RawAction[] {
  const seen = new Set<RawAction>();
  const out: RawAction[] = [];
  const visit = (action: RawAction) => {
    if (seen.has(action)) return;
    seen.add(action);
    if (action.actionType === WhenAny || action.actionType === WhenAll) {
      for (const child of action.compoundActions ?? []) visit(child);
      return;
    }
    out.push(action);
  };
  for (const list of actions) for (const action of list) visit(action);
  return out;
}

function describe_(action: RawAction, id: number | undefined): Action {
  const input = typeof action.input === 'string' ? (JSON.parse(action.input) as unknown) : action.input;
  switch (action.actionType) {
    case CallActivity:
      return { type: 'CallActivity', id, name: action.functionName, input };
    case CallActivityWithRetry:
      return {
        type: 'CallActivityWithRetry',
        id,
        name: action.functionName,
        input,
        attempts: action.retryOptions?.maxNumberOfAttempts,
      };
    case CreateTimer:
      return { type: 'CreateTimer', id, fireAt: action.fireAt?.toISOString(), canceled: action.isCanceled };
    case WaitForExternalEvent:
      return { type: 'WaitForExternalEvent', name: action.externalEventName };
    default:
      throw new Error(`unexpected action type ${action.actionType}`);
  }
}

interface Episode {
  /** Actions first seen in this episode, in order. */
  readonly newActions: Action[];
  /** Every action since the execution started (the library answers them all each time). */
  readonly allActions: Action[];
  readonly done: boolean;
  readonly output: unknown;
  readonly customStatus: unknown;
}

/** The Azure Storage provider's limits the extension sends (MaximumDelayTime, LongRunningTimerIntervalLength). */
const DAY = 24 * 60 * 60_000;
const MAX_SHORT_TIMER = 6 * DAY;
const SUB_TIMER = 3 * DAY;
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);

/** A long timer as the extension's CreateTimer loop keeps it: the action it answers and the sub-timer in flight. */
interface LongTimer {
  readonly position: number;
  readonly fireAt: Date;
  current: number;
  currentFireAt: Date;
}

/**
 * The history of one instance, synthesised by this file's rule of how the extension writes it (not a
 * recorded history) under replay schema V3 and later (6-day short timers, 3-day sub-timers; the
 * payload's schema comes from orchestrationReplay.ts): each episode starts with
 * OrchestratorStarted, carries the new results, then the TaskScheduled/TimerCreated events of the
 * actions the orchestrator answered, and ends with OrchestratorCompleted. A timer further away than
 * six days is written as the extension's DurableOrchestrationContext.CreateTimer does: one 3-day
 * sub-timer at a time, the next one when it fires, unless the orchestrator canceled the timer (then
 * the extension's loop stops). The sub-timer's number is taken when its predecessor's TimerFired is
 * processed, so tests put that TimerFired last in its episode.
 */
class History {
  readonly events: HistoryEvent[] = [];
  #actionCount = 0;
  #nextId = 0;
  readonly #ids: (number | undefined)[] = [];
  readonly #scheduled = new Map<number, Action>();
  readonly #longTimers: LongTimer[] = [];

  constructor(readonly input: BatchOrchestrationInput = baseInput) {}

  /** Runs one episode at `time` with these new events (the first episode adds ExecutionStarted). */
  async episode(time: Date, newEvents: HistoryEvent[] = []): Promise<Episode> {
    const started = historyEvents.orchestratorStarted(time);
    const fresh =
      this.events.length === 0
        ? [
            started,
            historyEvents.executionStarted(time, DEVICE_BATCH_ORCHESTRATION, JSON.stringify(this.input)),
          ]
        : [started, ...newEvents];
    const state = await this.replay(fresh);
    const raw = flatten(state.actions);
    const all = raw.map((action, i) => {
      if (i >= this.#actionCount) {
        this.#ids[i] = action.actionType === WaitForExternalEvent ? undefined : this.#nextId++;
      }
      return describe_(action, this.#ids[i]);
    });
    const newActions = all.slice(this.#actionCount);
    const firstNew = this.#actionCount;
    this.#actionCount = all.length;
    this.events.push(...fresh);
    newActions.forEach((action, offset) => {
      if (action.id === undefined) return;
      this.#scheduled.set(action.id, action);
      if (action.type !== 'CreateTimer') {
        this.events.push(
          historyEvents.taskScheduled(time, action.id, action.name!, JSON.stringify(action.input)),
        );
        return;
      }
      const fireAt = new Date(action.fireAt!);
      if (fireAt.getTime() - time.getTime() <= MAX_SHORT_TIMER) {
        this.events.push(historyEvents.timerCreated(time, action.id, fireAt));
        return;
      }
      const sub = new Date(time.getTime() + SUB_TIMER);
      this.#longTimers.push({ position: firstNew + offset, fireAt, current: action.id, currentFireAt: sub });
      this.events.push(historyEvents.timerCreated(time, action.id, sub));
    });
    // The extension's loop: a sub-timer that fired short of the end is followed by the next one.
    for (const event of fresh) {
      if (event.EventType !== 11) continue;
      const long = this.#longTimers.find((l) => l.current === event.TimerId);
      if (!long || all[long.position]?.canceled) continue;
      const remaining = long.fireAt.getTime() - time.getTime();
      if (remaining <= 0) continue;
      long.current = this.#nextId++;
      long.currentFireAt = new Date(time.getTime() + Math.min(remaining, SUB_TIMER));
      this.events.push(historyEvents.timerCreated(time, long.current, long.currentFireAt));
    }
    this.events.push(historyEvents.orchestratorCompleted(time));
    return {
      newActions,
      allActions: all,
      done: state.isDone,
      output: state.output,
      customStatus: state.customStatus,
    };
  }

  /** The library's answer to the committed history plus `fresh`, without committing anything. */
  replay(fresh: HistoryEvent[] = []): Promise<LibraryState> {
    const events = [...this.events, ...fresh];
    return handler()(
      triggerPayload(INSTANCE_ID, events, this.events.length, this.input),
      new InvocationContext({ functionName: DEVICE_BATCH_ORCHESTRATION }),
    );
  }

  completed(action: Action | undefined, result: unknown, time = T0): HistoryEvent {
    if (action?.id === undefined) throw new Error('no scheduled action to complete');
    return historyEvents.taskCompleted(time, action.id, JSON.stringify(result));
  }

  /**
   * The events of a call with retry that fails every attempt, as the engine writes them: each failure,
   * then the retry timer the library waits for (after the last failure too), then the next attempt.
   * The timers and attempts take sequence numbers as the library's RetryableTask tracks them.
   */
  failedEveryRetry(action: Action | undefined, time = T0, message = 'storage unavailable'): HistoryEvent[] {
    if (action?.id === undefined || action.attempts === undefined) throw new Error('not a call with retry');
    const failure = { ErrorType: 'Error', ErrorMessage: message, StackTrace: '' };
    const events: HistoryEvent[] = [];
    let attemptId = action.id;
    for (let attempt = 1; attempt <= action.attempts; attempt++) {
      if (attempt > 1) {
        attemptId = this.#nextId++;
        events.push(historyEvents.taskScheduled(time, attemptId, action.name!, JSON.stringify(action.input)));
      }
      events.push(historyEvents.taskFailed(time, attemptId, failure));
      const timerId = this.#nextId++;
      events.push(
        historyEvents.timerCreated(time, timerId, time),
        historyEvents.timerFired(time, timerId, time.toISOString()),
      );
    }
    return events;
  }

  /** The firing of the sub-timer the extension has in flight for the long timer `action`. */
  subTimerFired(action: Action | undefined): { event: HistoryEvent; at: Date } {
    const long = this.#longTimers.find((l) => this.#ids[l.position] === action?.id);
    if (!long) throw new Error('not a long timer');
    return {
      event: historyEvents.timerFired(long.currentFireAt, long.current, long.currentFireAt.toISOString()),
      at: long.currentFireAt,
    };
  }

  timerFired(action: Action | undefined, time = T0): HistoryEvent {
    if (action?.id === undefined || action.type !== 'CreateTimer') throw new Error('not a timer');
    return historyEvents.timerFired(time, action.id, action.fireAt!);
  }

  raised(name: string, time = T0): HistoryEvent {
    return historyEvents.eventRaised(time, name, JSON.stringify({ at: time.toISOString() }));
  }

  scheduled(id: number): Action | undefined {
    return this.#scheduled.get(id);
  }
}

const activity = (episode: Episode, name: string) => episode.newActions.filter((a) => a.name === name);
const only = (actions: Action[]): Action => {
  expect(actions).toHaveLength(1);
  return actions[0]!;
};
const chunkResult = (registered: number, failed: number, canceled = false) => ({
  registered,
  failed,
  canceled,
});

/** Starts an instance and answers checkBatchConsent with `consent`. */
async function started(consent: string, input: BatchOrchestrationInput = baseInput) {
  const history = new History(input);
  const first = await history.episode(at(0));
  const check = only(first.newActions);
  const second = await history.episode(at(1), [history.completed(check, consent, at(1))]);
  return { history, first, second };
}

/** Consent active from the start; answers the first "processing" record and returns the first chunk calls. */
async function processing(input: BatchOrchestrationInput = baseInput) {
  const { history, second } = await started('active', input);
  const record = only(activity(second, RECORD_PROGRESS_ACTIVITY));
  const third = await history.episode(at(2), [history.completed(record, 'processing', at(2))]);
  return { history, record, third };
}

describe('deviceBatchOrchestration replayed by durable-functions', () => {
  it('when it starts, then its first and only action is the checkBatchConsent activity with the batch ref', async () => {
    const history = new History();
    const first = await history.episode(at(0));
    expect(first.done).toBe(false);
    expect(first.newActions).toEqual([
      { type: 'CallActivity', id: 0, name: CHECK_CONSENT_ACTIVITY, input: ref },
    ]);
  });

  it('when consent is none, then it records awaiting_consent and then waits for ConsentGiven raced against a timer at the deadline', async () => {
    const { history, second } = await started('none');
    expect(second.newActions).toEqual([
      {
        type: 'CallActivityWithRetry',
        id: 1,
        name: RECORD_PROGRESS_ACTIVITY,
        input: { ref, at: at(1).toISOString(), status: 'awaiting_consent' },
        attempts: RECORD_ATTEMPTS,
      },
    ]);
    expect(second.customStatus).toEqual({ status: 'awaiting_consent' });

    const third = await history.episode(at(2), [
      history.completed(second.newActions[0], 'awaiting_consent', at(2)),
    ]);
    expect(third.done).toBe(false);
    expect(third.newActions).toEqual([
      { type: 'WaitForExternalEvent', name: CONSENT_GIVEN_EVENT },
      { type: 'CreateTimer', id: 2, fireAt: baseInput.deadline, canceled: false },
    ]);
  });

  it('when consent was revoked rather than never given, then it waits for consent the same way', async () => {
    const { history, second } = await started('revoked');
    const record = only(activity(second, RECORD_PROGRESS_ACTIVITY));
    expect(record.input).toMatchObject({ status: 'awaiting_consent' });
    const third = await history.episode(at(2), [history.completed(record, 'awaiting_consent', at(2))]);
    expect(third.newActions.map((a) => a.type)).toEqual(['WaitForExternalEvent', 'CreateTimer']);
  });

  it('when the deadline timer fires first, then it records expired and completes with status expired', async () => {
    const { history, second } = await started('none');
    const third = await history.episode(at(2), [
      history.completed(second.newActions[0], 'awaiting_consent', at(2)),
    ]);
    const timer = third.newActions.find((a) => a.type === 'CreateTimer');
    const deadline = new Date(baseInput.deadline);

    const fourth = await history.episode(deadline, [history.timerFired(timer, deadline)]);
    expect(fourth.newActions).toEqual([
      {
        type: 'CallActivityWithRetry',
        id: 3,
        name: RECORD_PROGRESS_ACTIVITY,
        input: { ref, at: deadline.toISOString(), status: 'expired' },
        attempts: RECORD_ATTEMPTS,
      },
    ]);
    expect(fourth.newActions.some((a) => a.name === REGISTER_CHUNK_ACTIVITY)).toBe(false);

    const fifth = await history.episode(at(20_200), [history.completed(fourth.newActions[0], 'expired')]);
    expect(fifth.done).toBe(true);
    expect(fifth.output).toEqual({ status: 'expired' });
    expect(fifth.customStatus).toEqual({ status: 'expired' });
    expect(fifth.newActions).toEqual([]);
  });

  it('when ConsentGiven arrives before the deadline, then the deadline timer is left running (never canceled: it is a long timer) and it records processing, then runs at most PARALLEL_CHUNKS chunks with retry', async () => {
    const input = { ...baseInput, chunkCount: P + 6 };
    const { history, second } = await started('none', input);
    const third = await history.episode(at(2), [
      history.completed(second.newActions[0], 'awaiting_consent', at(2)),
    ]);

    const fourth = await history.episode(at(30), [history.raised(CONSENT_GIVEN_EVENT, at(30))]);
    const timer = fourth.allActions.find((a) => a.type === 'CreateTimer');
    expect(timer).toMatchObject({ canceled: false, fireAt: baseInput.deadline });
    expect(third.newActions.find((a) => a.type === 'CreateTimer')?.canceled).toBe(false);
    expect(fourth.newActions).toEqual([
      {
        type: 'CallActivityWithRetry',
        id: 3,
        name: RECORD_PROGRESS_ACTIVITY,
        input: { ref, at: at(30).toISOString(), status: 'processing', registered: 0, failed: 0 },
        attempts: RECORD_ATTEMPTS,
      },
      { type: 'WaitForExternalEvent', name: CONSENT_REVOKED_EVENT },
    ]);

    const fifth = await history.episode(at(31), [
      history.completed(fourth.newActions[0], 'processing', at(31)),
    ]);
    const chunks = activity(fifth, REGISTER_CHUNK_ACTIVITY);
    expect(chunks).toHaveLength(P);
    expect(chunks.map((c) => c.type)).toEqual(Array(P).fill('CallActivityWithRetry'));
    expect(chunks.map((c) => c.input)).toEqual([...Array(P).keys()].map((chunkNo) => ({ ref, chunkNo })));
    expect(chunks.every((c) => (c.attempts ?? 0) > 1)).toBe(true);
    // The same revocation listener, scheduled once with the processing record, is kept waiting.
    expect(
      fifth.allActions.filter((a) => a.type === 'WaitForExternalEvent' && a.name === CONSENT_REVOKED_EVENT),
    ).toHaveLength(1);
  });

  it('when consent is already active, then it neither waits nor creates a timer and records processing at once', async () => {
    const { second } = await started('active');
    expect(second.newActions).toEqual([
      {
        type: 'CallActivityWithRetry',
        id: 1,
        name: RECORD_PROGRESS_ACTIVITY,
        input: { ref, at: at(1).toISOString(), status: 'processing', registered: 0, failed: 0 },
        attempts: RECORD_ATTEMPTS,
      },
      // Listening for a revocation from the start of processing.
      { type: 'WaitForExternalEvent', name: CONSENT_REVOKED_EVENT },
    ]);
    expect(second.allActions.some((a) => a.type === 'CreateTimer')).toBe(false);
    expect(second.allActions.some((a) => a.name === CONSENT_GIVEN_EVENT)).toBe(false);
  });

  it('when chunks complete one by one, then the next chunk starts before the progress record, so every slot stays busy while it is written, and never more than PARALLEL_CHUNKS are in flight', async () => {
    const total = 2 * P + 1;
    const { history, third } = await processing({ ...baseInput, chunkCount: total });
    const inFlight = new Map<number, Action>();
    const addChunks = (episode: Episode) => {
      for (const a of activity(episode, REGISTER_CHUNK_ACTIVITY))
        inFlight.set((a.input as { chunkNo: number }).chunkNo, a);
    };
    addChunks(third);
    expect(inFlight.size).toBe(P);
    let minute = 3;
    let started = inFlight.size;
    let completed = 0;
    let maxInFlight = inFlight.size;
    let last: Episode = third;
    while (inFlight.size > 0) {
      const chunkNo = Math.min(...inFlight.keys());
      const chunk = inFlight.get(chunkNo)!;
      inFlight.delete(chunkNo);
      completed++;
      const chunksLeft = started < total;
      const afterChunk = await history.episode(at(minute), [
        history.completed(chunk, chunkResult(100, 0), at(minute)),
      ]);
      minute++;
      addChunks(afterChunk);
      started += activity(afterChunk, REGISTER_CHUNK_ACTIVITY).length;
      maxInFlight = Math.max(maxInFlight, inFlight.size);
      // The freed slot is filled in the same episode, ahead of the record (the old order recorded first
      // and started the chunk only once the record had completed).
      expect(afterChunk.newActions.map((a) => a.name)).toEqual(
        chunksLeft ? [REGISTER_CHUNK_ACTIVITY, RECORD_PROGRESS_ACTIVITY] : [RECORD_PROGRESS_ACTIVITY],
      );
      expect(inFlight.size).toBe(Math.min(P, total - completed));
      const record = only(activity(afterChunk, RECORD_PROGRESS_ACTIVITY));
      last = await history.episode(at(minute), [history.completed(record, 'processing', at(minute))]);
      minute++;
      expect(activity(last, REGISTER_CHUNK_ACTIVITY)).toEqual([]);
    }
    expect(started).toBe(total);
    expect(maxInFlight).toBe(P);
    const final = only(activity(last, RECORD_PROGRESS_ACTIVITY));
    expect(final.input).toMatchObject({ status: 'finished', registered: total * 100, failed: 0 });
    const end = await history.episode(at(minute), [history.completed(final, 'finished', at(minute))]);
    expect(end.done).toBe(true);
    expect(end.output).toEqual({ status: 'finished', registered: total * 100, failed: 0 });
  });

  it('when all chunks finish and some devices failed, then it records finished_with_errors with the totals summed', async () => {
    const { history, third } = await processing();
    const [c0, c1, c2] = activity(third, REGISTER_CHUNK_ACTIVITY);
    expect(activity(third, REGISTER_CHUNK_ACTIVITY)).toHaveLength(3);

    // All three complete in the same episode: the orchestrator takes them one after another.
    let episode = await history.episode(at(5), [
      history.completed(c1, chunkResult(990, 10), at(5)),
      history.completed(c0, chunkResult(1000, 0), at(5)),
      history.completed(c2, chunkResult(3, 2), at(5)),
    ]);
    const records: Action[] = [];
    for (let minute = 6; !episode.done; minute++) {
      const record = only(activity(episode, RECORD_PROGRESS_ACTIVITY));
      records.push(record);
      episode = await history.episode(at(minute), [history.completed(record, 'processing', at(minute))]);
    }
    expect(records.map((r) => r.input)).toEqual([
      { ref, at: at(5).toISOString(), status: 'processing', registered: 990, failed: 10 },
      { ref, at: at(6).toISOString(), status: 'processing', registered: 1990, failed: 10 },
      { ref, at: at(7).toISOString(), status: 'processing', registered: 1993, failed: 12 },
      { ref, at: at(8).toISOString(), status: 'finished_with_errors', registered: 1993, failed: 12 },
    ]);
    expect(episode.output).toEqual({ status: 'finished_with_errors', registered: 1993, failed: 12 });
    expect(episode.customStatus).toEqual({ status: 'finished_with_errors', registered: 1993, failed: 12 });
  });

  it('when every device registers, then the final status is finished', async () => {
    const { history, third } = await processing({ ...baseInput, chunkCount: 1 });
    const chunk = only(activity(third, REGISTER_CHUNK_ACTIVITY));
    const fourth = await history.episode(at(3), [history.completed(chunk, chunkResult(7, 0), at(3))]);
    const fifth = await history.episode(at(4), [
      history.completed(only(activity(fourth, RECORD_PROGRESS_ACTIVITY)), 'processing', at(4)),
    ]);
    expect(only(activity(fifth, RECORD_PROGRESS_ACTIVITY)).input).toEqual({
      ref,
      at: at(4).toISOString(),
      status: 'finished',
      registered: 7,
      failed: 0,
    });
    const sixth = await history.episode(at(5), [
      history.completed(only(activity(fifth, RECORD_PROGRESS_ACTIVITY)), 'finished', at(5)),
    ]);
    expect(sixth.done).toBe(true);
    expect(sixth.output).toEqual({ status: 'finished', registered: 7, failed: 0 });
  });

  it('when ConsentRevoked arrives while chunks run, then it records canceled with the counts so far and starts no further chunk', async () => {
    const input = { ...baseInput, chunkCount: 2 * P };
    const { history, third } = await processing(input);
    const chunks = activity(third, REGISTER_CHUNK_ACTIVITY);
    const afterFirst = await history.episode(at(3), [
      history.completed(chunks[0], chunkResult(1000, 0), at(3)),
    ]);
    expect(activity(afterFirst, REGISTER_CHUNK_ACTIVITY)).toHaveLength(1);
    await history.episode(at(4), [
      history.completed(only(activity(afterFirst, RECORD_PROGRESS_ACTIVITY)), 'processing', at(4)),
    ]);

    const revoked = await history.episode(at(5), [history.raised(CONSENT_REVOKED_EVENT, at(5))]);
    // It starts nothing more and waits for the chunks already running; they find consent gone.
    expect(revoked.newActions).toEqual([]);
    const running = [...chunks.slice(1), ...activity(afterFirst, REGISTER_CHUNK_ACTIVITY)];
    expect(running).toHaveLength(P);
    const drained = await history.episode(
      at(6),
      running.map((chunk) => history.completed(chunk, chunkResult(0, 0, true), at(6))),
    );
    expect(drained.newActions).toEqual([
      {
        type: 'CallActivityWithRetry',
        id: expect.any(Number),
        name: RECORD_PROGRESS_ACTIVITY,
        input: { ref, at: at(6).toISOString(), status: 'canceled', registered: 1000, failed: 0 },
        attempts: RECORD_ATTEMPTS,
      },
    ]);
    const end = await history.episode(at(7), [history.completed(drained.newActions[0], 'canceled', at(7))]);
    expect(end.done).toBe(true);
    expect(end.output).toEqual({ status: 'canceled', registered: 1000, failed: 0 });
    expect(end.newActions).toEqual([]);
  });

  it('when ConsentRevoked arrives while a progress record is running, then it starts no further chunk and cancels once the running ones are in', async () => {
    const { history, third } = await processing({ ...baseInput, chunkCount: 2 * P });
    const chunks = activity(third, REGISTER_CHUNK_ACTIVITY);
    const afterFirst = await history.episode(at(3), [
      history.completed(chunks[0], chunkResult(10, 0), at(3)),
    ]);
    const record = only(activity(afterFirst, RECORD_PROGRESS_ACTIVITY));
    // The chunk that took the freed slot started with the record.
    const refill = only(activity(afterFirst, REGISTER_CHUNK_ACTIVITY));
    // The revocation lands in history before the record completes.
    const next = await history.episode(at(4), [
      history.raised(CONSENT_REVOKED_EVENT, at(4)),
      history.completed(record, 'processing', at(4)),
    ]);
    expect(next.newActions).toEqual([]);
    // The chunks still running are awaited (one of them had registered some devices before the
    // revocation landed), and their counts are in the canceled record.
    const drained = await history.episode(at(5), [
      history.completed(chunks[1], chunkResult(0, 0, true), at(5)),
      history.completed(chunks[2], chunkResult(7, 1), at(5)),
      ...[...chunks.slice(3), refill].map((chunk) =>
        history.completed(chunk, chunkResult(0, 0, true), at(5)),
      ),
    ]);
    expect(only(activity(drained, RECORD_PROGRESS_ACTIVITY)).input).toMatchObject({
      status: 'canceled',
      registered: 17,
      failed: 1,
    });
  });

  it('when a chunk reports canceled (consent gone at registration), then it records canceled and completes', async () => {
    const { history, third } = await processing();
    const chunks = activity(third, REGISTER_CHUNK_ACTIVITY);
    const episode = await history.episode(at(3), [
      history.completed(chunks[0], chunkResult(0, 0, true), at(3)),
    ]);
    expect(episode.newActions).toEqual([]);
    const drained = await history.episode(
      at(4),
      chunks.slice(1).map((chunk) => history.completed(chunk, chunkResult(0, 0, true), at(4))),
    );
    expect(drained.newActions).toEqual([
      {
        type: 'CallActivityWithRetry',
        id: expect.any(Number),
        name: RECORD_PROGRESS_ACTIVITY,
        input: { ref, at: at(4).toISOString(), status: 'canceled', registered: 0, failed: 0 },
        attempts: RECORD_ATTEMPTS,
      },
    ]);
    const end = await history.episode(at(5), [history.completed(drained.newActions[0], 'canceled', at(5))]);
    expect(end.output).toEqual({ status: 'canceled', registered: 0, failed: 0 });
  });

  it('when a chunk fails every retry, then the next chunk takes its slot, failDeviceChunk closes it with retries of its own, its devices count failed, and the batch ends finished_with_errors', async () => {
    const { history, third } = await processing({ ...baseInput, chunkCount: P + 1 });
    const chunks = activity(third, REGISTER_CHUNK_ACTIVITY);
    const failedAttempts = await history.episode(at(3), history.failedEveryRetry(chunks[0], at(3)));
    expect(failedAttempts.done).toBe(false);
    // Before the orchestration threw here, and the batch stayed processing.
    expect(failedAttempts.newActions).toEqual([
      {
        type: 'CallActivityWithRetry',
        id: expect.any(Number),
        name: REGISTER_CHUNK_ACTIVITY,
        input: { ref, chunkNo: P },
        attempts: chunks[0]!.attempts,
      },
      {
        type: 'CallActivityWithRetry',
        id: expect.any(Number),
        name: FAIL_CHUNK_ACTIVITY,
        input: { ref, chunkNo: 0 },
        attempts: expect.any(Number),
      },
    ]);
    const close = only(activity(failedAttempts, FAIL_CHUNK_ACTIVITY));
    expect(close.attempts).toBeGreaterThan(1);
    const refill = only(activity(failedAttempts, REGISTER_CHUNK_ACTIVITY));

    const closed = await history.episode(at(4), [history.completed(close, { failed: 4000 }, at(4))]);
    expect(only(closed.newActions).input).toEqual({
      ref,
      at: at(4).toISOString(),
      status: 'processing',
      registered: 0,
      failed: 4000,
    });

    let episode = await history.episode(at(5), [
      history.completed(only(closed.newActions), 'processing', at(5)),
      ...[...chunks.slice(1), refill].map((chunk) => history.completed(chunk, chunkResult(4000, 0), at(5))),
    ]);
    const records: Action[] = [];
    for (let minute = 6; !episode.done; minute++) {
      const record = only(activity(episode, RECORD_PROGRESS_ACTIVITY));
      records.push(record);
      episode = await history.episode(at(minute), [history.completed(record, 'processing', at(minute))]);
    }
    expect(records.at(-1)?.input).toMatchObject({
      status: 'finished_with_errors',
      registered: P * 4000,
      failed: 4000,
    });
    expect(episode.output).toEqual({ status: 'finished_with_errors', registered: P * 4000, failed: 4000 });
  });

  it('when even failDeviceChunk fails every retry, then the other chunks still run and finishBatchWithLostChunks ends the batch finished_with_errors with the counts it recorded', async () => {
    const { history, third } = await processing({ ...baseInput, chunkCount: 2 });
    const [c0, c1] = activity(third, REGISTER_CHUNK_ACTIVITY);
    const failedAttempts = await history.episode(at(3), history.failedEveryRetry(c0, at(3)));
    const close = only(activity(failedAttempts, FAIL_CHUNK_ACTIVITY));
    const lost = await history.episode(at(4), history.failedEveryRetry(close, at(4)));
    // Nothing is counted for the lost chunk here; the batch row's total accounts for it at the end.
    const record = only(activity(lost, RECORD_PROGRESS_ACTIVITY));
    expect(record.input).toMatchObject({ status: 'processing', registered: 0, failed: 0 });

    const afterRecord = await history.episode(at(5), [
      history.completed(record, 'processing', at(5)),
      history.completed(c1, chunkResult(3990, 10), at(5)),
    ]);
    const progress = only(activity(afterRecord, RECORD_PROGRESS_ACTIVITY));
    expect(progress.input).toMatchObject({ status: 'processing', registered: 3990, failed: 10 });
    const last = await history.episode(at(6), [history.completed(progress, 'processing', at(6))]);
    expect(last.newActions).toEqual([
      {
        type: 'CallActivityWithRetry',
        id: expect.any(Number),
        name: FINISH_WITH_LOST_CHUNKS_ACTIVITY,
        input: { ref, registered: 3990, at: at(6).toISOString() },
        attempts: RECORD_ATTEMPTS,
      },
    ]);
    const end = await history.episode(at(7), [
      history.completed(only(last.newActions), { registered: 3990, failed: 4010 }, at(7)),
    ]);
    expect(end.done).toBe(true);
    expect(end.newActions).toEqual([]);
    expect(end.output).toEqual({ status: 'finished_with_errors', registered: 3990, failed: 4010 });
    expect(end.customStatus).toEqual({ status: 'finished_with_errors', registered: 3990, failed: 4010 });
  });

  it('when a running chunk fails every retry after consent was revoked, then the cancellation closes it (giving its keys back) before it records canceled', async () => {
    const { history, third } = await processing({ ...baseInput, chunkCount: P });
    const chunks = activity(third, REGISTER_CHUNK_ACTIVITY);
    const revoked = await history.episode(at(3), [history.raised(CONSENT_REVOKED_EVENT, at(3))]);
    expect(revoked.newActions).toEqual([]);

    const drained = await history.episode(at(4), [
      ...history.failedEveryRetry(chunks[0], at(4)),
      ...chunks.slice(1).map((chunk) => history.completed(chunk, chunkResult(0, 0, true), at(4))),
    ]);
    const close = only(drained.newActions);
    expect(close).toMatchObject({ name: FAIL_CHUNK_ACTIVITY, input: { ref, chunkNo: 0 } });

    const closed = await history.episode(at(5), [history.completed(close, { failed: 4000 }, at(5))]);
    expect(only(closed.newActions).input).toEqual({
      ref,
      at: at(5).toISOString(),
      status: 'canceled',
      registered: 0,
      failed: 4000,
    });
    const end = await history.episode(at(6), [history.completed(only(closed.newActions), 'canceled', at(6))]);
    expect(end.output).toEqual({ status: 'canceled', registered: 0, failed: 4000 });
  });

  it('when consent is revoked while a failed chunk is being closed, then the chunk is still counted, no chunk starts, and the batch ends canceled', async () => {
    const { history, third } = await processing({ ...baseInput, chunkCount: P + 2 });
    const chunks = activity(third, REGISTER_CHUNK_ACTIVITY);
    const failedAttempts = await history.episode(at(3), history.failedEveryRetry(chunks[0], at(3)));
    const close = only(activity(failedAttempts, FAIL_CHUNK_ACTIVITY));
    const refill = only(activity(failedAttempts, REGISTER_CHUNK_ACTIVITY));

    const closed = await history.episode(at(4), [
      history.raised(CONSENT_REVOKED_EVENT, at(4)),
      history.completed(close, { failed: 4000 }, at(4)),
    ]);
    const record = only(closed.newActions);
    expect(record.input).toMatchObject({ status: 'processing', registered: 0, failed: 4000 });
    const waiting = await history.episode(at(5), [history.completed(record, 'processing', at(5))]);
    expect(waiting.newActions).toEqual([]);

    const drained = await history.episode(at(6), [
      ...[...chunks.slice(1), refill].map((chunk) =>
        history.completed(chunk, chunkResult(0, 0, true), at(6)),
      ),
    ]);
    expect(only(drained.newActions).input).toMatchObject({ status: 'canceled', registered: 0, failed: 4000 });
  });

  it('when ConsentGiven and ConsentRevoked both arrive while it waits, then it cancels without registering anything', async () => {
    const { history, second } = await started('none');
    await history.episode(at(2), [history.completed(second.newActions[0], 'awaiting_consent', at(2))]);
    const episode = await history.episode(at(3), [
      history.raised(CONSENT_GIVEN_EVENT, at(3)),
      history.raised(CONSENT_REVOKED_EVENT, at(3)),
    ]);
    // The revocation is already in history when processing begins: it cancels before any chunk starts.
    expect(
      activity(episode, RECORD_PROGRESS_ACTIVITY).map((a) => (a.input as { status: string }).status),
    ).toEqual(['processing', 'canceled']);
    expect(activity(episode, REGISTER_CHUNK_ACTIVITY)).toEqual([]);
    const canceledRecord = activity(episode, RECORD_PROGRESS_ACTIVITY)[1]!;
    const end = await history.episode(at(4), [history.completed(canceledRecord, 'canceled', at(4))]);
    expect(end.done).toBe(true);
    expect(end.output).toEqual({ status: 'canceled', registered: 0, failed: 0 });
  });

  it('when the times are recorded, then each is the OrchestratorStarted timestamp of its episode, whatever the wall clock says', async () => {
    const recordedAt = async (wallClock: string) => {
      jest.useFakeTimers({
        now: new Date(wallClock),
        doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
      });
      try {
        const { second } = await started('active');
        return (only(activity(second, RECORD_PROGRESS_ACTIVITY)).input as { at: string }).at;
      } finally {
        jest.useRealTimers();
      }
    };
    expect(await recordedAt('2030-01-01T00:00:00.000Z')).toBe(at(1).toISOString());
    expect(await recordedAt('2031-06-01T12:34:56.000Z')).toBe(at(1).toISOString());
  });

  it('when the same history is replayed twice, then the library answers the same actions and status both times', async () => {
    const { history, third } = await processing({ ...baseInput, chunkCount: 6 });
    const chunks = activity(third, REGISTER_CHUNK_ACTIVITY);
    await history.episode(at(3), [history.completed(chunks[2], chunkResult(5, 1), at(3))]);
    const first = await history.replay();
    const second = await history.replay();
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(flatten(first.actions).length).toBeGreaterThan(5);
  });
});

/**
 * Drives a batch to its end from `episode`: answers, one per episode and in the order they were
 * scheduled, every activity still open (a chunk registers `perChunk` devices, a record returns its
 * status), at `from` plus one minute per step. Stops when the orchestration completes or nothing is
 * left to answer (a batch that would wait for good).
 */
async function drive(history: History, episode: Episode, from: Date, perChunk = 1000) {
  const open: Action[] = [...episode.newActions.filter((a) => a.type !== 'WaitForExternalEvent')];
  const answered = new Set<number>();
  let last = episode;
  for (let step = 1; !last.done && step < 200; step++) {
    const next = open.find((a) => !answered.has(a.id!) && a.type !== 'CreateTimer');
    if (!next) break;
    answered.add(next.id!);
    const time = new Date(from.getTime() + step * 60_000);
    const result =
      next.name === REGISTER_CHUNK_ACTIVITY
        ? chunkResult(perChunk, 0)
        : ((next.input as { status?: string }).status ?? null);
    last = await history.episode(time, [history.completed(next, result, time)]);
    open.push(...last.newActions.filter((a) => a.type !== 'WaitForExternalEvent'));
  }
  return last;
}

/** Waiting for consent: the instance has recorded awaiting_consent and answered with its long deadline timer. */
async function waitingForConsent(input: BatchOrchestrationInput) {
  const { history, second } = await started('none', input);
  const third = await history.episode(at(2), [
    history.completed(second.newActions[0], 'awaiting_consent', at(2)),
  ]);
  const deadline = only(third.newActions.filter((a) => a.type === 'CreateTimer'));
  return { history, deadline };
}

describe('deviceBatchOrchestration on synthetic extension-style histories (14-day deadline = long timer of 3-day sub-timers)', () => {
  it('when consent arrives at hour 71 and the first sub-timer fires at hour 72 while a chunk still runs, then every later record completes and the batch finishes with every device registered', async () => {
    const input = { ...baseInput, chunkCount: 2 };
    const { history, deadline } = await waitingForConsent(input);
    const consent = await history.episode(hours(71), [history.raised(CONSENT_GIVEN_EVENT, hours(71))]);
    const processingRecord = only(activity(consent, RECORD_PROGRESS_ACTIVITY));
    const chunksStarted = await history.episode(hours(71.1), [
      history.completed(processingRecord, 'processing', hours(71.1)),
    ]);
    expect(activity(chunksStarted, REGISTER_CHUNK_ACTIVITY)).toHaveLength(2);

    const sub = history.subTimerFired(deadline);
    expect(sub.at.getTime()).toBeLessThan(hours(73).getTime());
    const afterSubTimer = await history.episode(sub.at, [sub.event]);
    expect(afterSubTimer.newActions).toEqual([]);

    const end = await drive(history, chunksStarted, sub.at);
    expect(end.done).toBe(true);
    expect(end.output).toEqual({ status: 'finished', registered: 2000, failed: 0 });
    // The long timer is never canceled: the extension would stop its sub-timer loop, the library would not.
    expect(end.allActions.find((a) => a.id === deadline.id)?.canceled).toBe(false);
  });

  it('when no consent comes, then the sub-timers follow the extension (days 3, 6, 9, 12, then the deadline) and the batch records expired at the deadline', async () => {
    const { history, deadline } = await waitingForConsent(baseInput);
    const fired: string[] = [];
    let episode: Episode | undefined;
    for (let i = 0; i < 10 && !episode?.newActions.length; i++) {
      const sub = history.subTimerFired(deadline);
      fired.push(sub.at.toISOString());
      episode = await history.episode(sub.at, [sub.event]);
    }
    const created = history.events
      .filter((e) => e.EventType === 10)
      .map((e) => (e as { FireAt: string }).FireAt);
    expect(created).toEqual([
      new Date(at(2).getTime() + 3 * DAY).toISOString(),
      new Date(at(2).getTime() + 6 * DAY).toISOString(),
      new Date(at(2).getTime() + 9 * DAY).toISOString(),
      new Date(at(2).getTime() + 12 * DAY).toISOString(),
      baseInput.deadline,
    ]);
    expect(fired.at(-1)).toBe(baseInput.deadline);
    const expired = only(activity(episode!, RECORD_PROGRESS_ACTIVITY));
    expect(expired.input).toMatchObject({ status: 'expired' });
    const end = await history.episode(hours(400), [history.completed(expired, 'expired', hours(400))]);
    expect(end.output).toEqual({ status: 'expired' });
  });

  it('when a chunk fails every retry while sub-timers keep firing, then failDeviceChunk closes it and the batch ends finished_with_errors', async () => {
    const input = { ...baseInput, chunkCount: 2 };
    const { history, deadline } = await waitingForConsent(input);
    const first = history.subTimerFired(deadline);
    await history.episode(first.at, [first.event]);
    const consentAt = new Date(first.at.getTime() + 60_000);
    const consent = await history.episode(consentAt, [history.raised(CONSENT_GIVEN_EVENT, consentAt)]);
    const chunksAt = new Date(consentAt.getTime() + 60_000);
    const chunksStarted = await history.episode(chunksAt, [
      history.completed(only(activity(consent, RECORD_PROGRESS_ACTIVITY)), 'processing', chunksAt),
    ]);
    const [failing, healthy] = activity(chunksStarted, REGISTER_CHUNK_ACTIVITY);
    const failedAt = new Date(chunksAt.getTime() + 60_000);
    const afterFailure = await history.episode(failedAt, history.failedEveryRetry(failing, failedAt));
    const close = only(activity(afterFailure, FAIL_CHUNK_ACTIVITY));
    const second = history.subTimerFired(deadline);
    await history.episode(second.at, [second.event]);

    const closedAt = new Date(second.at.getTime() + 60_000);
    const closed = await history.episode(closedAt, [history.completed(close, { failed: 1000 }, closedAt)]);
    const end = await drive(history, { ...closed, newActions: [healthy!, ...closed.newActions] }, closedAt);
    expect(end.output).toEqual({ status: 'finished_with_errors', registered: 1000, failed: 1000 });
  });

  it('when consent is revoked in the episode where a sub-timer fires, then the running chunk is waited for and the batch ends canceled', async () => {
    const input = { ...baseInput, chunkCount: 3 };
    const { history, deadline } = await waitingForConsent(input);
    const consent = await history.episode(hours(70), [history.raised(CONSENT_GIVEN_EVENT, hours(70))]);
    const chunksStarted = await history.episode(hours(70.5), [
      history.completed(only(activity(consent, RECORD_PROGRESS_ACTIVITY)), 'processing', hours(70.5)),
    ]);
    const chunks = activity(chunksStarted, REGISTER_CHUNK_ACTIVITY);
    const sub = history.subTimerFired(deadline);
    const revoked = await history.episode(sub.at, [history.raised(CONSENT_REVOKED_EVENT, sub.at), sub.event]);
    expect(activity(revoked, REGISTER_CHUNK_ACTIVITY)).toEqual([]);

    let episode = revoked;
    for (const [n, chunk] of chunks.entries()) {
      const time = new Date(sub.at.getTime() + (n + 1) * 60_000);
      episode = await history.episode(time, [history.completed(chunk, chunkResult(0, 0, true), time)]);
    }
    const record = only(activity(episode, RECORD_PROGRESS_ACTIVITY));
    expect(record.input).toMatchObject({ status: 'canceled', registered: 0, failed: 0 });
    const end = await history.episode(hours(80), [history.completed(record, 'canceled', hours(80))]);
    expect(end.output).toEqual({ status: 'canceled', registered: 0, failed: 0 });
  });
});
