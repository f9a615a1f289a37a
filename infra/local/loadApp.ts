import type * as CompositionRoot from '../../shared/compositionRoot';
import { installFunctionsCore, localWorker } from './functionsCore/installFunctionsCore';
import { functionRegistry } from './functionsCore/registry';
import type { Registration } from './functionsCore/registry';

export interface LoadedApp {
  readonly registrations: readonly Registration[];
  readonly services: Awaited<ReturnType<typeof CompositionRoot.services>>;
  /** The app's terminate hooks, run when this thread's part of the host stops. */
  readonly terminate: () => Promise<void>;
}

/**
 * Loads the app as a Node worker of the Functions host does, in this thread: the functions-core
 * stand-in, then the entry point the host loads (package.json "main"), registration closed, the app's
 * start hooks run. Every thread of the local host that runs functions loads its own copy, as every
 * instance of a Function App does in Azure. The environment must be complete before: the app reads
 * its configuration on load.
 */
export async function loadApp(): Promise<LoadedApp> {
  installFunctionsCore();
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('../../functions/hostEntry');
  const { services } = require('../../shared/compositionRoot') as typeof CompositionRoot;
  /* eslint-enable @typescript-eslint/no-require-imports */
  // As the worker once the host has read the function metadata: registration is closed from here on.
  localWorker.lockRegistrations();
  await localWorker.runAppStartHooks();
  return {
    registrations: functionRegistry.all(),
    services: await services(),
    terminate: () => localWorker.runAppTerminateHooks(),
  };
}
