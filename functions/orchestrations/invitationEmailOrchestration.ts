import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import {
  DELIVER_INVITATION_EMAIL_ACTIVITY,
  INVITATION_EMAIL_ORCHESTRATION,
  InvitationEmailRefSchema,
} from '../../shared/adapters/durable/invitationEmailOrchestrationContract';

/**
 * Delivers one invitation email: the activity, retried with backoff; when the retries run out (the
 * delivery service is down for a while), a durable timer and a fresh start (continueAsNew), until the
 * email is sent, canceled because its link died, or failed (refused for good, or out of attempts: the
 * activity counts them and answers "failed" instead of throwing, so this ends). Exactly-once is the
 * activity's business (claim, idempotency key, ETag-guarded "sent"); this only keeps it being tried.
 */
const sendRetry = new df.RetryOptions(5_000, 6);
sendRetry.backoffCoefficient = 2;
sendRetry.maxRetryIntervalInMilliseconds = 5 * 60_000;
const PAUSE_AFTER_RETRIES_MS = 30 * 60_000;

export const invitationEmailOrchestration: OrchestrationHandler = function* (context: OrchestrationContext) {
  const ref = InvitationEmailRefSchema.parse(context.df.getInput());
  try {
    const outcome: unknown = yield context.df.callActivityWithRetry(
      DELIVER_INVITATION_EMAIL_ACTIVITY,
      sendRetry,
      ref,
    );
    return outcome;
  } catch {
    context.df.setCustomStatus({ status: 'paused', until: PAUSE_AFTER_RETRIES_MS });
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + PAUSE_AFTER_RETRIES_MS));
    context.df.continueAsNew(ref);
    return undefined;
  }
};

df.app.orchestration(INVITATION_EMAIL_ORCHESTRATION, invitationEmailOrchestration);
