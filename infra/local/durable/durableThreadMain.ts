import { parentPort, type MessagePort } from 'node:worker_threads';
import { hostSettings } from '../hostJson';
import { loadApp } from '../loadApp';
import type { FromDurableThread, ToDurableThread } from './durableThreadMessages';
import { startLocalDurableRuntime } from './localDurableRuntime';
import { timerLimitsFrom } from './orchestrationReplay';
import { lowerThisThreadPriority } from './threadPriority';

/** Nice value of the durable thread (0 is the default; 19 the lowest priority). */
const BACKGROUND_NICENESS = 10;

/**
 * The local host's durable thread (started by durableThread.ts): the app's own copy, and the local
 * durable runtime running its orchestrations and activities on this thread's event loop, so that
 * registering devices never holds up the HTTP thread's requests. The HTTP thread's durable client
 * reaches the runtime through its HTTP API, as the Durable extension's client does in Azure.
 */
if (!parentPort)
  throw new Error('durableThreadMain runs as a worker thread of the local host (durableThread.ts).');
const port: MessagePort = parentPort;
const send = (message: FromDurableThread) => port.postMessage(message);
const log = (line: string) => send({ kind: 'log', line });

async function main(): Promise<void> {
  // Registration is background work: when the machine's cores are all busy (the emulator, this
  // thread, partners' requests), the OS runs the HTTP thread first, as separate instances would in Azure.
  lowerThisThreadPriority(BACKGROUND_NICENESS);
  const app = await loadApp();
  const durable = await startLocalDurableRuntime({
    registrations: app.registrations,
    tables: app.services.tables,
    taskHub: `${app.services.config.tablePrefix}${process.env.TASK_HUB_NAME ?? 'LocalHub'}`,
    timerLimits: timerLimitsFrom(process.env),
    // As the Durable extension: host.json's limits per instance.
    maxConcurrentActivities: hostSettings().maxConcurrentActivityFunctions,
    maxConcurrentOrchestrations: hostSettings().maxConcurrentOrchestratorFunctions,
    log,
  });
  port.on('message', (message: ToDurableThread) => {
    if (message.kind !== 'stop') return;
    void durable
      .stop()
      .then(() => app.terminate())
      .catch((error: unknown) => log(`durable thread: while stopping: ${String(error)}`))
      .finally(() => send({ kind: 'stopped' }));
  });
  send({ kind: 'ready', binding: durable.binding });
}

// A failure is thrown out of this thread (outside the promise): the Worker's 'error' event reports it.
main().catch((error: unknown) =>
  setImmediate(() => {
    throw error;
  }),
);
