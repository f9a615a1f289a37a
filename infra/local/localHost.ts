import path from 'node:path';
import type { RunningAzurite } from './azurite';
import type * as DemoData from './demoData';
import { startAzurite } from './azurite';
import type { ExtraInputProvider, RunningHttpHost } from './httpHost';
import { startHttpHost } from './httpHost';
import { startDurableThread } from './durable/durableThread';
import { loadApp } from './loadApp';
import { startTimerScheduler } from './timerScheduler';
import { loadOrCreateLocalSecrets } from './localSecrets';

/**
 * Runs the app's `functions/` on one machine without Core Tools: Azurite, the registrations captured
 * through the functions-core stand-in, the durable runtime, and an HTTP server in the host's shape.
 */
export interface LocalHostOptions {
  readonly port: number;
  /** Where Azurite keeps its data and the local keys live; Azurite runs in memory when `inMemory`. */
  readonly dataDir: string;
  readonly inMemory?: boolean;
  /** Use an Azurite (or storage account) that is already running instead of starting one. */
  readonly storageConnectionString?: string;
  readonly seed?: boolean;
  readonly log?: (line: string) => void;
}

export interface RunningLocalHost {
  readonly baseUrl: string;
  readonly invitationUrl: string | undefined;
  /** The durable runtime's HTTP API (instances, events, status with history), on its own loopback port. */
  readonly durableApiUrl: string;
  stop(): Promise<void>;
}

export async function startLocalHost(options: LocalHostOptions): Promise<RunningLocalHost> {
  const log = options.log ?? ((line: string) => console.log(line));
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: unknown) => log(`while stopping: ${String(e)}`));
  };
  try {
    let azurite: RunningAzurite | undefined;
    if (!options.storageConnectionString) {
      azurite = await startAzurite(
        options.inMemory ? {} : { location: path.join(options.dataDir, 'azurite') },
      );
      stops.push(() => azurite!.stop());
    }
    const secrets = await loadOrCreateLocalSecrets(options.dataDir);
    const env = process.env;
    // The local host is where the dev issuer belongs (the app itself defaults to entra); an explicit
    // AUTH_MODE=entra with the Entra settings still tries Entra ID sign-in locally.
    env.AUTH_MODE ??= 'dev';
    env.STORAGE_CONNECTION_STRING = options.storageConnectionString ?? azurite!.connectionString;
    env.LINK_SIGNING_KEY ??= secrets.LINK_SIGNING_KEY;
    env.SESSION_SECRET ??= secrets.SESSION_SECRET;
    env.DEV_ISSUER_PRIVATE_JWK ??= secrets.DEV_ISSUER_PRIVATE_JWK;
    env.PUBLIC_BASE_URL ??= `http://localhost:${options.port}`;
    // Invitation emails without SMTP_URL become .eml files beside the local data (.local/outbox).
    env.EMAIL_OUTBOX_DIR ??= path.join(options.dataDir, 'outbox');

    // Loaded only now: the app reads its configuration, and registers its functions, on load. Through
    // the entry point the Functions host loads (package.json "main"), which loads the app on first use.
    const app = await loadApp();
    stops.push(() => app.terminate());
    /* eslint-disable-next-line @typescript-eslint/no-require-imports */
    const { seedDemoData } = require('./demoData') as typeof DemoData;
    const seeded = options.seed === false ? undefined : await seedDemoData(app.services);
    // Orchestrations and activities run on a thread of their own, as durable functions run on
    // instances of their own in Azure (durableThread.ts).
    const durable = await startDurableThread({
      log,
      onUnexpectedExit: (reason) => {
        log(`${reason}: stopping the host (start it again: batches resume from storage).`);
        void stop().finally(() => process.exit(1));
      },
    });
    stops.push(() => durable.stop());
    const registrations = app.registrations;
    const providers = new Map<string, ExtraInputProvider>([['durableClient', durable.clientInputProvider]]);

    // The HTTP server goes first when stopping, so no new work arrives while the runtime winds down.
    const http: RunningHttpHost = await startHttpHost({
      registrations,
      port: options.port,
      host: '127.0.0.1',
      extraInputProviders: providers,
      log,
    });
    stops.push(() => http.close());
    // Timer triggers (the invitation email sweeper); stopped first, before the HTTP server.
    const timers = startTimerScheduler({
      registrations,
      extraInputProviders: providers,
      log,
    });
    stops.push(() => timers.stop());
    return {
      baseUrl: http.baseUrl,
      invitationUrl: seeded?.invitationUrl,
      durableApiUrl: durable.rpcBaseUrl,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
