import type { HistoryRecord } from './historyRecord';
import type { InstanceRecord } from './instanceStore';
import type { EventMessage } from './messageStore';
import { ScheduleIndex } from './scheduleIndex';

/**
 * An instance this process is driving: its committed history stays in memory between episodes so a
 * long history (a fan-out of a thousand activities) is read from storage once, after a restart, and
 * not on every completion.
 */
export interface LiveInstance {
  record: InstanceRecord;
  history: HistoryRecord[];
  /** Message ids already recorded in `history`: a redelivered message is dropped, not replayed twice. */
  consumed: Set<string>;
  /** Messages waiting for the next episode, including timers that are not due yet. */
  pending: Map<string, EventMessage>;
  /** Sequence numbers and retry bookkeeping of `history`, kept in step with it. */
  index: ScheduleIndex;
}

export function newLiveInstance(record: InstanceRecord, history: HistoryRecord[] = []): LiveInstance {
  const consumed = new Set<string>();
  for (const entry of history) if (entry.messageId) consumed.add(entry.messageId);
  return { record, history, consumed, pending: new Map(), index: new ScheduleIndex(history) };
}
