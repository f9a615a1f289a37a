import path from 'node:path';
import { reportEventLoopDelayOnSignal } from './eventLoopProbe';
import { startLocalHost } from './localHost';

/**
 * `npm start`: the whole service on this machine. PORT (default 7071), LOCAL_DATA_DIR (default
 * .local), AZURITE_IN_MEMORY=true for throw-away data, STORAGE_CONNECTION_STRING to use a running Azurite.
 */
async function main(): Promise<void> {
  if (process.env.LOCAL_EVENT_LOOP_PROBE === 'true') reportEventLoopDelayOnSignal();
  const port = Number(process.env.PORT ?? 7071);
  const dataDir = path.resolve(process.env.LOCAL_DATA_DIR ?? '.local');
  const host = await startLocalHost({
    port,
    dataDir,
    inMemory: process.env.AZURITE_IN_MEMORY === 'true',
    storageConnectionString: process.env.STORAGE_CONNECTION_STRING,
  });
  console.log('');
  console.log(`Local host ready: ${host.baseUrl}/api`);
  console.log(`  health:      ${host.baseUrl}/api/health`);
  console.log(`  OpenAPI:     ${host.baseUrl}/api/openapi.json`);
  console.log(`  durable API: ${host.durableApiUrl}`);
  if (host.invitationUrl) console.log(`  invitation:  ${host.invitationUrl}`);
  console.log(`  admin page:  ${host.baseUrl}/api/tenant/partners`);
  console.log(`  portal:      ${host.baseUrl}/api/portal`);
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    host.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
