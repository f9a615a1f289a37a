import type { TokenCredential } from '@azure/core-auth';
import type { Telemetry } from '../../application/ports/telemetry';
import type { AppConfig } from '../../config/config';
import { azureCredential } from '../azure/azureCredential';
import { AppInsightsTelemetry, MONITOR_SCOPE, ingestionTarget } from './appInsightsTelemetry';
import { LogTelemetry } from './logTelemetry';

/**
 * The app's telemetry: every event as a structured log line of its invocation and, when an Application
 * Insights connection string is set, as a custom event too. Built once per process; nothing is loaded
 * or fetched until the first event (the managed identity's token included).
 */
let appInsights: AppInsightsTelemetry | undefined;

export function appTelemetry(cfg: AppConfig): Telemetry {
  const log = new LogTelemetry();
  const { connectionString, entraAuth, roleName } = cfg.telemetry;
  if (!connectionString) return log;
  appInsights ??= new AppInsightsTelemetry({
    target: ingestionTarget(connectionString),
    roleName,
    ...(entraAuth ? { token: cachedToken(cfg.managedIdentityClientId) } : {}),
  });
  const events = appInsights;
  return {
    event(name, properties) {
      log.event(name, properties);
      events.event(name, properties);
    },
  };
}

/** Waits for events still being sent; the invocation hook calls it before an invocation ends. */
export function settleTelemetry(): Promise<void> {
  return appInsights?.flush() ?? Promise.resolve();
}

function cachedToken(clientId: string | undefined): () => Promise<string> {
  let credential: Promise<TokenCredential> | undefined;
  let cached: { token: string; refreshAt: number } | undefined;
  return async () => {
    if (cached && Date.now() < cached.refreshAt) return cached.token;
    credential ??= azureCredential(clientId);
    const token = await (await credential).getToken(MONITOR_SCOPE);
    if (!token) throw new Error('No Entra ID token for Application Insights ingestion');
    cached = { token: token.token, refreshAt: token.expiresOnTimestamp - 5 * 60_000 };
    return token.token;
  };
}
