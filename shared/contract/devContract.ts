import { z } from 'zod';
import { PartnerIdSchema } from '../domain/partners/partner';

export const DevTokenRequestSchema = z.union([
  z.strictObject({ partnerId: PartnerIdSchema }),
  z.strictObject({ upn: z.string().min(3).max(254) }),
]);

export const DevTokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
});

export const DevTenantRequestSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,40}$/)
    .optional(),
});
