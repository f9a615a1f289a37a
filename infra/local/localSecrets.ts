import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DevIssuer } from '../../shared/adapters/identity/devIssuer';

/**
 * Keys the local host makes once and keeps beside Azurite's data, so that links, sessions and dev
 * tokens stay valid across restarts. Never used in Azure, where Key Vault provides them.
 */
export interface LocalSecrets {
  readonly LINK_SIGNING_KEY: string;
  readonly SESSION_SECRET: string;
  readonly DEV_ISSUER_PRIVATE_JWK: string;
}

export async function loadOrCreateLocalSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  const secrets: LocalSecrets = {
    LINK_SIGNING_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('base64'),
    DEV_ISSUER_PRIVATE_JWK: await DevIssuer.generatePrivateJwk(),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
