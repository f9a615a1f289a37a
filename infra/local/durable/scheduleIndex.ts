import { HistoryEventType, isType, type EventOfType, type HistoryEvent } from './historyEvents';
import type { HistoryRecord, RetryAttemptMeta } from './historyRecord';
import type { RetryPolicy } from './retryPolicy';

/** Index of the scheduling events (TaskScheduled, TimerCreated) of a history, by sequence number. */
export class ScheduleIndex {
  readonly byId = new Map<number, HistoryRecord>();
  /** Scheduling events the orchestrator code itself asked for, in sequence order. */
  readonly userActions: HistoryRecord[] = [];
  readonly closed = new Set<number>();
  nextId = 0;

  constructor(history: readonly HistoryRecord[]) {
    for (const record of history) this.add(record);
  }

  add(record: HistoryRecord): void {
    const event = record.event;
    if (isType(event, HistoryEventType.TaskScheduled) || isType(event, HistoryEventType.TimerCreated)) {
      this.byId.set(event.EventId, record);
      this.nextId = Math.max(this.nextId, event.EventId + 1);
      const isRetryInternal =
        record.meta?.retryTimer !== undefined ||
        (record.meta?.attempt !== undefined && record.meta.attempt.attempt > 1);
      const isLaterSubTimer =
        record.meta?.longTimer !== undefined && record.meta.longTimer.root !== event.EventId;
      if (!isRetryInternal && !isLaterSubTimer) this.userActions.push(record);
    } else if (isType(event, HistoryEventType.TaskCompleted) || isType(event, HistoryEventType.TaskFailed)) {
      this.closed.add(event.TaskScheduledId);
    } else if (isType(event, HistoryEventType.TimerFired)) {
      this.closed.add(event.TimerId);
    }
  }

  /** The retry chain's first attempt, which carries its policy, name and input. */
  root(
    attempt: RetryAttemptMeta,
  ): { policy: RetryPolicy; firstAttemptAt: Date; event: EventOfType<4> } | undefined {
    const root = this.byId.get(attempt.root);
    const meta = root?.meta?.attempt;
    if (
      !root ||
      !meta?.policy ||
      !meta.firstAttemptAt ||
      !isType(root.event, HistoryEventType.TaskScheduled)
    ) {
      return undefined;
    }
    return { policy: meta.policy, firstAttemptAt: new Date(meta.firstAttemptAt), event: root.event };
  }

  /**
   * Whether delivering `event` makes the library take a sequence number: its RetryableTask (a retry
   * timer after a failed attempt, the next attempt after that timer) or its LongTimerTask (the next
   * sub-timer after one fires short of the final time). The number is handed out while
   * the event is processed, so the episode must end with this event for the runtime to know it.
   */
  takesSequenceNumber(event: HistoryEvent): boolean {
    if (isType(event, HistoryEventType.TaskFailed)) {
      return this.byId.get(event.TaskScheduledId)?.meta?.attempt !== undefined;
    }
    if (isType(event, HistoryEventType.TimerFired)) {
      // A sub-timer short of the final fire time: the next sub-timer takes a number.
      const fired = this.byId.get(event.TimerId);
      const long = fired?.meta?.longTimer;
      if (long && fired && isType(fired.event, HistoryEventType.TimerCreated))
        return Date.parse(fired.event.FireAt) < Date.parse(long.fireAt);
      const timer = fired?.meta?.retryTimer;
      if (!timer) return false;
      const root = this.root({ root: timer.root, attempt: 1 });
      return root !== undefined && timer.afterAttempt + 1 <= root.policy.maxNumberOfAttempts;
    }
    return false;
  }
}
