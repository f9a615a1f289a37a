import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../infra/local/azurite';

/**
 * Starts the compiled local host (`npm run build` first) as its own process, against the test run's
 * Azurite, with a table prefix of its own so that the test file owns its data.
 */
export interface LocalHostProcess {
  readonly baseUrl: string;
  readonly invitationUrl: string;
  readonly tablePrefix: string;
  readonly pid: number | undefined;
  readonly output: () => string;
  /** Ctrl-C: a graceful stop. */
  stop(): Promise<void>;
  /** A crash: SIGKILL, nothing flushed. */
  kill(): Promise<void>;
}

/** The project root, whether this file runs from test/support or compiled from dist/test/support. */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

const MAIN = path.join(projectRoot(), 'dist/infra/local/main.js');

export interface LocalHostOptions {
  readonly tablePrefix?: string;
  readonly env?: Record<string, string>;
  readonly nodeArgs?: readonly string[];
}

export async function startLocalHostProcess(options: LocalHostOptions = {}): Promise<LocalHostProcess> {
  const connection = process.env.TEST_STORAGE_CONNECTION;
  if (!connection)
    throw new Error(
      'TEST_STORAGE_CONNECTION is not set: run through jest (its global setup starts Azurite).',
    );
  const port = await freePort();
  const tablePrefix = options.tablePrefix ?? `e${randomBytes(5).toString('hex')}`;
  // nodeArgs: e.g. `--cpu-prof`, which Node refuses in NODE_OPTIONS.
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      // The dev issuer is never the default (the app fails closed to entra): the tests ask for it.
      AUTH_MODE: 'dev',
      STORAGE_CONNECTION_STRING: connection,
      TABLE_PREFIX: tablePrefix,
      LOCAL_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'lh-')),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Local host did not start within 60 s:\n${output}`)),
      60_000,
    );
    const check = () => {
      if (/Local host ready/.test(output) && /invitation:/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Local host exited with ${code}:\n${output}`));
    });
  });
  const baseUrl = `http://localhost:${port}`;
  const invitationUrl = /invitation:\s+(\S+)/.exec(output)?.[1] ?? '';
  return {
    baseUrl,
    invitationUrl,
    tablePrefix,
    pid: child.pid,
    output: () => output,
    stop: () => stopChild(child, 'SIGINT'),
    kill: () => stopChild(child, 'SIGKILL'),
  };
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
