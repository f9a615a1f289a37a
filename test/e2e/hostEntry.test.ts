import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The entry point the Functions host loads (package.json "main", built into dist/): run in a fresh
 * Node process under the local stand-in for the worker's functions-core module, as the host would.
 */
const ROOT = path.resolve(__dirname, '../..');
jest.setTimeout(60_000);

interface Loaded {
  readonly functions: { name: string; bindings: unknown }[];
  readonly appLoaded: boolean;
  /** The hooks registered with the host while loading, before any call. */
  readonly hooks: string[];
  readonly called?: { status?: number; appLoaded: boolean };
}

/** Loads `entry` in a fresh process and reports what the host saw; optionally calls `health`. */
function load(entry: string, callHealth = false): Loaded {
  const script = `
    const { coreApi, installFunctionsCore } = require('./dist/infra/local/functionsCore/installFunctionsCore');
    installFunctionsCore();
    const { functionRegistry } = require('./dist/infra/local/functionsCore/registry');
    const hooks = [];
    coreApi.registerHook = (name) => (hooks.push(name), { dispose: () => undefined });
    const { HttpRequest, InvocationContext } = require('@azure/functions');
    const appLoaded = () => Object.keys(require.cache).some((f) => f.endsWith('/dist/functions/index.js'));
    require('./${entry}');
    const out = {
      functions: functionRegistry.all().map((r) => ({ name: r.name, bindings: r.metadata.bindings })),
      appLoaded: appLoaded(),
      hooks: [...hooks],
    };
    (async () => {
      if (${callHealth}) {
        const request = new HttpRequest({ method: 'GET', url: 'http://localhost/api/health' });
        const response = await functionRegistry.get('health').handler(request, new InvocationContext());
        out.called = { status: response.status, appLoaded: appLoaded() };
      }
      process.stdout.write(JSON.stringify(out));
      process.exit(0);
    })();`;
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    env: { ...process.env, STORAGE_CONNECTION_STRING: process.env.TEST_STORAGE_CONNECTION },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`${entry} failed to load:\n${run.stderr}`);
  return JSON.parse(run.stdout) as Loaded;
}

describe('the Functions host entry point (package.json "main")', () => {
  const main = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string }).main;

  it('when the host loads it, then it registers every function of functions/index with the same bindings, without loading the app', () => {
    const lazy = load(main);
    const app = load('dist/functions/index');
    expect(lazy.appLoaded).toBe(false);
    expect(lazy.functions.length).toBeGreaterThan(0);
    expect(lazy.functions).toEqual(app.functions);
  });

  it('when the host loads it, then the telemetry hook is registered before the first call, which it must scope', () => {
    const lazy = load(main);
    expect(lazy.appLoaded).toBe(false);
    expect(lazy.hooks).toEqual(['preInvocation']);
  });

  it('when a function is first called, then the app loads and the call reaches its handler', () => {
    const { called } = load(main, true);
    expect(called).toEqual({ status: 200, appLoaded: true });
  });
});
