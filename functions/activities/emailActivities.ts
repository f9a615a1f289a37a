import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { ActivityHandler } from 'durable-functions';
import {
  DELIVER_INVITATION_EMAIL_ACTIVITY,
  InvitationEmailRefSchema,
} from '../../shared/adapters/durable/invitationEmailOrchestrationContract';
import { deliverInvitationEmail } from '../../shared/application/email/deliverInvitationEmail';
import { services } from '../../shared/compositionRoot';

/** Sends one queued invitation email (at most once; see deliverInvitationEmail). */
export const deliverInvitationEmailActivity: ActivityHandler = async (
  input: unknown,
  context: InvocationContext,
) => {
  const ref = InvitationEmailRefSchema.parse(input);
  const result = await deliverInvitationEmail((await services()).background.emailDeps, ref);
  context.log(`invitation email ${ref.emailId} of ${ref.partnerId}: ${result.outcome}`);
  return result;
};

df.app.activity(DELIVER_INVITATION_EMAIL_ACTIVITY, { handler: deliverInvitationEmailActivity });
