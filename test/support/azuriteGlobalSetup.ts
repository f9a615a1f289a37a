import { startAzurite } from '../../infra/local/azurite';

/** One real Azurite for the whole run; each test owns its tables or partitions inside it. */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_STORAGE_CONNECTION) return;
  const azurite = await startAzurite();
  process.env.TEST_STORAGE_CONNECTION = azurite.connectionString;
  (globalThis as { __AZURITE__?: typeof azurite }).__AZURITE__ = azurite;
}
