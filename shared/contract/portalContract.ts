import { z } from 'zod';
import { BatchStatusSchema } from './deviceBatchContract';

/**
 * What the partner portal's batch page polls for its progress bar (signed in with the portal's session
 * cookie): the batch's status as the API gives it, plus the portal's wording and whether it is final.
 */
export const PortalBatchProgressSchema = BatchStatusSchema.extend({
  partnerId: z.string(),
  statusLabel: z.string(),
  final: z.boolean(),
});
export type PortalBatchProgress = z.infer<typeof PortalBatchProgressSchema>;
