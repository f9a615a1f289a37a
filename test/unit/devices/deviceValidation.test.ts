import {
  productKeyKey,
  tupleKey,
  validateDevice,
  type DeviceError,
  type NormalizedDevice,
} from '../../../shared/domain/devices';
import { deviceCsvWording } from '../../../shared/adapters/csv/deviceCsvWording';
import { buildHardwareHash, deviceRecords } from '../../support/hardwareHashes';

function valid(entry: unknown): NormalizedDevice {
  const result = validateDevice(entry);
  if (result.status !== 'valid') throw new Error(`expected a valid device: ${result.error.errorDescription}`);
  return result.device;
}

function refused(entry: unknown): DeviceError {
  const result = validateDevice(entry);
  if (result.status !== 'invalid')
    throw new Error(`expected the device to be refused: ${JSON.stringify(entry)}`);
  return result.error;
}

const SERIAL = 'PF3ABC12';
const MANUFACTURER = 'Contoso';
const MODEL = 'Surface Laptop 5';
const PKID = '3345678901234';
const FULL_HASH = buildHardwareHash({
  serialNumber: SERIAL,
  manufacturer: MANUFACTURER,
  model: MODEL,
  productKey: PKID,
});
const TUPLE = { serialNumber: SERIAL, oemManufacturerName: MANUFACTURER, modelName: MODEL };

describe('validateDevice: malformed entries (801)', () => {
  it.each([
    ['a number', 42, 'The device entry is a number, not a JSON object'],
    ['null', null, 'The device entry is null, not a JSON object'],
    ['an array', [PKID], 'The device entry is an array, not a JSON object'],
    ['a string', PKID, 'The device entry is a string, not a JSON object'],
  ])('when the entry is %s, then it is InvalidZtdRequestBody', (_case, entry, detail) => {
    const error = refused(entry);

    expect(error).toMatchObject({ errorCode: 'InvalidZtdRequestBody', errorNumber: 801 });
    expect(error.errorDescription).toMatch(new RegExp(`^${detail}\\. Send each device`));
  });

  it('when the entry has an unknown field, then the description names it', () => {
    const error = refused({ productKey: PKID, serial: 'x' });

    expect(error.errorCode).toBe('InvalidZtdRequestBody');
    expect(error.errorDescription).toMatch(/^The device has unknown field\(s\) "serial"\./);
  });

  it.each([
    ['serialNumber', 12345, 'a number'],
    ['productKey', null, 'null'],
    ['groupTag', { a: 1 }, 'an object'],
    ['hardwareHash', true, 'a boolean'],
  ])(
    'when %s is not a string, then the description names the field and what was sent',
    (field, value, what) => {
      const error = refused({ ...TUPLE, [field]: value });

      expect(error.errorCode).toBe('InvalidZtdRequestBody');
      expect(error.errorDescription).toMatch(new RegExp(`^${field} must be a string, not ${what}\\.`));
    },
  );

  it.each([
    ['serialNumber', 128],
    ['oemManufacturerName', 255],
    ['modelName', 255],
    ['groupTag', 128],
  ])('when %s is longer than %i characters, then it is refused and the limit is named', (field, limit) => {
    expect(valid({ ...TUPLE, [field]: 'x'.repeat(limit) })).toBeDefined();

    const error = refused({ ...TUPLE, [field]: 'x'.repeat(limit + 1) });

    expect(error.errorCode).toBe('InvalidZtdRequestBody');
    expect(error.errorDescription).toMatch(new RegExp(`^${field} is longer than ${limit} characters\\.`));
  });

  it.each(['12', '12345678901234', '123456789012a', '1234 567890123', '１２３４５６７８９０１２３'])(
    'when productKey is %j, then it is refused as not a 13-digit PKID',
    (productKey) => {
      const error = refused({ productKey });

      expect(error.errorCode).toBe('InvalidZtdRequestBody');
      expect(error.errorDescription).toMatch(
        /^productKey ".*" is not a product key ID: a PKID is exactly 13 digits/,
      );
    },
  );

  it('when an unknown field and a malformed hash come together, then the body error wins', () => {
    expect(refused({ hardwareHash: 'not base64!', extra: 1 }).errorCode).toBe('InvalidZtdRequestBody');
  });

  it('when a malformed productKey comes with a well-formed hash, then the productKey is refused as malformed', () => {
    const hash = buildHardwareHash({ serialNumber: SERIAL, manufacturer: MANUFACTURER, model: MODEL });
    expect(refused({ hardwareHash: hash, productKey: '00329-00000-0003-AA606' }).errorCode).toBe(
      'InvalidZtdRequestBody',
    );
  });

  it('when a malformed productKey comes with a malformed hash, then the hash error wins (the hash is what registers the device)', () => {
    expect(refused({ hardwareHash: 'not base64!', productKey: '1' }).errorCode).toBe(
      'InvalidZtdHardwareHash',
    );
  });

  it('when a very long value is quoted in a description, then it is shortened', () => {
    const error = refused({ productKey: '9'.repeat(60) });

    expect(error.errorDescription).toContain(`"${'9'.repeat(40)}…"`);
  });
});

describe('validateDevice: hardware hash (802)', () => {
  it('when the hash is malformed, then it is InvalidZtdHardwareHash with the decoder reason', () => {
    const error = refused({ hardwareHash: 'T0E=' });

    expect(error).toMatchObject({ errorCode: 'InvalidZtdHardwareHash', errorNumber: 802 });
    expect(error.errorDescription).toMatch(
      /^The hardware hash is 2 bytes long, shorter than its 4-byte header\. Copy the hash again.*\. Capture/,
    );
  });

  it.each([
    ['productKey', '9999999999999', 'product key ID'],
    ['oemManufacturerName', 'Fabrikam', 'manufacturer'],
    ['modelName', 'Book 14', 'model'],
  ])(
    'when %s contradicts the hash, then the description names the field and both values',
    (field, value, label) => {
      const error = refused({ hardwareHash: FULL_HASH, [field]: value });

      expect(error.errorCode).toBe('InvalidZtdHardwareHash');
      expect(error.errorDescription).toContain(
        `${field} ${JSON.stringify(value)} disagrees with the ${label} inside the hardware hash`,
      );
      expect(error.errorDescription).toContain('Send the values the hash holds, or leave those fields out');
    },
  );

  it('when two fields contradict the hash, then both are named', () => {
    const error = refused({ hardwareHash: FULL_HASH, modelName: 'X', productKey: '1111111111111' });

    expect(error.errorDescription).toMatch(/modelName "X" disagrees.*; productKey "1111111111111" disagrees/);
  });

  it('when the serial number sent is not the one inside the hash, then it is refused as the wrong hash for this entry, naming the device the hash is of', () => {
    const error = refused({ hardwareHash: FULL_HASH, serialNumber: 'OTHER-SERIAL', modelName: 'Book 14' });

    expect(error).toMatchObject({ errorCode: 'InvalidZtdHardwareHash', errorNumber: 802 });
    expect(error.errorDescription).toMatch(
      new RegExp(
        '^This is the hardware hash of the device with serial number "PF3ABC12" \\("Contoso Surface Laptop 5"\\), ' +
          'not of serialNumber "OTHER-SERIAL": it is the wrong hash for this entry\\. Put each device\'s own ' +
          'hardware hash beside its serial number\\.',
      ),
    );
  });

  it("when a CSV row holds another device's hash, then the refusal speaks of the row and its column", () => {
    const wording = deviceCsvWording([{ line: 2 }], 'intune');
    const result = validateDevice({ hardwareHash: FULL_HASH, serialNumber: 'OTHER-SERIAL' }, wording);

    expect(result.status === 'invalid' && result.error.errorDescription).toMatch(
      /not of Device Serial Number "OTHER-SERIAL": it is the wrong hash for this row\./,
    );
  });

  it('when a VMware hash has no product key ID record, then the device is valid and known by its tuple alone', () => {
    const device = valid({
      hardwareHash: buildHardwareHash({
        serialNumber: 'VMware-56 4d 8d 1c 2a 3b 4c 5d-6e 7f 80 91 a2 b3 c4 d5',
        manufacturer: 'VMware, Inc.',
        model: 'VMware7,1',
        kind: 'vm',
      }),
      serialNumber: 'VMware-56 4d 8d 1c 2a 3b 4c 5d-6e 7f 80 91 a2 b3 c4 d5',
    });

    expect(device.hardwareHash?.productKey).toBeUndefined();
    expect(device.keys).toEqual([
      tupleKey('VMware-56 4d 8d 1c 2a 3b 4c 5d-6e 7f 80 91 a2 b3 c4 d5', 'VMware, Inc.', 'VMware7,1'),
    ]);
  });

  it('when explicit fields differ from the hash only by case and whitespace, then there is no contradiction', () => {
    const device = valid({
      hardwareHash: FULL_HASH,
      serialNumber: ' pf3abc12 ',
      modelName: 'SURFACE  LAPTOP 5',
    });

    expect(device.identifiedBy).toBe('hardwareHash');
  });

  it('when the hash holds no serial, then an explicit serial cannot contradict it', () => {
    const hash = buildHardwareHash({ productKey: PKID });

    expect(valid({ hardwareHash: hash, serialNumber: SERIAL }).serialNumber).toBe(SERIAL);
  });
});

describe('validateDevice: missing identifiers (803)', () => {
  it('when the entry is an empty object, then it is MissingZtdSerialNumberAndProductKey', () => {
    const error = refused({});

    expect(error).toMatchObject({ errorCode: 'MissingZtdSerialNumberAndProductKey', errorNumber: 803 });
    expect(error.errorDescription).toMatch(
      /^The device has no hardwareHash, productKey or serialNumber\. Identify/,
    );
  });

  it('when only a groupTag is given, then the device has no identifier', () => {
    expect(refused({ groupTag: 'Sales' }).errorCode).toBe('MissingZtdSerialNumberAndProductKey');
  });

  it('when a serial number comes alone, then the sentence explains the tuple needs all three', () => {
    const error = refused({ serialNumber: SERIAL });

    expect(error.errorCode).toBe('MissingZtdSerialNumberAndProductKey');
    expect(error.errorDescription).toMatch(
      /^The device has serialNumber but no oemManufacturerName or modelName: .*together \(the tuple\), and all three are needed\./,
    );
  });

  it('when the model is missing from the tuple, then the sentence names it', () => {
    expect(refused({ serialNumber: SERIAL, oemManufacturerName: MANUFACTURER }).errorDescription).toMatch(
      /^The device has serialNumber and oemManufacturerName but no modelName:/,
    );
  });

  it('when manufacturer and model come without a serial, then the sentence names the serial', () => {
    expect(refused({ oemManufacturerName: MANUFACTURER, modelName: MODEL }).errorDescription).toMatch(
      /^The device has oemManufacturerName and modelName but no serialNumber:/,
    );
  });

  it('when fields are empty or blank strings, then they count as absent', () => {
    const error = refused({ hardwareHash: '', productKey: '  ', serialNumber: SERIAL, modelName: '' });

    expect(error.errorCode).toBe('MissingZtdSerialNumberAndProductKey');
    expect(error.errorDescription).toMatch(
      /^The device has serialNumber but no oemManufacturerName or modelName/,
    );
  });
});

describe('validateDevice: accepted combinations', () => {
  it.each([
    ['hardware hash alone', { hardwareHash: FULL_HASH }, 'hardwareHash'],
    ['hardware hash and product key', { hardwareHash: FULL_HASH, productKey: PKID }, 'hardwareHash'],
    ['hardware hash and serial number', { hardwareHash: FULL_HASH, serialNumber: SERIAL }, 'hardwareHash'],
    [
      'hash, product key and serial',
      { hardwareHash: FULL_HASH, productKey: PKID, serialNumber: SERIAL },
      'hardwareHash',
    ],
    ['product key alone', { productKey: PKID }, 'productKey'],
    ['product key and a partial tuple', { productKey: PKID, serialNumber: SERIAL }, 'productKey'],
    ['the tuple', TUPLE, 'tuple'],
    ['product key and the tuple', { ...TUPLE, productKey: PKID }, 'productKey'],
  ] as const)('when the device has %s, then it is valid', (_case, entry, identifiedBy) => {
    expect(valid(entry).identifiedBy).toBe(identifiedBy);
  });

  it('when a device is valid, then its fields are trimmed and its deviceId is one of its keys', () => {
    const device = valid({
      serialNumber: ` ${SERIAL} `,
      oemManufacturerName: MANUFACTURER,
      modelName: MODEL,
      productKey: `${PKID} `,
      groupTag: ' Sales ',
    });

    expect(device).toMatchObject({
      serialNumber: SERIAL,
      productKey: PKID,
      groupTag: 'Sales',
      identifiedBy: 'productKey',
    });
    expect(device.keys).toEqual([tupleKey(SERIAL, MANUFACTURER, MODEL), productKeyKey(PKID)]);
    expect(device.deviceId).toBe(tupleKey(SERIAL, MANUFACTURER, MODEL));
    expect(device.hardwareHash).toBeUndefined();
  });

  it('when a hash is given, then the device keeps the hash, what it holds and its digest', () => {
    const device = valid({ hardwareHash: ` ${FULL_HASH}\n` });

    expect(device.hardwareHash).toMatchObject({
      base64: FULL_HASH,
      serialNumber: SERIAL,
      manufacturer: MANUFACTURER,
      model: MODEL,
      productKey: PKID,
      recordCount: deviceRecords({
        serialNumber: SERIAL,
        manufacturer: MANUFACTURER,
        model: MODEL,
        productKey: PKID,
      }).length,
    });
    expect(device.hardwareHash?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when a CSV row leaves cells empty, then the remaining identifiers are used', () => {
    const device = valid({ serialNumber: '', productKey: PKID, hardwareHash: '', groupTag: '' });

    expect(device).toMatchObject({ identifiedBy: 'productKey', deviceId: `pkid:${PKID}` });
    expect(device.groupTag).toBeUndefined();
  });
});
