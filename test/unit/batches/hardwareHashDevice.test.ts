import { listBatchDevices } from '../../../shared/application/batches/readDeviceBatch';
import { registerChunk } from '../../../shared/application/batches/registerChunk';
import { submitDeviceBatch } from '../../../shared/application/batches/submitDeviceBatch';
import { validateDeviceBatch } from '../../../shared/application/batches/validateDeviceBatch';
import { buildHardwareHash } from '../../support/hardwareHashes';
import { giveConsent, inMemoryBatchWorld, ownerOf, pkidDevice } from '../../support/inMemoryBatchPorts';
import { PARTNERS, TENANT_ID, partnerClient } from '../../support/inMemoryPorts';

const principal = partnerClient(PARTNERS.direct);

const HP = { serialNumber: '5CG1234XYZ', manufacturer: 'HP', model: 'HP EliteBook 840 G8 Notebook PC' };
const VM = {
  serialNumber: 'VMware-56 4d 8d 1c 2a 3b 4c 5d-6e 7f 80 91 a2 b3 c4 d5',
  manufacturer: 'VMware, Inc.',
  model: 'VMware7,1',
};
const LENOVO = { serialNumber: 'PF3ABC12', manufacturer: 'LENOVO', model: '20XW004GUS' };
let nextPkid = 3_345_678_901_234;
/** A VM's hash has no product key ID; a laptop's has its own. */
const hashOf = (device: typeof HP, kind?: 'vm') =>
  buildHardwareHash({ ...device, productKey: kind ? undefined : String(nextPkid++), kind });

describe('partners see what a hardware hash says the device is', () => {
  it('when devices are validated, then each check carries the serial, manufacturer and model read from its hash, also for a refused one, and null without a hash', async () => {
    const world = inMemoryBatchWorld();
    // Ownership is checked only for a partner with consent (validate is no ownership oracle).
    await giveConsent(world, PARTNERS.direct.id);
    // The Lenovo is already registered elsewhere; the VM's hash is put beside another serial number.
    world.registry.seed(ownerOf({ hardwareHash: hashOf(LENOVO) }));

    const { devices } = await validateDeviceBatch(world.batchDeps, principal, TENANT_ID, [
      { hardwareHash: hashOf(HP), serialNumber: HP.serialNumber },
      { hardwareHash: hashOf(VM, 'vm'), serialNumber: 'SOMEONE-ELSE' },
      { hardwareHash: hashOf(LENOVO) },
      pkidDevice(1),
    ]);

    expect(devices.map((d) => [d.status, d.error?.errorCode ?? null, d.hardwareHashDevice])).toEqual([
      ['valid', null, HP],
      ['invalid', 'InvalidZtdHardwareHash', VM],
      ['invalid', 'ZtdDeviceAssignedToOtherTenant', LENOVO],
      ['valid', null, null],
    ]);
    expect(devices[1]?.error?.errorDescription).toMatch(/wrong hash for this entry/);
  });

  it('when a batch of hash devices is listed before and after registration, then every result carries what its hash says', async () => {
    const world = inMemoryBatchWorld();
    await giveConsent(world, PARTNERS.direct.id);
    const { batch } = await submitDeviceBatch(world.batchDeps, principal, 'api', TENANT_ID, {
      batchId: 'hashes',
      devices: [
        { hardwareHash: hashOf(HP) },
        { hardwareHash: hashOf(VM, 'vm'), serialNumber: 'SOMEONE-ELSE' },
        pkidDevice(2),
      ],
    });
    const list = async () =>
      (await listBatchDevices(world.batchDeps, principal, TENANT_ID, 'hashes', { pageSize: 10 })).items.map(
        (o) => [o.status, o.hardwareHashDevice ?? null],
      );

    expect(await list()).toEqual([
      ['pending', HP],
      ['failed', VM],
      ['pending', null],
    ]);
    await registerChunk(world.batchDeps, batch, 0);
    expect(await list()).toEqual([
      ['registered', HP],
      ['failed', VM],
      ['registered', null],
    ]);
  });

  it('when a hash holds an SMBIOS string longer than 64 characters, then what is shown is cut to 64', async () => {
    const world = inMemoryBatchWorld();
    const long = { ...HP, model: 'M'.repeat(300) };

    const { devices } = await validateDeviceBatch(world.batchDeps, principal, TENANT_ID, [
      { hardwareHash: hashOf(long) },
    ]);

    expect(devices[0]?.hardwareHashDevice?.model).toBe('M'.repeat(64));
  });
});
