import type { EmailDependencies } from './emailDependencies';

/** Emails younger than this are left to the request that queued them (it starts their delivery itself). */
const GRACE_SECONDS = 60;

/**
 * Starts delivery for every email still queued after the grace period: the request that wrote it may
 * have crashed before starting it, or its delivery may have given up. Starting is idempotent (one
 * instance per email), so sweeping an email that is on its way changes nothing. Failed emails are
 * final and never listed: nothing sends them again.
 */
export async function sweepInvitationEmails(
  deps: Pick<EmailDependencies, 'emailOutbox' | 'emailDelivery' | 'clock'>,
): Promise<{ readonly started: number }> {
  const cutoff = new Date(deps.clock.now().getTime() - GRACE_SECONDS * 1000);
  const waiting = await deps.emailOutbox.listUndelivered(cutoff);
  for (const email of waiting) {
    await deps.emailDelivery.start({ partnerId: email.partnerId, emailId: email.id });
  }
  return { started: waiting.length };
}
