/**
 * The history wire format that `durable-functions` replays: field names and numeric enum values are
 * those of the Durable Task Framework's JSON (see durable-functions/lib/src/history). The library
 * does not export its enum, so the values are repeated here and checked against it in the tests.
 */
export const HistoryEventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;
export type HistoryEventTypeValue = (typeof HistoryEventType)[keyof typeof HistoryEventType];

/** DTFx's OrchestrationStatus, as carried by ExecutionCompleted. */
export const OrchestrationStatusCode = {
  Running: 0,
  Completed: 1,
  ContinuedAsNew: 2,
  Failed: 3,
  Canceled: 4,
  Terminated: 5,
  Pending: 6,
} as const;

/** The failure shape the library turns into a TaskFailedError (TaskFailedError.js, FailureDetails). */
export interface FailureDetailsPayload {
  readonly ErrorType: string;
  readonly ErrorMessage: string;
  readonly StackTrace?: string;
  readonly IsNonRetriable?: boolean;
  readonly Properties?: Record<string, unknown>;
}

interface EventBase {
  readonly EventId: number;
  readonly IsPlayed: boolean;
  /** ISO 8601; the library turns it into a Date. */
  readonly Timestamp: string;
}

export type HistoryEvent =
  | (EventBase & { readonly EventType: 12 }) // OrchestratorStarted
  | (EventBase & { readonly EventType: 13 }) // OrchestratorCompleted
  | (EventBase & {
      readonly EventType: 0;
      readonly Name: string;
      readonly Input?: string;
      readonly Version?: string;
    })
  | (EventBase & {
      readonly EventType: 1;
      readonly OrchestrationStatus: number;
      readonly Result?: string;
      readonly FailureDetails?: FailureDetailsPayload;
    })
  | (EventBase & { readonly EventType: 3; readonly Input?: string })
  | (EventBase & { readonly EventType: 4; readonly Name: string; readonly Input?: string })
  | (EventBase & { readonly EventType: 5; readonly TaskScheduledId: number; readonly Result: string })
  | (EventBase & {
      readonly EventType: 6;
      readonly TaskScheduledId: number;
      readonly Reason?: string;
      readonly Details?: string;
      readonly FailureDetails?: FailureDetailsPayload;
    })
  | (EventBase & { readonly EventType: 10; readonly FireAt: string })
  | (EventBase & { readonly EventType: 11; readonly TimerId: number; readonly FireAt: string })
  | (EventBase & { readonly EventType: 15; readonly Name: string; readonly Input?: string });

export type EventOfType<T extends HistoryEventTypeValue> = Extract<HistoryEvent, { EventType: T }>;

const base = (at: Date, eventId = -1): EventBase => ({
  EventId: eventId,
  IsPlayed: false,
  Timestamp: at.toISOString(),
});

export const historyEvents = {
  orchestratorStarted: (at: Date): HistoryEvent => ({ ...base(at), EventType: 12 }),
  orchestratorCompleted: (at: Date): HistoryEvent => ({ ...base(at), EventType: 13 }),
  executionStarted: (at: Date, name: string, input: string | undefined): HistoryEvent => ({
    ...base(at),
    EventType: 0,
    Name: name,
    ...(input === undefined ? {} : { Input: input }),
  }),
  executionCompleted: (
    at: Date,
    status: number,
    result: string | undefined,
    failure?: FailureDetailsPayload,
  ): HistoryEvent => ({
    ...base(at),
    EventType: 1,
    OrchestrationStatus: status,
    ...(result === undefined ? {} : { Result: result }),
    ...(failure ? { FailureDetails: failure } : {}),
  }),
  executionTerminated: (at: Date, reason: string): HistoryEvent => ({
    ...base(at),
    EventType: 3,
    Input: JSON.stringify(reason),
  }),
  taskScheduled: (at: Date, id: number, name: string, input: string | undefined): HistoryEvent => ({
    ...base(at, id),
    EventType: 4,
    Name: name,
    ...(input === undefined ? {} : { Input: input }),
  }),
  taskCompleted: (at: Date, taskScheduledId: number, result: string): HistoryEvent => ({
    ...base(at),
    EventType: 5,
    TaskScheduledId: taskScheduledId,
    Result: result,
  }),
  taskFailed: (at: Date, taskScheduledId: number, failure: FailureDetailsPayload): HistoryEvent => ({
    ...base(at),
    EventType: 6,
    TaskScheduledId: taskScheduledId,
    Reason: failure.ErrorMessage,
    Details: failure.StackTrace ?? '',
    FailureDetails: failure,
  }),
  timerCreated: (at: Date, id: number, fireAt: Date): HistoryEvent => ({
    ...base(at, id),
    EventType: 10,
    FireAt: fireAt.toISOString(),
  }),
  timerFired: (at: Date, timerId: number, fireAt: string): HistoryEvent => ({
    ...base(at),
    EventType: 11,
    TimerId: timerId,
    FireAt: fireAt,
  }),
  eventRaised: (at: Date, name: string, input: string | undefined): HistoryEvent => ({
    ...base(at),
    EventType: 15,
    Name: name,
    ...(input === undefined ? {} : { Input: input }),
  }),
};

export function isType<T extends HistoryEventTypeValue>(
  event: HistoryEvent,
  type: T,
): event is EventOfType<T> {
  return event.EventType === type;
}

/** Names for people (status API `showHistory`, error messages). */
export function eventTypeName(type: number): string {
  return Object.entries(HistoryEventType).find(([, value]) => value === type)?.[0] ?? `Event${type}`;
}
