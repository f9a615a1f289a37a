import { z } from 'zod';

/** The invitation email's durable workflow: names and the shapes crossing its boundary. */
export const INVITATION_EMAIL_ORCHESTRATION = 'invitationEmailOrchestration';
export const DELIVER_INVITATION_EMAIL_ACTIVITY = 'deliverInvitationEmail';

export const InvitationEmailRefSchema = z.strictObject({
  partnerId: z.string().min(1),
  emailId: z.string().regex(/^[0-9a-f]{32}$/),
});

export const DeliveryOutcomeSchema = z.object({
  outcome: z.enum(['sent', 'already-sent', 'canceled', 'failed', 'missing']),
  deliveryId: z.string().optional(),
  /** Why a failed email failed: a stable code. */
  code: z.string().optional(),
});
