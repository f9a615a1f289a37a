import { z } from 'zod';

export const AuditQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

export const AuditEventSchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  type: z.string(),
  partnerId: z.string().nullable(),
  tenantId: z.string().nullable(),
  actor: z.object({ kind: z.string(), id: z.string() }),
  details: z.record(z.string(), z.unknown()),
});
export const AuditListSchema = z.object({ items: z.array(AuditEventSchema) });
