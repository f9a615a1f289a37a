import type { AuditLog } from './ports/auditLog';
import type { Clock } from './ports/clock';
import type { ConsentEvents } from './ports/consentEvents';
import type { InvitationEmailDelivery } from './ports/invitationEmailDelivery';
import type { InvitationEmailOutbox } from './ports/invitationEmailOutbox';
import type { InvitationEmailQuota } from './ports/invitationEmailQuota';
import type { InvitationRepository } from './ports/invitationRepository';
import type { PartnerDirectory } from './ports/partnerDirectory';
import type { RelationshipRepository } from './ports/relationshipRepository';
import type { Telemetry } from './ports/telemetry';
import type { TenantDirectory } from './ports/tenantDirectory';

/** Everything the use cases need from the outside world, wired once by the composition root. */
export interface Dependencies {
  readonly partners: PartnerDirectory;
  readonly invitations: InvitationRepository;
  readonly emailOutbox: InvitationEmailOutbox;
  /** Starts delivering a queued invitation email (per invocation: it needs the durable client). */
  readonly emailDelivery: InvitationEmailDelivery;
  /** How many invitation emails each partner may send an hour (across every instance). */
  readonly emailQuota: InvitationEmailQuota;
  readonly relationships: RelationshipRepository;
  readonly audit: AuditLog;
  readonly tenants: TenantDirectory;
  readonly consentEvents: ConsentEvents;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly links: InvitationLinks;
  /** How long a link lives when the partner does not say. */
  readonly invitationTtlDays: number;
  /** Operators' events (Application Insights); absent in tests that do not look at them. */
  readonly telemetry?: Telemetry;
}

export interface InvitationLinks {
  /** The token for an invitation (derived, so the partner can be shown its link again). */
  token(partnerId: string, invitationId: string): string;
  /** The absolute URL a customer opens. */
  url(token: string): string;
}
