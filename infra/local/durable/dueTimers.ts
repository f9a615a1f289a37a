import { WorkKeys } from './workKeys';

/** setTimeout's limit; a later message is re-armed when this one fires early. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * In-memory alarms for messages that are not visible yet (durable timers, retry delays): one per
 * (instance, message), re-armed when the same message is delivered again, dropped with its message.
 * Storage holds the same messages, so a lost alarm (a restart) is found again by the runtime's poll.
 */
export class DueTimers {
  readonly #alarms = new WorkKeys<NodeJS.Timeout>();

  /** Calls `fire` at `visibleAt` (or at once if that has passed), replacing any alarm of this message. */
  arm(instanceId: string, id: string, visibleAt: number, fire: () => void): void {
    this.cancel(instanceId, id);
    const delay = Math.min(Math.max(0, visibleAt - Date.now()), MAX_TIMEOUT_MS);
    const alarm = setTimeout(() => {
      this.#alarms.delete(instanceId, id);
      fire();
    }, delay);
    alarm.unref();
    this.#alarms.set(instanceId, id, alarm);
  }

  cancel(instanceId: string, id: string): void {
    clearTimeout(this.#alarms.delete(instanceId, id));
  }

  cancelInstance(instanceId: string): void {
    for (const [, alarm] of this.#alarms.deleteInstance(instanceId)) clearTimeout(alarm);
  }

  clear(): void {
    for (const alarm of this.#alarms.values()) clearTimeout(alarm);
    this.#alarms.clear();
  }
}
