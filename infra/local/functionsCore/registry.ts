/**
 * What the Functions host learns from the app at start-up: each function's metadata (its bindings)
 * and its handler. The local host fills this through the `@azure/functions-core` stand-in, so the
 * route table is exactly the set of `app.*` registrations in `functions/`.
 */
export interface BindingMetadata {
  readonly type: string;
  readonly direction: 'in' | 'out';
  readonly name: string;
  readonly [setting: string]: unknown;
}

export interface FunctionMetadata {
  readonly name: string;
  readonly bindings: Readonly<Record<string, BindingMetadata>>;
  readonly retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface Registration {
  readonly name: string;
  readonly metadata: FunctionMetadata;
  readonly handler: FunctionCallback;
  readonly trigger: BindingMetadata;
}

export class FunctionRegistry {
  readonly #byName = new Map<string, Registration>();

  /** Duplicates are refused before this, by LocalWorker.registerFunction (the worker's own error). */
  add(metadata: FunctionMetadata, handler: FunctionCallback): void {
    const trigger = Object.values(metadata.bindings).find(
      (b) => b.direction === 'in' && /Trigger$/i.test(b.type),
    );
    if (!trigger) throw new Error(`Function "${metadata.name}" has no trigger binding.`);
    this.#byName.set(metadata.name, { name: metadata.name, metadata, handler, trigger });
  }

  remove(name: string): void {
    this.#byName.delete(name);
  }

  get(name: string): Registration | undefined {
    return this.#byName.get(name);
  }

  all(): Registration[] {
    return [...this.#byName.values()];
  }

  byTriggerType(type: string): Registration[] {
    return this.all().filter((r) => r.trigger.type.toLowerCase() === type.toLowerCase());
  }
}

/** One registry per process, as the Functions worker has one app per process. */
export const functionRegistry = new FunctionRegistry();
