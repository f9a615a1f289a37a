import type { DurableClient } from 'durable-functions';
import type { InvitationEmailDelivery } from '../../application/ports/invitationEmailDelivery';
import { invitationEmailInstanceId } from '../../domain/invitations/invitationEmail';
import { INVITATION_EMAIL_ORCHESTRATION } from './invitationEmailOrchestrationContract';

/**
 * Delivery through the standard durable client: one instance per email, its ID derived from the email,
 * so a second start while it runs is refused (409) and changes nothing. A finished instance whose email
 * is still queued (the sweeper's case) is started afresh, as the extension allows.
 */
export function durableInvitationEmailDelivery(client: DurableClient): InvitationEmailDelivery {
  return {
    async start(ref) {
      const instanceId = invitationEmailInstanceId(ref);
      try {
        await client.startNew(INVITATION_EMAIL_ORCHESTRATION, {
          instanceId,
          input: { partnerId: ref.partnerId, emailId: ref.emailId },
        });
      } catch (error) {
        if (!isAlreadyRunning(error)) throw error;
      }
    },
  };
}

function isAlreadyRunning(error: unknown): boolean {
  // The durable client reports HTTP outcomes only in its messages.
  return error instanceof Error && /\bstatus code: 409\b|already exists/i.test(error.message);
}
