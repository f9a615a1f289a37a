import { readFileSync } from 'node:fs';
import path from 'node:path';
import { app } from '@azure/functions';
import type { FunctionInput, FunctionOutput, GenericFunctionOptions } from '@azure/functions';
import { MANIFEST_FILE, type FunctionManifest, type ManifestBinding } from './functionsManifest';
// Registered here, not by the app: the host runs preInvocation hooks before it calls a handler, so a hook
// that the first call's loading of the app registered would miss that call (no invocation or trace IDs).
import '../shared/adapters/telemetry/invocationHooks';

/**
 * What the Functions host loads (package.json "main"). It registers every function of functions/index
 * from the manifest that the build writes (infra/build/writeFunctionsManifest.ts), each with a handler
 * that loads the app on the first call. A cold start then loads @azure/functions, this file and the
 * telemetry hook (a few small modules); the app and its libraries (durable-functions, the Tables SDK,
 * zod, ...) load when the first request needs them.
 */
type Binding = ManifestBinding;
type Handler = (...args: unknown[]) => unknown;
interface CoreApi {
  registerFunction: (metadata: { name: string }, handler: Handler) => unknown;
}

let handlers: Map<string, Handler> | undefined;

/**
 * Loads functions/index once. Its `app.*` calls reach the host's registerFunction, which is borrowed
 * for the (synchronous) load to keep each handler instead: the functions are registered already.
 */
function appHandlers(): Map<string, Handler> {
  if (handlers) return handlers;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const core = require('@azure/functions-core') as CoreApi;
  const loaded = new Map<string, Handler>();
  const register = core.registerFunction;
  core.registerFunction = (metadata, handler) => {
    loaded.set(metadata.name, handler);
    return { dispose: () => undefined };
  };
  try {
    require('./index');
  } finally {
    core.registerFunction = register;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  handlers = loaded;
  return loaded;
}

/** The inverse of @azure/functions' toCoreFunctionMetadata: trigger, return and extra bindings. */
function optionsOf(bindings: Readonly<Record<string, Binding>>): Omit<GenericFunctionOptions, 'handler'> {
  const all = Object.entries(bindings);
  const trigger = all.find(([, b]) => b.direction === 'in' && /Trigger$/i.test(b.type))?.[1];
  if (!trigger) throw new Error('A function in the manifest has no trigger binding.');
  const others = all.filter(([, b]) => b !== trigger);
  const returned = others.find(([key]) => key === '$return')?.[1];
  return {
    trigger,
    ...(returned ? { return: returned } : {}),
    extraInputs: others.filter(([, b]) => b.direction === 'in').map(([, b]) => b as FunctionInput),
    extraOutputs: others
      .filter(([key, b]) => b.direction === 'out' && key !== '$return')
      .map(([, b]) => b as FunctionOutput),
  };
}

const manifest = JSON.parse(readFileSync(path.join(__dirname, MANIFEST_FILE), 'utf8')) as FunctionManifest;
for (const { name, bindings } of manifest) {
  app.generic(name, {
    ...optionsOf(bindings),
    handler: (...args: unknown[]) => {
      const handler = appHandlers().get(name);
      if (!handler) throw new Error(`functions/index no longer registers "${name}": rebuild.`);
      return handler(...args);
    },
  });
}
