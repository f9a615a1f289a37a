import { ApiClient } from './apiClient';
import type { LocalHostProcess, LocalHostOptions } from './localHostProcess';
import { startLocalHostProcess } from './localHostProcess';

/** One local host for a test file, its API client, and the API client tokens of the partners named. */
export interface LocalHostForFile {
  readonly host: LocalHostProcess;
  readonly api: ApiClient;
  /** Filled before the first test: partner ID → access token of its API client. */
  readonly tokens: Record<string, string>;
}

/**
 * Starts the file's local host before its tests (signing in the partners' API clients) and stops it
 * after them: the set-up every e2e file otherwise writes out. Read the fields inside tests and hooks,
 * not at the file's top level (they are set in beforeAll).
 */
export function localHostForFile(
  partnerIds: readonly string[] = [],
  options?: LocalHostOptions,
): LocalHostForFile {
  let host: LocalHostProcess | undefined;
  let api: ApiClient | undefined;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    host = await startLocalHostProcess(options);
    api = new ApiClient(host.baseUrl);
    for (const partnerId of partnerIds) tokens[partnerId] = await api.partnerToken(partnerId);
  }, 90_000);
  afterAll(async () => {
    await host?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The local host is read before beforeAll started it.');
    return value;
  };
  return {
    get host() {
      return started(host);
    },
    get api() {
      return started(api);
    },
    tokens,
  };
}
