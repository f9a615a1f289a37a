import type { DeviceError, DeviceWording, HardwareHashDevice } from '../../domain/devices';
import { deviceError, hardwareHashDeviceOf, readHardwareHashDevice } from '../../domain/devices';
import type { PartnerPrincipal } from '../../domain/identity/principal';
import { assertMayUseDeviceApi } from '../../domain/partners/partnerRules';
import { partnerOf } from '../partnerOf';
import type { BatchDependencies } from './batchDependencies';
import type { SubmissionChannel } from './submitDeviceBatch';
import type { ConsentStatus } from './consentStatus';
import { consentStatus } from './consentStatus';
import { validateSubmissionInSlices } from './validateSubmissionInSlices';

export interface DeviceCheck {
  readonly index: number;
  readonly status: 'valid' | 'invalid';
  readonly error: DeviceError | null;
  /** What the device's hardware hash says it is, when it has one that can be read. */
  readonly hardwareHashDevice: HardwareHashDevice | null;
}

/**
 * Tells a partner, before it submits, whether consent is in place and how each device would fare.
 * Writes nothing. Indirect resellers validate through the portal only, as they submit. `wording` says
 * the refusals in the terms of the devices' source (a CSV file's lines and columns in the portal);
 * codes and numbers do not depend on it.
 *
 * Whether a device is already registered (806 here, 808 elsewhere) is checked only with this partner's
 * active consent for the tenant (its own relationship; an indirect provider's comes through its
 * reseller): without it, any partner could learn which tenant holds a serial or product key. Without
 * it each device's form is checked and `ownershipChecked` is false; registration checks ownership
 * anyway, once consent is given.
 */
export async function validateDeviceBatch(
  deps: Pick<BatchDependencies, 'partners' | 'relationships' | 'registry'>,
  principal: PartnerPrincipal,
  tenantId: string,
  devices: readonly unknown[],
  channel: SubmissionChannel = 'api',
  wording?: DeviceWording,
): Promise<{ consent: ConsentStatus; ownershipChecked: boolean; devices: DeviceCheck[] }> {
  const partner = await partnerOf(deps, principal);
  if (channel === 'api') assertMayUseDeviceApi(partner);
  const results = await validateSubmissionInSlices(devices, wording);
  const consent = await consentStatus(deps, partner.id, tenantId);
  const ownershipChecked = consent === 'active';
  const keys = ownershipChecked ? results.flatMap((r) => (r.status === 'valid' ? r.device.keys : [])) : [];
  const owners = await deps.registry.findMany(keys);
  const checks = results.map((result, index): DeviceCheck => {
    if (result.status === 'invalid') {
      const hardwareHashDevice = readHardwareHashDevice(devices[index]);
      return { index, status: 'invalid', error: result.error, hardwareHashDevice };
    }
    const hash = result.device.hardwareHash;
    const hardwareHashDevice = hash === undefined ? null : hardwareHashDeviceOf(hash);
    const owner = result.device.keys.map((k) => owners.get(k)).find((o) => o !== undefined);
    if (!owner) return { index, status: 'valid', error: null, hardwareHashDevice };
    const code = owner.tenantId === tenantId ? 'ZtdDeviceAlreadyAssigned' : 'ZtdDeviceAssignedToOtherTenant';
    return { index, status: 'invalid', error: deviceError(code), hardwareHashDevice };
  });
  return { consent, ownershipChecked, devices: checks };
}
