import type { InvocationContext } from '@azure/functions';
import type { Registration } from '../functionsCore/registry';
import { historyEvents, type FailureDetailsPayload } from './historyEvents';
import { messageIds, type ActivityMessage, type EventMessage } from './messageStore';
import { MAX_JSON_CHARS, parseJson } from './episodePlanner';

/**
 * Runs one activity as the Functions host would (handler(input, context)) and turns its outcome into
 * the message that reports it: TaskCompleted with the JSON result, or TaskFailed with the
 * FailureDetails the library turns into a TaskFailedError the orchestrator can catch.
 */
export async function executeActivity(
  work: ActivityMessage,
  registration: Registration | undefined,
  createContext: (registration: Registration) => InvocationContext,
): Promise<EventMessage> {
  const result = (event: EventMessage['event']): EventMessage => ({
    kind: 'event',
    instanceId: work.instanceId,
    id: messageIds.result(work.executionId, work.taskScheduledId),
    executionId: work.executionId,
    visibleAt: Date.now(),
    enqueuedAt: Date.now(),
    event,
  });
  const failed = (failure: FailureDetailsPayload) =>
    result(historyEvents.taskFailed(new Date(), work.taskScheduledId, failure));

  if (!registration || registration.trigger.type !== 'activityTrigger') {
    return failed({
      ErrorType: 'ActivityNotFound',
      ErrorMessage: `The activity function "${work.name}" is not registered (df.app.activity) in this app.`,
    });
  }
  try {
    const output: unknown = await registration.handler(parseJson(work.input), createContext(registration));
    const json = JSON.stringify(output) ?? 'null';
    if (json.length > MAX_JSON_CHARS) {
      return failed({
        ErrorType: 'ActivityResultTooLarge',
        ErrorMessage:
          `The result of activity "${work.name}" has ${json.length} characters; the local durable runtime ` +
          `keeps at most ${MAX_JSON_CHARS} in history. Return IDs or counts and keep data in tables.`,
      });
    }
    return result(historyEvents.taskCompleted(new Date(), work.taskScheduledId, json));
  } catch (error) {
    return failed(failureDetails(error));
  }
}

/**
 * When an exception properties provider is registered, the library's activity wrapper has already
 * replaced the message with serialized failure details (app.js, wrapActivityHandler); use them.
 */
function failureDetails(error: unknown): FailureDetailsPayload {
  const err = error instanceof Error ? error : new Error(String(error));
  const serialized = parseSerializedDetails(err.message);
  if (serialized) return { ...serialized, ...(err.stack ? { StackTrace: err.stack } : {}) };
  return {
    ErrorType: err.name || 'Error',
    ErrorMessage: err.message,
    ...(err.stack ? { StackTrace: err.stack } : {}),
    IsNonRetriable: false,
  };
}

function parseSerializedDetails(message: string): FailureDetailsPayload | undefined {
  if (!message.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(message) as Record<string, unknown>;
    if (typeof value.errorType !== 'string' || typeof value.errorMessage !== 'string') return undefined;
    return {
      ErrorType: value.errorType,
      ErrorMessage: value.errorMessage,
      IsNonRetriable: value.isNonRetriable === true,
      ...(typeof value.properties === 'object' && value.properties !== null
        ? { Properties: value.properties as Record<string, unknown> }
        : {}),
    };
  } catch {
    return undefined;
  }
}
