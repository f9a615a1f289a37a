import { startAzurite } from '../../infra/local/azurite';

/** One real Azurite for the whole run; each test owns its tables or partitions inside it. */
export default async function globalSetup(): Promise<void> {
  // Tests that read the app's configuration from the environment sign in through the dev issuer,
  // which the app never picks by default (it fails closed to entra).
  process.env.AUTH_MODE ??= 'dev';
  if (process.env.TEST_STORAGE_CONNECTION) return;
  const azurite = await startAzurite();
  process.env.TEST_STORAGE_CONNECTION = azurite.connectionString;
  (globalThis as { __AZURITE__?: typeof azurite }).__AZURITE__ = azurite;
}
