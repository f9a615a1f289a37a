import type { HistoryEvent } from './historyEvents';
import type { RetryPolicy } from './retryPolicy';

/**
 * What the runtime keeps beside each history event. The event itself stays exactly in the library's
 * shape; the bookkeeping that the Durable Task Framework keeps in its retry interceptor (which
 * attempt a task is, which retry a timer waits for) travels here so replay after a restart rebuilds it.
 */
export interface RetryAttemptMeta {
  /** EventId of the chain's first TaskScheduled. */
  readonly root: number;
  readonly attempt: number;
  /** Only on the first attempt. */
  readonly policy?: RetryPolicy;
  readonly firstAttemptAt?: string;
}

export interface RetryTimerMeta {
  readonly root: number;
  readonly afterAttempt: number;
  /** The retry timeout had passed: the remaining attempts fail without running. */
  readonly expired: boolean;
}

/**
 * A sub-timer of a long timer (replay schema V3 and later): the extension's CreateTimer loop writes one
 * TimerCreated per sub-timer, the first when the orchestrator asks for the timer, each next one when
 * the previous fires, until the final fire time.
 */
export interface LongTimerMeta {
  /** EventId of the chain's first sub-timer, the one the orchestrator's action took. */
  readonly root: number;
  /** The fire time the orchestrator asked for. */
  readonly fireAt: string;
}

export interface HistoryRecordMeta {
  readonly attempt?: RetryAttemptMeta;
  readonly retryTimer?: RetryTimerMeta;
  readonly longTimer?: LongTimerMeta;
}

export interface HistoryRecord {
  readonly event: HistoryEvent;
  readonly meta?: HistoryRecordMeta;
  /** The queue message this event was delivered by, so a redelivered message is recognised. */
  readonly messageId?: string;
}
