export const AUDIT_EVENT_TYPES = [
  'InvitationCreated',
  'InvitationWithdrawn',
  'InvitationEmailFailed',
  'ConsentAccepted',
  'ConsentRefused',
  'IndirectAuthorizationGranted',
  'DelegatedAdminRemoved',
  'RelationshipRevoked',
  'IndirectAuthorizationRevoked',
  'DeviceBatchSubmitted',
  'DeviceBatchCompleted',
  'DeviceRegistered',
  'DeviceDeregistered',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export interface AuditActor {
  readonly kind: 'partner-client' | 'partner-user' | 'customer-user' | 'system';
  readonly id: string;
}

/** One line of the append-only trail; visible to the partner and to the tenant it names. */
export interface AuditEvent {
  readonly id: string;
  readonly at: string;
  readonly type: AuditEventType;
  readonly partnerId: string | null;
  readonly tenantId: string | null;
  readonly actor: AuditActor;
  readonly details: Readonly<Record<string, unknown>>;
}
