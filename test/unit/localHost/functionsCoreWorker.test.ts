import { app, InvocationContext } from '@azure/functions';
import type * as AzureFunctions from '@azure/functions';
import { AzFuncSystemError, LocalWorker } from '../../../infra/local/functionsCore/localWorker';
import { FunctionRegistry } from '../../../infra/local/functionsCore/registry';
import { createCoreApi, localWorker } from '../../../infra/local/functionsCore/installFunctionsCore';
import { functionRegistry } from '../../../infra/local/functionsCore/registry';

/**
 * The @azure/functions-core stand-in against the Node.js worker's rules (Azure/azure-functions-nodejs-worker:
 * coreApi/registerFunction.ts, eventHandlers/InvocationHandler.ts, hooks/*): registration closes once the
 * app has started, invocations go through the programming model, hooks run around them.
 */
/**
 * A worker of the test's own, with its own copy of @azure/functions loaded over it (as the Node.js worker
 * loads one app per process), so that locking or registering here leaves the module-wide worker alone.
 */
function freshWorker() {
  const registry = new FunctionRegistry();
  const worker = new LocalWorker(registry);
  let library: typeof AzureFunctions | undefined;
  jest.isolateModules(() => {
    jest.doMock('@azure/functions-core', () => createCoreApi(worker));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    library = require('@azure/functions') as typeof AzureFunctions;
    // The library asks for the core module lazily: make it do so now, while the mock is this worker's.
    library.app.hook.appStart(() => undefined).dispose();
  });
  jest.dontMock('@azure/functions-core');
  return { registry, worker, library: library! };
}

const metadata = (name: string) => ({
  name,
  bindings: { trigger: { type: 'activityTrigger', direction: 'in' as const, name: 'trigger' } },
});

describe('functions-core stand-in as the Node.js worker', () => {
  it('when a function is registered after start-up, then it fails with the worker\'s "A function can only be registered during app startup."', () => {
    const worker = new LocalWorker(new FunctionRegistry());
    worker.registerFunction(metadata('beforeStart'), () => 'ok');
    worker.lockRegistrations();

    const late = () => worker.registerFunction(metadata('afterStart'), () => 'late');
    expect(late).toThrow(AzFuncSystemError);
    expect(late).toThrow('A function can only be registered during app startup.');
  });

  it('when the app registers hooks through @azure/functions (as the telemetry hooks do), then they run around local invocations and may wrap the handler', async () => {
    const calls: string[] = [];
    const hook = app.hook.preInvocation((context) => {
      const inner = context.functionHandler;
      calls.push(`pre:${context.invocationContext.functionName}`);
      context.functionHandler = (...args: unknown[]) => {
        calls.push('wrapped');
        return (inner as (...a: unknown[]) => unknown)(...args);
      };
    });
    const post = app.hook.postInvocation((context) => {
      calls.push(`post:${String(context.result)}`);
    });
    app.generic('hookedByLibrary', {
      trigger: { type: 'activityTrigger', name: 't' },
      handler: (input: unknown) => `done ${String(input)}`,
    });
    const result = await functionRegistry
      .get('hookedByLibrary')!
      .handler('x', new InvocationContext({ functionName: 'hookedByLibrary' }));
    hook.dispose();
    post.dispose();
    expect(result).toBe('done x');
    expect(calls).toEqual(['pre:hookedByLibrary', 'wrapped', 'post:done x']);
  });

  it("when an app registers through @azure/functions after the local host locked the worker, then the library's app.generic fails the same way", () => {
    const { registry, worker, library } = freshWorker();
    library.app.generic('registeredInTime', {
      trigger: { type: 'activityTrigger', name: 't' },
      handler: () => 1,
    });
    worker.lockRegistrations();
    expect(() =>
      library.app.generic('registeredLate', {
        trigger: { type: 'activityTrigger', name: 't' },
        handler: () => 1,
      }),
    ).toThrow('A function can only be registered during app startup.');
    expect(registry.get('registeredInTime')).toBeDefined();
    expect(registry.get('registeredLate')).toBeUndefined();
    // The library gave the worker its programming model when it registered the first function.
    expect(worker.getProgrammingModel()?.name).toBe('@azure/functions');
    // The process's own worker, which every other test registers through, is still open.
    expect(localWorker.registrationsLocked).toBe(false);
  });

  it("when the same function id is registered twice, then the worker's duplicate error is thrown", () => {
    const worker = new LocalWorker(new FunctionRegistry());
    worker.registerFunction(metadata('twice'), () => 1);
    expect(() => worker.registerFunction(metadata('twice'), () => 2)).toThrow(
      'A function with id "twice" has already been registered.',
    );
  });

  it('when a function is invoked, then the pre-invocation hooks may replace its callback and inputs, the @azure/functions programming model calls it, and post-invocation hooks see the result', async () => {
    const { registry, worker, library } = freshWorker();
    const invoked: string[] = [];
    library.app.hook.preInvocation((hook) => {
      invoked.push(`pre:${hook.invocationContext.functionName}`);
      const original = hook.functionHandler as (input: string, context: InvocationContext) => string;
      hook.functionHandler = (input: string, context: InvocationContext) => {
        invoked.push(`handler:${context.functionName}`);
        return `${original(input, context)}!`;
      };
      hook.inputs = ['changed'];
    });
    const seen: unknown[] = [];
    library.app.hook.postInvocation((hook) => {
      seen.push(hook.result, hook.error);
    });
    library.app.generic('hooked', {
      trigger: { type: 'activityTrigger', name: 't' },
      handler: (input: unknown) => `got ${String(input)}`,
    });

    const context = new library.InvocationContext({ functionName: 'hooked' });
    const result = await registry.get('hooked')!.handler('original', context);

    expect(worker.getProgrammingModel()?.name).toBe('@azure/functions');
    expect(result).toBe('got changed!');
    expect(invoked).toEqual(['pre:hooked', 'handler:hooked']);
    expect(seen).toEqual(['got changed!', null]);
  });

  it('when the handler throws, then post-invocation hooks see the error and the caller gets it', async () => {
    const registry = new FunctionRegistry();
    const worker = new LocalWorker(registry);
    const errors: unknown[] = [];
    worker.registerHook('postInvocation', (hook) => {
      errors.push(hook.error);
    });
    worker.registerFunction(metadata('failing'), () => {
      throw new Error('boom');
    });
    await expect(registry.get('failing')!.handler(1, new InvocationContext())).rejects.toThrow('boom');
    expect(errors).toEqual([new Error('boom')]);
  });

  it('when an unknown hook is registered, then the worker refuses it', () => {
    const worker = new LocalWorker(new FunctionRegistry());
    expect(() => worker.registerHook('beforeEverything', () => undefined)).toThrow(
      'Unrecognized hook "beforeEverything"',
    );
  });
});
