import type { InvocationContext, Timer } from '@azure/functions';
import { app } from '@azure/functions';
import { purgeExpiredUploads } from '../../shared/application/portal/purgeExpiredUploads';
import { services } from '../../shared/compositionRoot';

/**
 * Every hour, on the hour: removes the portal's staged uploads that expired unconfirmed. An upload is
 * refused once expired whether or not it is still stored (confirmUpload checks expiresAt), so an hour's
 * delay only keeps dead rows a little longer; "Check file" no longer pays for the clean-up.
 */
export const PORTAL_UPLOAD_PURGE_SCHEDULE = '0 0 * * * *';

export async function purgeExpiredUploadsOnTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const { background } = await services();
  const { removed } = await purgeExpiredUploads({
    partners: background.deps.partners,
    clock: background.deps.clock,
    uploads: background.uploads,
  });
  if (removed > 0) context.log(`portal upload purge: removed ${removed} expired upload(s)`);
}

app.timer('portalUploadPurge', {
  schedule: PORTAL_UPLOAD_PURGE_SCHEDULE,
  handler: purgeExpiredUploadsOnTimer,
});
