import type { InvocationContext, Timer } from '@azure/functions';
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { durableInvitationEmailDelivery } from '../../shared/adapters/durable/durableInvitationEmailDelivery';
import { sweepInvitationEmails } from '../../shared/application/email/sweepInvitationEmails';
import { services } from '../../shared/compositionRoot';

/**
 * Every minute: starts delivery of invitation emails still queued (a request that crashed between
 * writing its invitation and starting the delivery, or an orchestration that failed). It reads only
 * the pending emails' markers (one partition), not every email ever sent.
 */
export const INVITATION_EMAIL_SWEEP_SCHEDULE = '0 */1 * * * *';

export async function sweepInvitationEmailsOnTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const svc = await services();
  const { started } = await sweepInvitationEmails({
    ...svc.background.emailDeps,
    emailDelivery: durableInvitationEmailDelivery(df.getClient(context)),
  });
  if (started > 0) context.log(`invitation email sweeper: started ${started} delivery(ies)`);
}

app.timer('invitationEmailSweeper', {
  schedule: INVITATION_EMAIL_SWEEP_SCHEDULE,
  extraInputs: [df.input.durableClient()],
  handler: sweepInvitationEmailsOnTimer,
});
