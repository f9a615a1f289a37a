/**
 * Business events for operators (consent given or refused, batches submitted and completed), beside
 * the audit trail that partners and customers read. Sending is fire-and-forget: an event that cannot
 * be delivered is dropped, never an error for the use case that raised it.
 */
export interface Telemetry {
  event(name: string, properties: Readonly<Record<string, string>>): void;
}
