import { z } from 'zod';

export const AuditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Events per page, newest first.'),
  continuationToken: z
    .string()
    .max(200)
    .optional()
    .describe('The continuationToken of the previous page, to read the next (older) events.'),
});

export const AuditEventSchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  type: z.string(),
  partnerId: z.string().nullable(),
  tenantId: z.string().nullable(),
  actor: z.object({ kind: z.string(), id: z.string() }),
  details: z.record(z.string(), z.unknown()),
});
export const AuditListSchema = z.object({
  items: z.array(AuditEventSchema),
  continuationToken: z
    .string()
    .nullable()
    .describe('Pass it back as ?continuationToken= for the next page; null on the last page.'),
});
