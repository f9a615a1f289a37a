import { randomUUID } from 'node:crypto';
import type { FunctionCallback, FunctionMetadata, FunctionRegistry } from './registry';

/**
 * The part of the Azure Functions Node.js worker (Azure/azure-functions-nodejs-worker) that an app
 * can tell apart: registration is open only while the app starts (the worker locks it once the host
 * has read the function metadata: coreApi/registerFunction.ts), each invocation goes through the
 * programming model given to `setProgrammingModel` (eventHandlers/InvocationHandler.ts), and
 * preInvocation / postInvocation / appStart / appTerminate hooks run around it (hooks/*.ts). What the
 * worker does over gRPC (typed data, the host's RPC shapes) the local host does itself: it builds the
 * InvocationContext and the trigger input and reads the handler's result directly.
 */

/** The worker's AzFuncSystemError: a rule of the worker, not the app, was broken. */
export class AzFuncSystemError extends Error {
  readonly isAzureFunctionsSystemError = true;
  constructor(message: string) {
    super(message);
    this.name = 'AzFuncSystemError';
  }
}

/** @azure/functions-core's ProgrammingModel, the part the worker calls. */
interface InvocationModelLike {
  invokeFunction(context: unknown, inputs: unknown[], handler: FunctionCallback): Promise<unknown>;
}
export interface ProgrammingModelLike {
  readonly name: string;
  readonly version: string;
  getInvocationModel(coreContext: unknown): InvocationModelLike;
}

export type HookName = 'preInvocation' | 'postInvocation' | 'appStart' | 'appTerminate';
type HookCallback = (context: Record<string, unknown>) => unknown;

export class Disposable {
  readonly #callOnDispose: () => void;
  constructor(callOnDispose: () => void) {
    this.#callOnDispose = callOnDispose;
  }
  dispose(): void {
    this.#callOnDispose();
  }
}

export class LocalWorker {
  readonly #registry: FunctionRegistry;
  #locked = false;
  #programmingModel: ProgrammingModelLike | undefined;
  readonly #hooks: Record<HookName, HookCallback[]> = {
    preInvocation: [],
    postInvocation: [],
    appStart: [],
    appTerminate: [],
  };
  readonly #appHookData: Record<string, unknown> = {};

  constructor(registry: FunctionRegistry) {
    this.#registry = registry;
  }

  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    if (this.#locked) throw new AzFuncSystemError('A function can only be registered during app startup.');
    if (this.#registry.get(metadata.name)) {
      throw new AzFuncSystemError(`A function with id "${metadata.name}" has already been registered.`);
    }
    this.#registry.add(metadata, (...args: unknown[]) => this.#invoke(metadata, callback, args));
    return new Disposable(() => {
      if (this.#locked) throw new AzFuncSystemError('A function can only be disposed during app startup.');
      this.#registry.remove(metadata.name);
    });
  }

  setProgrammingModel(model: ProgrammingModelLike): void {
    this.#programmingModel = model;
  }

  getProgrammingModel(): ProgrammingModelLike | undefined {
    return this.#programmingModel;
  }

  registerHook(name: string, callback: HookCallback): Disposable {
    const hooks = this.#hooksOf(name);
    hooks.push(callback);
    return new Disposable(() => {
      const index = hooks.indexOf(callback);
      if (index > -1) hooks.splice(index, 1);
    });
  }

  /** What the worker does once the host has asked for the function metadata: no more registrations. */
  lockRegistrations(): void {
    this.#locked = true;
  }

  get registrationsLocked(): boolean {
    return this.#locked;
  }

  async runAppStartHooks(): Promise<void> {
    await this.#runHooks('appStart', this.#appContext());
  }

  async runAppTerminateHooks(): Promise<void> {
    await this.#runHooks('appTerminate', this.#appContext());
  }

  #appContext(): Record<string, unknown> {
    const hookData = {};
    const appHookData = this.#appHookData;
    return {
      get hookData() {
        return hookData;
      },
      get appHookData() {
        return appHookData;
      },
    };
  }

  /**
   * The worker's InvocationHandler without the RPC: the last argument is the InvocationContext the
   * local host built, the others the inputs. Hooks may replace the callback and the inputs.
   */
  async #invoke(metadata: FunctionMetadata, callback: FunctionCallback, args: unknown[]): Promise<unknown> {
    const context = args[args.length - 1];
    const hookData: Record<string, unknown> = {};
    const appHookData = this.#appHookData;
    const pre = {
      get hookData() {
        return hookData;
      },
      get appHookData() {
        return appHookData;
      },
      get invocationContext() {
        return context;
      },
      functionCallback: callback,
      inputs: args.slice(0, -1),
    };
    await this.#runHooks('preInvocation', pre);

    const post = {
      get hookData() {
        return hookData;
      },
      get appHookData() {
        return appHookData;
      },
      get invocationContext() {
        return context;
      },
      inputs: pre.inputs,
      result: null as unknown,
      error: null as unknown,
    };
    try {
      post.result = await this.#invocationModel(metadata, context).invokeFunction(
        context,
        pre.inputs,
        pre.functionCallback,
      );
    } catch (error) {
      post.error = error;
    }
    await this.#runHooks('postInvocation', post);
    // As the worker (isError): an Error, or anything that was thrown, reaches the caller.
    if (post.error instanceof Error) throw post.error;
    if (post.error !== null && post.error !== undefined)
      throw new Error(
        `The function "${metadata.name}" threw ${JSON.stringify(post.error) ?? typeof post.error}`,
      );
    return post.result;
  }

  #invocationModel(metadata: FunctionMetadata, context: unknown): InvocationModelLike {
    if (!this.#programmingModel) {
      // No programming model (an app not built on @azure/functions): the handler is called as it is.
      return { invokeFunction: (ctx, inputs, handler) => Promise.resolve(handler(...inputs, ctx)) };
    }
    const invocationId = (context as { invocationId?: string } | undefined)?.invocationId ?? randomUUID();
    const coreContext = {
      invocationId,
      request: { invocationId, inputData: [], triggerMetadata: {} },
      metadata: { name: metadata.name, bindings: metadata.bindings },
      log: () => undefined,
    };
    return this.#programmingModel.getInvocationModel(coreContext);
  }

  async #runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
    for (const hook of [...this.#hooks[name]]) await hook(context);
  }

  #hooksOf(name: string): HookCallback[] {
    if (name in this.#hooks) return this.#hooks[name as HookName];
    throw new RangeError(`Unrecognized hook "${name}"`);
  }
}
