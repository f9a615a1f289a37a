import type { Telemetry } from '../../application/ports/telemetry';
import { currentInvocation } from './invocationScope';

/**
 * Each event as one JSON line through the invocation's own logger, so that in Azure it lands in
 * Application Insights' `traces` with the invocation's operation ID and can be queried by its fields
 * (`parse_json(message)`). Outside an invocation (code run by no function, such as seeding or a script)
 * nothing is written: the audit trail holds the same facts.
 */
export class LogTelemetry implements Telemetry {
  event(name: string, properties: Readonly<Record<string, string>>): void {
    const scope = currentInvocation();
    if (!scope) return;
    scope.log(
      JSON.stringify({
        event: name,
        ...properties,
        invocationId: scope.invocationId,
        functionName: scope.functionName,
        ...(scope.operationId ? { operationId: scope.operationId } : {}),
        ...(scope.orchestrationId ? { orchestrationId: scope.orchestrationId } : {}),
      }),
    );
  }
}
