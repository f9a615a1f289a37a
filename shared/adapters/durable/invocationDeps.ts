import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { BatchDependencies } from '../../application/batches/batchDependencies';
import { batchConsentEvents } from '../../application/batches/batchConsentEvents';
import type { Services } from '../../compositionRoot';
import { durableBatchWorkflow } from './durableBatchWorkflow';

/**
 * The use cases' dependencies for one invocation of a function that has the durable client input:
 * batches start through it, and consent given or revoked signals the batches waiting on it.
 */
export function invocationDeps(svc: Services, context: InvocationContext): BatchDependencies {
  const workflow = durableBatchWorkflow(df.getClient(context));
  return { ...svc.batchDeps, workflow, consentEvents: batchConsentEvents(svc.batchDeps.batches, workflow) };
}
