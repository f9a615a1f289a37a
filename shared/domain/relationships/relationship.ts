import type { DelegatedAdminRequest } from '../invitations/invitation';

export type RelationshipKind = 'reseller' | 'oem';
export type AuthorizationKind = 'direct' | 'indirect';
export type RelationshipStatus = 'active' | 'revoked';

export interface DelegatedAdminGrant extends DelegatedAdminRequest {
  readonly grantedAt: string;
  readonly expiresAt: string;
}

/** A partner's authorisation to register devices for one customer tenant. */
export interface Relationship {
  readonly partnerId: string;
  readonly tenantId: string;
  readonly domain: string;
  readonly relationship: RelationshipKind;
  readonly authorization: AuthorizationKind;
  readonly status: RelationshipStatus;
  readonly delegatedAdmin: DelegatedAdminGrant | null;
  readonly acceptedAt: string;
  readonly acceptedBy: string;
  readonly revokedAt: string | null;
  readonly invitationId: string | null;
  /** For an indirect provider: the resellers whose accepted relationships authorise it. */
  readonly viaResellerIds: readonly string[];
}

/** Delegated roles lapse at their expiry; a lapsed grant is no grant. */
export function effectiveDelegatedAdmin(relationship: Relationship, now: Date): DelegatedAdminGrant | null {
  const grant = relationship.delegatedAdmin;
  if (!grant || relationship.status !== 'active') return null;
  return new Date(grant.expiresAt) > now ? grant : null;
}

export const isActive = (relationship: Relationship | undefined): boolean =>
  relationship?.status === 'active';
