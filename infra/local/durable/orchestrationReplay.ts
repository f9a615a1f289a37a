import type { InvocationContext } from '@azure/functions';
import type { HistoryEvent } from './historyEvents';
import { retryPolicySchema, type RetryPolicy } from './retryPolicy';

/**
 * One call of the library's orchestrator (the handler `df.app.orchestration` registered, built by
 * `createOrchestrator`) on a history, and the reading of what it answers. This is the part the
 * Durable extension's out-of-process shim plays: it knows the binding payload and the action
 * shapes, nothing about storage.
 */

/**
 * The replay schema the extension offers (OrchestrationTriggerAttributeBindingProvider.cs):
 * `upperSchemaVersion` V2 for old SDKs and `upperSchemaVersionNew` V4 (value 3), which the extension has
 * advertised since Azure/azure-functions-durable-extension#3453 (V3, value 2, before it). durable-functions
 * 3.5 reads V4 exactly as V3 except that `context.df.lock` (entity critical sections, with the extension's
 * LockEntities/ReleaseEntities actions) is allowed only from V4; this service takes no entity locks.
 * Actions come as a tree of WhenAll/WhenAny, as in V2; what V3 added is long timers: a timer further away
 * than `maximumShortTimerDuration` becomes a LongTimerTask of sub-timers, and the runtime writes those
 * sub-timers as the extension does (see longTimers.ts).
 */
export const ReplaySchema = { V2: 1, V3: 2, V4: 3 } as const;

/** The extension's timer limits, as TimeSpans on the wire. */
export interface TimerLimits {
  /** Timers further away than this are long timers (Azure Storage: 6 days). */
  readonly maximumShortTimerMs: number;
  /** The length of each sub-timer of a long timer (Azure Storage: 3 days). */
  readonly longRunningTimerIntervalMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** AzureStorageDurabilityProvider's MaximumDelayTime and LongRunningTimerIntervalLength. */
export const AZURE_STORAGE_TIMER_LIMITS: TimerLimits = {
  maximumShortTimerMs: 6 * DAY_MS,
  longRunningTimerIntervalMs: 3 * DAY_MS,
};

export interface OrchestrationTriggerPayload {
  readonly history: HistoryEvent[];
  readonly input: unknown;
  readonly instanceId: string;
  readonly isReplaying: boolean;
  readonly parentInstanceId: string | undefined;
  readonly upperSchemaVersion: number;
  readonly upperSchemaVersionNew: number;
  readonly longRunningTimerIntervalDuration: string;
  readonly maximumShortTimerDuration: string;
  readonly defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

export function triggerPayload(
  instanceId: string,
  history: readonly HistoryEvent[],
  playedCount: number,
  input: unknown,
  limits: TimerLimits = AZURE_STORAGE_TIMER_LIMITS,
): OrchestrationTriggerPayload {
  return {
    // Shallow copies: the library rewrites Timestamp strings into Dates on what it is given.
    history: history.map((event, index) => ({ ...event, IsPlayed: index < playedCount })),
    input,
    instanceId,
    isReplaying: playedCount > 0,
    parentInstanceId: undefined,
    upperSchemaVersion: ReplaySchema.V2,
    upperSchemaVersionNew: ReplaySchema.V4,
    longRunningTimerIntervalDuration: timeSpan(limits.longRunningTimerIntervalMs),
    maximumShortTimerDuration: timeSpan(limits.maximumShortTimerMs),
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
}

/** A .NET TimeSpan as Json.NET writes it ("6.00:00:00", "00:00:02.5000000"); moment.duration reads it. */
export function timeSpan(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const days = Math.floor(whole / 86_400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(Math.floor((whole % 86_400) / 3600))}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}`;
  const fraction = ms % 1000 === 0 ? '' : `.${String((ms % 1000) * 10_000).padStart(7, '0')}`;
  return `${days > 0 ? `${days}.` : ''}${clock}${fraction}`;
}

/** Reads "[d.]hh:mm:ss[.fffffff]", the TimeSpan form above; undefined for anything else. */
export function parseTimeSpan(text: string): number | undefined {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match;
  const ms = Math.round(Number(`0.${fraction || '0'}`) * 1000);
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000 + ms;
}

/**
 * Long-timer limits from the local host's settings `DURABLE_MAXIMUM_SHORT_TIMER_DURATION` and
 * `DURABLE_LONG_RUNNING_TIMER_INTERVAL` (TimeSpans, e.g. "00:00:06"); Azure Storage's when unset.
 */
export function timerLimitsFrom(env: NodeJS.ProcessEnv): TimerLimits {
  const read = (name: string, fallback: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const ms = parseTimeSpan(text);
    if (ms === undefined || ms <= 0)
      throw new Error(`${name} must be a TimeSpan such as "6.00:00:00", not "${text}".`);
    return ms;
  };
  const limits = {
    maximumShortTimerMs: read(
      'DURABLE_MAXIMUM_SHORT_TIMER_DURATION',
      AZURE_STORAGE_TIMER_LIMITS.maximumShortTimerMs,
    ),
    longRunningTimerIntervalMs: read(
      'DURABLE_LONG_RUNNING_TIMER_INTERVAL',
      AZURE_STORAGE_TIMER_LIMITS.longRunningTimerIntervalMs,
    ),
  };
  if (limits.longRunningTimerIntervalMs > limits.maximumShortTimerMs)
    throw new Error(
      'DURABLE_LONG_RUNNING_TIMER_INTERVAL must not be longer than DURABLE_MAXIMUM_SHORT_TIMER_DURATION.',
    );
  return limits;
}

/** An action that takes a sequence number (an EventId in history) when the orchestrator yields it. */
export type ScheduledAction =
  | {
      readonly kind: 'activity';
      readonly name: string;
      readonly input: string | undefined;
      readonly retry?: RetryPolicy;
    }
  | { readonly kind: 'timer'; readonly fireAt: Date; readonly canceled: boolean }
  | { readonly kind: 'unsupported'; readonly description: string };

export type ReplayOutcome =
  | { readonly status: 'running'; readonly actions: ScheduledAction[]; readonly customStatus: unknown }
  | {
      readonly status: 'completed';
      readonly actions: ScheduledAction[];
      readonly customStatus: unknown;
      readonly output: unknown;
    }
  | {
      readonly status: 'continuedAsNew';
      readonly actions: ScheduledAction[];
      readonly customStatus: unknown;
      readonly input: string | undefined;
    }
  | {
      readonly status: 'failed';
      readonly actions: ScheduledAction[];
      readonly customStatus: unknown;
      readonly message: string;
      readonly stack?: string;
    };

export type OrchestratorHandler = (payload: unknown, context: InvocationContext) => unknown;

interface LibraryState {
  isDone?: boolean;
  actions?: unknown;
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

const OUT_OF_PROC_DATA = '\n\n$OutOfProcData$:';

export async function replayOrchestrator(
  handler: OrchestratorHandler,
  payload: OrchestrationTriggerPayload,
  context: InvocationContext,
): Promise<ReplayOutcome> {
  let state: LibraryState;
  try {
    state = (await handler(payload, context)) as LibraryState;
  } catch (error) {
    // The library reports an orchestrator exception as OrchestrationFailureError, whose message is
    // the user's message followed by the state it had reached (OrchestrationFailureError.js).
    const text = error instanceof Error ? error.message : String(error);
    const cut = text.indexOf(OUT_OF_PROC_DATA);
    let partial: LibraryState = {};
    if (cut >= 0) {
      try {
        partial = JSON.parse(text.slice(cut + OUT_OF_PROC_DATA.length)) as LibraryState;
      } catch {
        partial = {};
      }
    }
    return {
      status: 'failed',
      actions: [],
      customStatus: partial.customStatus,
      message: partial.error ?? (cut >= 0 ? text.slice(0, cut) : text),
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    };
  }
  const { scheduled, continueAsNew } = flattenActions(state.actions);
  if (continueAsNew) {
    return {
      status: 'continuedAsNew',
      actions: scheduled,
      customStatus: state.customStatus,
      input: continueAsNew.input,
    };
  }
  if (state.isDone) {
    return {
      status: 'completed',
      actions: scheduled,
      customStatus: state.customStatus,
      output: state.output,
    };
  }
  return { status: 'running', actions: scheduled, customStatus: state.customStatus };
}

/** Library ActionType values (durable-functions/lib/src/actions/ActionType.js). */
const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

interface RawAction {
  actionType?: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: unknown;
  fireAt?: unknown;
  isCanceled?: boolean;
  compoundActions?: unknown[];
}

/**
 * The orchestrator answers with every action since the execution started (it rebuilds them on each
 * replay), depth first in the order the library hands out sequence numbers. An action object that
 * was yielded twice (a task awaited alone, then inside Task.all) is listed twice but was numbered
 * once, hence the identity check. WaitForExternalEvent takes no number: events match by name.
 */
export function flattenActions(actions: unknown): {
  scheduled: ScheduledAction[];
  continueAsNew?: { input: string | undefined };
} {
  const seen = new Set<object>();
  const scheduled: ScheduledAction[] = [];
  let continueAsNew: { input: string | undefined } | undefined;

  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    const action = value as RawAction;
    switch (action.actionType) {
      case ActionType.WhenAll:
      case ActionType.WhenAny:
        visit(action.compoundActions ?? []);
        return;
      case ActionType.WaitForExternalEvent:
        return;
      case ActionType.CallActivity:
        scheduled.push({
          kind: 'activity',
          name: String(action.functionName),
          input: wireInput(action.input),
        });
        return;
      case ActionType.CallActivityWithRetry: {
        const retry = retryPolicySchema.parse(action.retryOptions);
        scheduled.push({
          kind: 'activity',
          name: String(action.functionName),
          input: wireInput(action.input),
          retry,
        });
        return;
      }
      case ActionType.CreateTimer:
        scheduled.push({
          kind: 'timer',
          fireAt: action.fireAt instanceof Date ? action.fireAt : new Date(String(action.fireAt)),
          canceled: action.isCanceled === true,
        });
        return;
      case ActionType.ContinueAsNew:
        continueAsNew = { input: wireInput(action.input) };
        return;
      default:
        scheduled.push({ kind: 'unsupported', description: describeUnsupported(action.actionType) });
    }
  };
  visit(actions);
  return continueAsNew ? { scheduled, continueAsNew } : { scheduled };
}

/**
 * The library pre-encodes string inputs (Utils.processInput) because the extension reads a string
 * input as JSON text; objects are passed as they are. Either way the result is JSON text here.
 */
export function wireInput(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'string') {
    try {
      JSON.parse(input);
      return input;
    } catch {
      return JSON.stringify(input);
    }
  }
  return JSON.stringify(input);
}

function describeUnsupported(actionType: number | undefined): string {
  const name =
    Object.entries(ActionType).find(([, v]) => v === actionType)?.[0] ?? `action type ${actionType}`;
  return `${name} (not supported by the local durable runtime: sub-orchestrations, entities and durable HTTP are not emulated)`;
}
