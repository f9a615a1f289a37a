import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ExtraInputProvider } from '../httpHost';
import type { DurableClientBindingData } from './clientBinding';
import type { FromDurableThread, ToDurableThread } from './durableThreadMessages';

export interface DurableThread {
  readonly rpcBaseUrl: string;
  /** The `durableClient` binding for the HTTP thread's functions: the runtime's HTTP API. */
  readonly clientInputProvider: ExtraInputProvider;
  /** Stops the runtime (in-flight work is abandoned, not lost), then the thread. */
  stop(): Promise<void>;
}

export interface DurableThreadOptions {
  readonly log: (line: string) => void;
  /** The thread ended while the host was not stopping it (a crash on that thread). */
  readonly onUnexpectedExit: (reason: string) => void;
}

/** How long a stop may take before the thread is ended anyway (its work is in storage: nothing is lost). */
const STOP_GRACE_MS = 10_000;

/**
 * Runs the app's orchestrations and activities on a worker thread of their own (durableThreadMain.ts),
 * with its own event loop, copy of the app and storage clients. In Azure on Flex Consumption, HTTP
 * functions and durable functions scale as separate groups of instances, so a device batch's activities
 * never share an event loop with partners' reads; on one event loop here, 4,000-device chunks held up
 * every request behind them (README, Performance). The environment is copied to the thread when it
 * starts, so set it first.
 */
export function startDurableThread(options: DurableThreadOptions): Promise<DurableThread> {
  const worker = new Worker(path.join(__dirname, 'durableThreadMain.js'));
  let stopping = false;
  let stopped: (() => void) | undefined;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let ready = false;
    worker.on('message', (message: FromDurableThread) => {
      if (message.kind === 'log') options.log(message.line);
      if (message.kind === 'stopped') stopped?.();
      if (message.kind !== 'ready') return;
      ready = true;
      const binding: DurableClientBindingData = message.binding;
      resolve({
        rpcBaseUrl: binding.rpcBaseUrl,
        clientInputProvider: () => binding,
        async stop() {
          if (stopping) return exited;
          stopping = true;
          const graceful = new Promise<void>((done) => (stopped = done));
          const grace = new Promise<void>((done) => setTimeout(done, STOP_GRACE_MS).unref());
          worker.postMessage({ kind: 'stop' } satisfies ToDurableThread);
          await Promise.race([graceful, grace, exited]);
          await worker.terminate();
        },
      });
    });
    worker.on('error', (error) => {
      if (!ready) reject(error);
      else options.log(`durable thread: ${error.stack ?? error.message}`);
    });
    worker.once('exit', (code) => {
      if (!ready) reject(new Error(`The durable thread exited with ${code} before it was ready.`));
      else if (!stopping) options.onUnexpectedExit(`the durable thread exited with ${code}`);
    });
  });
}
