import { randomUUID } from 'node:crypto';
import { historyEvents, HistoryEventType, isType, OrchestrationStatusCode } from './historyEvents';
import type { HistoryRecord } from './historyRecord';
import type { InstanceRecord, RuntimeStatus } from './instanceStore';
import { messageIds, type EventMessage, type Message } from './messageStore';
import { activityMessage, retryTimeoutFailure, timerMessage } from './episodePlanner';
import { ScheduleIndex } from './scheduleIndex';

/**
 * After a restart, history is the truth and messages are brought in line with it. An episode's
 * writes (history, then messages, then the instance row) are not one transaction, so a crash can
 * leave: messages already recorded in history (deleted here), work promised by history but never
 * queued (an activity or timer re-created here), or a finished history under a row that still says
 * Running (the row is corrected here).
 */
export interface Reconciled {
  readonly record: InstanceRecord;
  readonly history: HistoryRecord[];
  readonly keep: Message[];
  readonly put: Message[];
  readonly remove: string[];
}

const STATUS_BY_CODE: Record<number, RuntimeStatus> = {
  [OrchestrationStatusCode.Completed]: 'Completed',
  [OrchestrationStatusCode.Failed]: 'Failed',
  [OrchestrationStatusCode.Terminated]: 'Terminated',
};

export function reconcile(
  record: InstanceRecord,
  history: HistoryRecord[],
  messages: readonly Message[],
  now: Date,
): Reconciled {
  const closing = history.map((r) => r.event).find((e) => isType(e, HistoryEventType.ExecutionCompleted));
  if (closing && isType(closing, HistoryEventType.ExecutionCompleted)) {
    const status = STATUS_BY_CODE[closing.OrchestrationStatus];
    if (status) {
      const fixed: InstanceRecord = {
        ...record,
        runtimeStatus: status,
        lastUpdatedTime: now.toISOString(),
        ...(closing.Result === undefined ? {} : { output: closing.Result }),
      };
      return { record: fixed, history, keep: [], put: [], remove: messages.map((m) => m.id) };
    }
    // Continued as new but the row was not moved to the next execution yet.
    const executionId = randomUUID();
    const { input: _old, ...rest } = record;
    const next: InstanceRecord = {
      ...rest,
      executionId,
      runtimeStatus: 'Running',
      ...(closing.Result === undefined ? {} : { input: closing.Result }),
    };
    return {
      record: next,
      history: [],
      keep: [],
      put: [startMessage(next, now)],
      remove: messages.map((m) => m.id),
    };
  }

  const index = new ScheduleIndex(history);
  const consumed = new Set(history.flatMap((r) => (r.messageId ? [r.messageId] : [])));
  const keep: Message[] = [];
  const remove: string[] = [];
  for (const message of messages) {
    const otherExecution = message.executionId !== undefined && message.executionId !== record.executionId;
    const settled =
      message.kind === 'activity' &&
      (!index.byId.has(message.taskScheduledId) || index.closed.has(message.taskScheduledId));
    if (otherExecution || consumed.has(message.id) || settled) remove.push(message.id);
    else keep.push(message);
  }
  const queued = new Set(keep.map((m) => m.id));
  const put: Message[] = [];
  for (const [id, entry] of index.byId) {
    if (index.closed.has(id)) continue;
    const event = entry.event;
    if (isType(event, HistoryEventType.TaskScheduled)) {
      if (
        queued.has(messageIds.activity(record.executionId, id)) ||
        queued.has(messageIds.result(record.executionId, id))
      )
        continue;
      put.push(
        attemptExpired(index, entry)
          ? retryTimeoutFailure(record, id, event.Name, now)
          : activityMessage(record, id, event.Name, event.Input, now),
      );
    } else if (isType(event, HistoryEventType.TimerCreated)) {
      // A timer the orchestrator cancelled comes back too; its TimerFired is ignored by the library.
      if (!queued.has(messageIds.timer(record.executionId, id)))
        put.push(timerMessage(record, id, new Date(event.FireAt), now));
    }
  }
  if (history.length === 0 && !queued.has(messageIds.start(record.executionId)))
    put.push(startMessage(record, now));
  return { record, history, keep, put, remove };
}

function attemptExpired(index: ScheduleIndex, entry: HistoryRecord): boolean {
  const attempt = entry.meta?.attempt;
  if (!attempt || attempt.attempt <= 1) return false;
  for (const other of index.byId.values()) {
    const timer = other.meta?.retryTimer;
    if (timer && timer.root === attempt.root && timer.afterAttempt === attempt.attempt - 1)
      return timer.expired;
  }
  return false;
}

export function startMessage(record: InstanceRecord, now: Date): EventMessage {
  return {
    kind: 'event',
    instanceId: record.instanceId,
    id: messageIds.start(record.executionId),
    executionId: record.executionId,
    visibleAt: now.getTime(),
    enqueuedAt: now.getTime(),
    event: historyEvents.executionStarted(now, record.name, record.input),
  };
}
