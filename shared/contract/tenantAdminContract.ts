import { z } from 'zod';
import type { TenantPartner } from '../application/tenantAdmin/tenantPartners';
import { PartnerIdSchema } from '../domain/partners/partner';
import { PARTNER_CAPABILITIES } from '../domain/partners/partnerCapabilities';
import { DelegatedAdminGrantView, delegatedAdminView } from './customerContract';

export const TenantPartnerSchema = z.object({
  partnerId: z.string(),
  partnerName: z.string(),
  partnerKind: z.string(),
  relationship: z.enum(['reseller', 'oem']),
  authorization: z.enum(['direct', 'indirect']),
  status: z.enum(['active', 'revoked']),
  delegatedAdmin: DelegatedAdminGrantView,
  acceptedAt: z.iso.datetime(),
  acceptedBy: z.string(),
  revokedAt: z.iso.datetime().nullable(),
  viaResellerIds: z.array(z.string()),
});

export const TenantPartnerListSchema = z.object({ items: z.array(TenantPartnerSchema) });
export const PartnerIdParams = z.object({ partnerId: PartnerIdSchema });

export function toTenantPartner(
  { partner, relationship: r }: TenantPartner,
  now: Date,
): z.infer<typeof TenantPartnerSchema> {
  return {
    partnerId: r.partnerId,
    partnerName: partner?.name ?? r.partnerId,
    partnerKind: partner ? PARTNER_CAPABILITIES[partner.kind].label : 'Unknown partner',
    relationship: r.relationship,
    authorization: r.authorization,
    status: r.status,
    delegatedAdmin: delegatedAdminView(r, now),
    acceptedAt: r.acceptedAt,
    acceptedBy: r.acceptedBy,
    revokedAt: r.revokedAt,
    viaResellerIds: [...r.viaResellerIds],
  };
}
