import { z } from 'zod';

export const PARTNER_KINDS = ['direct-csp', 'indirect-provider', 'indirect-reseller', 'oem'] as const;
export const PartnerKindSchema = z.enum(PARTNER_KINDS);
export type PartnerKind = z.infer<typeof PartnerKindSchema>;

export const PartnerIdSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'a partner ID is lower-case letters, digits and hyphens');

export const PartnerSchema = z.object({
  id: PartnerIdSchema,
  name: z.string().min(1).max(200),
  kind: PartnerKindSchema,
  /** An indirect reseller's providers; empty for every other kind. */
  providerIds: z.array(PartnerIdSchema).default([]),
  /** Only OEMs admitted to the OEM direct API may ask customers for authorisation. */
  oemEligible: z.boolean().default(false),
  /** The partner's own Entra tenant: its API clients and portal users sign in there. */
  homeTenantId: z.uuid(),
  /** Entra application (client) IDs of the partner's API clients. */
  apiClientIds: z.array(z.string()).default([]),
});
export type Partner = z.infer<typeof PartnerSchema>;
