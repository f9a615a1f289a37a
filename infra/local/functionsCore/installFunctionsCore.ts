import Module from 'node:module';
import type { FunctionCallback, FunctionMetadata } from './registry';
import { Disposable, LocalWorker, type ProgrammingModelLike } from './localWorker';
import { functionRegistry } from './registry';

/**
 * `@azure/functions` talks to its host through the `@azure/functions-core` module that the Node.js
 * worker injects; without it the package drops every registration ("test mode"). The local host plays
 * the worker's part: it answers that module name with an object that records each registration.
 */
const CORE_MODULE = '@azure/functions-core';

/** The worker of this process: the stand-in's state, as the Node.js worker has one app per process. */
export const localWorker = new LocalWorker(functionRegistry);

/** The `@azure/functions-core` object over one worker (tests build one over a worker of their own). */
export function createCoreApi(worker: LocalWorker) {
  return {
    version: 'local',
    hostVersion: '4.0.0-local',
    registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) =>
      worker.registerFunction(metadata, callback),
    setProgrammingModel: (model: ProgrammingModelLike) => worker.setProgrammingModel(model),
    getProgrammingModel: () => worker.getProgrammingModel(),
    registerHook: (name: string, callback: (context: Record<string, unknown>) => unknown) =>
      worker.registerHook(name, callback),
    log(level: string, category: string, message: string) {
      if (level === 'error' || level === 'critical') console.error(`[${category}] ${message}`);
    },
    Disposable,
  };
}

export const coreApi = createCoreApi(localWorker);

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
let installed = false;

export function installFunctionsCore(): void {
  if (installed) return;
  installed = true;
  const moduleWithLoad = Module as unknown as { _load: Loader };
  const originalLoad = moduleWithLoad._load;
  moduleWithLoad._load = function load(request, parent, isMain) {
    if (request === CORE_MODULE) return coreApi;
    return originalLoad.call(this, request, parent, isMain);
  };
}
