import type { RunningAzurite } from '../../infra/local/azurite';

export default async function globalTeardown(): Promise<void> {
  const azurite = (globalThis as { __AZURITE__?: RunningAzurite }).__AZURITE__;
  if (azurite) await azurite.stop();
}
