import type { Telemetry } from '../../application/ports/telemetry';
import { currentInvocation } from './invocationScope';

/**
 * Custom events sent to Application Insights' ingestion endpoint (`/v2.1/track`), the endpoint its
 * SDKs use, as `customEvents` rows with the invocation's operation ID, so that an operator can follow
 * a batch or a consent from the request that started it. The resource has local auth off, so each post
 * carries an Entra ID token of the app's managed identity for https://monitor.azure.com.
 *
 * Each event is posted at once and not awaited by the use case; `flush()` waits for those in flight
 * (the invocation hook calls it before the invocation ends, because an idle Flex instance may be
 * frozen). A failed post is dropped and reported once per kind of failure on the console.
 */
export interface IngestionTarget {
  readonly trackUrl: string;
  readonly instrumentationKey: string;
}

export function ingestionTarget(connectionString: string): IngestionTarget {
  const parts = new Map(
    connectionString
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const index = part.indexOf('=');
        return [part.slice(0, index).toLowerCase(), part.slice(index + 1)] as const;
      }),
  );
  const instrumentationKey = parts.get('instrumentationkey');
  const endpoint = parts.get('ingestionendpoint');
  if (!instrumentationKey || !endpoint)
    throw new Error(
      'The Application Insights connection string lacks InstrumentationKey or IngestionEndpoint',
    );
  return { instrumentationKey, trackUrl: new URL('v2.1/track', endpoint.replace(/\/?$/, '/')).toString() };
}

export const MONITOR_SCOPE = 'https://monitor.azure.com//.default';

export class AppInsightsTelemetry implements Telemetry {
  readonly #pending = new Set<Promise<void>>();
  readonly #reported = new Set<string>();

  constructor(
    private readonly options: {
      target: IngestionTarget;
      roleName: string;
      /** An Entra ID bearer token for MONITOR_SCOPE; absent where the resource accepts keys. */
      token?: () => Promise<string>;
      report?: (message: string) => void;
    },
  ) {}

  event(name: string, properties: Readonly<Record<string, string>>): void {
    const scope = currentInvocation();
    const envelope = {
      name: 'Microsoft.ApplicationInsights.Event',
      time: new Date().toISOString(),
      iKey: this.options.target.instrumentationKey,
      tags: {
        'ai.cloud.role': this.options.roleName,
        ...(scope?.operationId ? { 'ai.operation.id': scope.operationId } : {}),
        ...(scope?.parentId ? { 'ai.operation.parentId': scope.parentId } : {}),
        ...(scope ? { 'ai.operation.name': scope.functionName } : {}),
      },
      data: {
        baseType: 'EventData',
        baseData: {
          ver: 2,
          name,
          properties: {
            ...properties,
            ...(scope ? { invocationId: scope.invocationId } : {}),
            ...(scope?.orchestrationId ? { orchestrationId: scope.orchestrationId } : {}),
          },
        },
      },
    };
    const sending = this.send([envelope]).catch((error: unknown) => this.reportOnce(error));
    this.#pending.add(sending);
    void sending.finally(() => this.#pending.delete(sending));
  }

  /** Waits for the events in flight (never rejects). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  private async send(envelopes: readonly object[]): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${await this.options.token()}`;
    const response = await fetch(this.options.target.trackUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify(envelopes),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`Application Insights ingestion answered ${response.status}`);
    await response.arrayBuffer();
  }

  private reportOnce(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.#reported.has(message)) return;
    this.#reported.add(message);
    (this.options.report ?? ((m: string) => console.warn(m)))(`Telemetry event dropped: ${message}`);
  }
}
