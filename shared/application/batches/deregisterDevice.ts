import { notFound } from '../../domain/domainError';
import type { Principal } from '../../domain/identity/principal';
import { assertGlobalAdministrator } from '../../domain/identity/principal';
import { actorOf, recordAudit } from '../audit/recordAudit';
import type { BatchDependencies } from './batchDependencies';

/**
 * Removes a device's registration, freeing it for any tenant. The partner that registered it may do
 * this, and so may the tenant's Global Administrator; to anyone else the device does not exist.
 */
export async function deregisterDevice(
  deps: Pick<BatchDependencies, 'registry' | 'outcomes' | 'audit' | 'clock' | 'newId'>,
  principal: Principal,
  tenantId: string,
  deviceId: string,
): Promise<void> {
  const owner = await deps.registry.find(deviceId);
  const missing = () =>
    notFound('DeviceNotFound', `No device ${deviceId} is registered in tenant ${tenantId} by you.`);
  if (!owner || owner.tenantId !== tenantId) throw missing();
  if (principal.kind === 'customer-user') {
    assertGlobalAdministrator(principal);
    if (principal.tenantId !== tenantId) throw missing();
  } else if (principal.partnerId !== owner.partnerId) {
    throw missing();
  }
  // Marked before the keys go: after a crash in between, the device is still found, so the caller's
  // retry completes it (the mark is idempotent); the other order would leave it freed but unmarked.
  await deps.outcomes.markDeregistered(owner, owner.chunkNo, owner.index, deps.clock.now().toISOString());
  await deps.registry.release(owner);
  await recordAudit(
    deps,
    'DeviceDeregistered',
    actorOf(principal),
    { partnerId: owner.partnerId, tenantId },
    {
      deviceId,
      batchId: owner.batchId,
    },
  );
}
