import type { InvitationEmailRef } from '../../domain/invitations/invitationEmail';

/**
 * Starts the delivery of a queued email outside the request (a durable orchestration per email).
 * Starting the same email twice starts it once.
 */
export interface InvitationEmailDelivery {
  start(ref: InvitationEmailRef): Promise<void>;
}

/** Without a durable client at hand, delivery waits for the sweeper, which starts every queued email. */
export const deliveryBySweeper: InvitationEmailDelivery = {
  start: () => Promise.resolve(),
};
