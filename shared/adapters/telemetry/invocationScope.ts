import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which function invocation the current code runs in, so that a log line or event raised deep inside a
 * use case still carries the invocation ID, the W3C trace (Application Insights' operation ID) and, in
 * activities and orchestrations, the orchestration instance ID (a batch's ID).
 */
export interface InvocationScope {
  readonly invocationId: string;
  readonly functionName: string;
  /** The trace ID of the invocation's traceparent: `operation_Id` in Application Insights. */
  readonly operationId?: string;
  /** The span ID of the invocation's traceparent: the parent of what it records. */
  readonly parentId?: string;
  /** The durable orchestration instance the invocation belongs to. */
  readonly orchestrationId?: string;
  /** The invocation's own logger: lines land in `traces` with this invocation's IDs. */
  readonly log: (message: string) => void;
}

const storage = new AsyncLocalStorage<InvocationScope>();

export function currentInvocation(): InvocationScope | undefined {
  return storage.getStore();
}

export function runInInvocation<T>(scope: InvocationScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/**
 * A function handler that runs inside its invocation's scope and resolves only after `settle` (the
 * telemetry still being sent) has, so that nothing is left in flight when the host may freeze the instance.
 */
export function withInvocationScope<C extends InvocationLike, R>(
  handler: (triggerInput: unknown, context: C) => R | Promise<R>,
  settle: () => Promise<void>,
): (triggerInput: unknown, context: C) => Promise<R> {
  return (triggerInput, context) =>
    runInInvocation(scopeOf(context, triggerInput), async () => {
      try {
        return await handler(triggerInput, context);
      } finally {
        await settle();
      }
    });
}

/** The parts of an `InvocationContext` the scope is made of (kept structural: no import of the host). */
export interface InvocationLike {
  readonly invocationId: string;
  readonly functionName: string;
  readonly traceContext?: { readonly traceParent?: string | null | undefined } | undefined;
  readonly triggerMetadata?: Readonly<Record<string, unknown>> | undefined;
  info(...args: unknown[]): void;
}

export function scopeOf(context: InvocationLike, input?: unknown): InvocationScope {
  const trace = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/i.exec(
    context.traceContext?.traceParent ?? '',
  );
  const orchestrationId = instanceIdOf(context.triggerMetadata) ?? instanceIdOf(input);
  return {
    invocationId: context.invocationId,
    functionName: context.functionName,
    ...(trace ? { operationId: trace[1]!, parentId: trace[2]! } : {}),
    ...(orchestrationId ? { orchestrationId } : {}),
    log: (message) => context.info(message),
  };
}

/** Orchestration and activity triggers name their instance in `instanceId` (or `InstanceId`). */
function instanceIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const id = record.instanceId ?? record.InstanceId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}
