import { TERMINAL_STATUSES } from '../../domain/batches/deviceBatch';
import { conflict, invalid, notFound } from '../../domain/domainError';
import { isDeviceKey } from '../../domain/devices';
import type { Principal } from '../../domain/identity/principal';
import { assertGlobalAdministrator } from '../../domain/identity/principal';
import { actorOf, recordAudit } from '../audit/recordAudit';
import type { BatchDependencies } from './batchDependencies';

/** A deviceId is one of the keys this API gives out; anything else (a '/', a stray suffix) is refused. */
export function assertDeviceId(deviceId: string): void {
  if (!isDeviceKey(deviceId)) {
    throw invalid(
      'InvalidDeviceId',
      "The deviceId is not one this API returned (see the batch's device list).",
      {
        field: 'deviceId',
      },
    );
  }
}

/**
 * Removes a device's registration, freeing it for any tenant. The partner that registered it may do
 * this, and so may the tenant's Global Administrator; to anyone else the device does not exist.
 *
 * The caller is checked first, on what it is alone (a customer user: a Global Administrator of this
 * tenant; a partner: one with a relationship to this tenant, active or not), so that a refused caller
 * hears the same answer whether or not the tenant holds the device. Only then is the device looked up.
 *
 * A device whose batch has not reached a final status is refused (409): one of the batch's chunks may
 * still be claiming it or run again (a retried attempt claims again), and a release in between would
 * free keys the claim then completes without, or that the retry takes back.
 */
export async function deregisterDevice(
  deps: Pick<
    BatchDependencies,
    'registry' | 'outcomes' | 'batches' | 'relationships' | 'audit' | 'clock' | 'newId'
  >,
  principal: Principal,
  tenantId: string,
  deviceId: string,
): Promise<void> {
  assertDeviceId(deviceId);
  const missing = () =>
    notFound('DeviceNotFound', `No device ${deviceId} is registered in tenant ${tenantId} by you.`);
  if (principal.kind === 'customer-user') {
    assertGlobalAdministrator(principal);
    if (principal.tenantId !== tenantId) throw missing();
  } else if (!(await deps.relationships.get(principal.partnerId, tenantId))) {
    throw missing();
  }

  const owner = await deps.registry.find(deviceId);
  if (!owner || owner.tenantId !== tenantId) throw missing();
  if (principal.kind !== 'customer-user' && principal.partnerId !== owner.partnerId) throw missing();

  const batch = await deps.batches.get(owner);
  if (batch && !TERMINAL_STATUSES.has(batch.value.status)) {
    throw conflict(
      'DeviceRegistrationInProgress',
      `Device ${deviceId} belongs to batch ${owner.batchId}, which is still ${batch.value.status}. Deregister it once the batch has finished.`,
    );
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
