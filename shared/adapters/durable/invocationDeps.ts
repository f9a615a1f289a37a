import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { BatchDependencies } from '../../application/batches/batchDependencies';
import { batchConsentEvents } from '../../application/batches/batchConsentEvents';
import type { Services } from '../../compositionRoot';
import { durableBatchWorkflow } from './durableBatchWorkflow';
import { durableInvitationEmailDelivery } from './durableInvitationEmailDelivery';

/**
 * The use cases' dependencies for one invocation of a function that has the durable client input:
 * batches start through it, consent given or revoked signals the batches waiting on it, and invitation
 * emails start on their way at once (without it, the sweeper picks them up).
 */
export function invocationDeps(svc: Services, context: InvocationContext): BatchDependencies {
  const client = df.getClient(context);
  const workflow = durableBatchWorkflow(client);
  return {
    ...svc.batchDeps,
    workflow,
    consentEvents: batchConsentEvents(svc.batchDeps.batches, workflow),
    emailDelivery: durableInvitationEmailDelivery(client),
  };
}
