import { z } from 'zod';
import { adminRoleName } from '../domain/invitations/adminRoles';
import type { Relationship } from '../domain/relationships/relationship';
import { effectiveDelegatedAdmin } from '../domain/relationships/relationship';
import { Guid } from './common';

export const DelegatedAdminGrantView = z
  .object({
    roles: z.array(z.object({ id: z.string(), name: z.string() })),
    duration: z.string(),
    grantedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .nullable();

export const CustomerSchema = z.object({
  tenantId: z.string(),
  domain: z.string(),
  relationship: z.enum(['reseller', 'oem']),
  authorization: z.enum(['direct', 'indirect']),
  status: z.enum(['active', 'revoked']),
  delegatedAdmin: DelegatedAdminGrantView,
  acceptedAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
  viaResellerIds: z.array(z.string()),
});

export const CustomerListSchema = z.object({ items: z.array(CustomerSchema) });
export const TenantIdParams = z.object({ tenantId: Guid });

export function delegatedAdminView(
  relationship: Relationship,
  now: Date,
): z.infer<typeof DelegatedAdminGrantView> {
  const grant = effectiveDelegatedAdmin(relationship, now);
  return (
    grant && {
      roles: grant.roles.map((id) => ({ id, name: adminRoleName(id) })),
      duration: grant.duration,
      grantedAt: grant.grantedAt,
      expiresAt: grant.expiresAt,
    }
  );
}

export function toCustomer(r: Relationship, now: Date): z.infer<typeof CustomerSchema> {
  return {
    tenantId: r.tenantId,
    domain: r.domain,
    relationship: r.relationship,
    authorization: r.authorization,
    status: r.status,
    delegatedAdmin: delegatedAdminView(r, now),
    acceptedAt: r.acceptedAt,
    revokedAt: r.revokedAt,
    viaResellerIds: [...r.viaResellerIds],
  };
}
