import { createHash } from 'node:crypto';
import {
  deviceKeys,
  hardwareHashKey,
  isDeviceKey,
  keyKind,
  normalizeIdentifier,
  primaryKey,
  productKeyKey,
  tupleKey,
  validateDevice,
  type NormalizedDevice,
} from '../../../shared/domain/devices';
import { buildHardwareHash } from '../../support/hardwareHashes';

function valid(entry: unknown): NormalizedDevice {
  const result = validateDevice(entry);
  if (result.status !== 'valid') throw new Error(`expected a valid device: ${result.error.errorDescription}`);
  return result.device;
}

const SERIAL = 'PF3ABC12';
const MANUFACTURER = 'Contoso';
const MODEL = 'Surface Laptop 5';
const PKID = '3345678901234';
const HASH = buildHardwareHash({
  serialNumber: SERIAL,
  manufacturer: MANUFACTURER,
  model: MODEL,
  productKey: PKID,
});

/** Azure Table keys may not hold '/', '\', '#', '?' or control characters, and are at most 1 KiB. */
const TABLE_SAFE = /^[a-z0-9:]{1,1024}$/;

describe('identity keys of one physical device', () => {
  const byHash = valid({ hardwareHash: HASH });
  const byTuple = valid({ serialNumber: SERIAL, oemManufacturerName: MANUFACTURER, modelName: MODEL });
  const byPkid = valid({ productKey: PKID });

  it('when the device is sent by a hash holding its tuple, then its keys are its tuple and product key, not the hash', () => {
    expect(byHash.keys.map(keyKind)).toEqual(['tuple', 'pkid']);
  });

  it('when the same device is sent by another hash of it (other bytes, same tuple), then they share the tuple key', () => {
    const other = valid({
      hardwareHash: buildHardwareHash({
        serialNumber: SERIAL,
        manufacturer: MANUFACTURER,
        model: MODEL,
        variant: 'after a disk replacement',
      }),
    });

    expect(other.keys).toContain(byHash.deviceId);
  });

  it('when the same device is sent by hash and by tuple, then they share the tuple key', () => {
    expect(byHash.keys).toContain(byTuple.keys[0]);
  });

  it('when the same device is sent by hash and by product key, then they share the product key key', () => {
    expect(byHash.keys).toContain(byPkid.keys[0]);
  });

  it('when the hash carries the tuple, then the deviceId is the same whether it is sent by hash or by tuple', () => {
    expect(byHash.deviceId).toBe(byTuple.deviceId);
    expect(byHash.deviceId).toBe(tupleKey(SERIAL, MANUFACTURER, MODEL));
  });

  it('when the device is sent with the hash and explicit matching fields, then no key is repeated', () => {
    const both = valid({ hardwareHash: HASH, serialNumber: SERIAL, productKey: PKID });

    expect(both.keys).toEqual(byHash.keys);
  });

  it('when a hash holds only a serial and the partner adds manufacturer and model, then the merged tuple is a key', () => {
    const hash = buildHardwareHash({ serialNumber: SERIAL });
    const device = valid({ hardwareHash: hash, oemManufacturerName: MANUFACTURER, modelName: MODEL });

    expect(device.keys).toContain(byTuple.deviceId);
    expect(device.deviceId).toBe(byTuple.deviceId);
  });
  it('when a hash lacks the serial and the partner adds it, then the merged tuple is the deviceId', () => {
    const hash = buildHardwareHash({ manufacturer: MANUFACTURER, model: MODEL, productKey: PKID });
    const device = valid({ hardwareHash: hash, serialNumber: SERIAL });

    expect(device.deviceId).toBe(byTuple.deviceId);
    expect(device.keys.map(keyKind)).toEqual(['tuple', 'pkid', 'hash']);
  });
});

describe('normalizeIdentifier and tupleKey', () => {
  it('when values differ only by case and whitespace, then they normalize alike', () => {
    expect(normalizeIdentifier('  Surface \t Laptop\n5 ')).toBe('surface laptop 5');
    expect(tupleKey(' pf3abc12', 'CONTOSO ', 'surface   laptop 5')).toBe(
      tupleKey(SERIAL, MANUFACTURER, MODEL),
    );
  });

  it('when values differ by a German sharp s against its capital form, then they still match', () => {
    expect(normalizeIdentifier('Straße')).toBe(normalizeIdentifier('STRASSE'));
  });

  it('when values differ only by Unicode composition, then they match', () => {
    expect(tupleKey('S1', 'Mu\u0308ller', 'M')).toBe(tupleKey('S1', 'M\u00fcller', 'M'));
  });

  it('when the serial differs, then the tuple key differs', () => {
    expect(tupleKey('PF3ABC13', MANUFACTURER, MODEL)).not.toBe(tupleKey(SERIAL, MANUFACTURER, MODEL));
  });

  it('when a separator character moves between fields, then the tuples stay distinct', () => {
    expect(tupleKey('a|b', 'c', 'd')).not.toBe(tupleKey('a', 'b|c', 'd'));
    expect(tupleKey('a b', 'c', 'd')).not.toBe(tupleKey('a', 'b c', 'd'));
  });

  it('when the tuple key is built, then it is the SHA-256 of the normalized JSON triple', () => {
    const expected = createHash('sha256').update('["pf3abc12","contoso","surface laptop 5"]').digest('hex');

    expect(tupleKey(SERIAL, MANUFACTURER, MODEL)).toBe(`tuple:${expected}`);
  });
});

describe('productKeyKey and hardwareHashKey', () => {
  it('when the product key ID is 13 digits, then the key stays readable', () => {
    expect(productKeyKey(' 3345678901234 ')).toBe('pkid:3345678901234');
  });

  it('when a hash holds a product key in another form, then the key is its digest', () => {
    const expected = createHash('sha256').update('00330-80000-00000-aa123').digest('hex');

    expect(productKeyKey('00330-80000-00000-AA123')).toBe(`pkid:${expected}`);
  });

  it('when the hash key is built, then it is the SHA-256 of the header and records (bytes 0..L)', () => {
    const withoutTuple = buildHardwareHash({ productKey: PKID });
    const block = Buffer.from(withoutTuple, 'base64');
    const expected = createHash('sha256')
      .update(block.subarray(0, block.readUInt16LE(2)))
      .digest('hex');

    expect(valid({ hardwareHash: withoutTuple }).keys).toContain(hardwareHashKey(expected));
  });

  it.each([
    ['cut off', 'unpadded' as const],
    ['longer', 4096],
  ])(
    'when the same hash comes with its zero padding %s, then its keys and deviceId are the same',
    (_case, blockBytes) => {
      const device = { productKey: PKID, variant: 'no SMBIOS strings' };
      const padded = valid({ hardwareHash: buildHardwareHash(device) });

      const other = valid({ hardwareHash: buildHardwareHash(device, { blockBytes }) });

      expect(padded.keys.map(keyKind)).toEqual(['pkid', 'hash']);
      expect(other.keys).toEqual(padded.keys);
      expect(other.deviceId).toBe(padded.deviceId);
    },
  );

  it('when two hashes differ in a record the service does not read, then their hash keys differ', () => {
    const a = valid({
      hardwareHash: buildHardwareHash({ productKey: PKID, variant: 'one' }),
    });
    const b = valid({
      hardwareHash: buildHardwareHash({ productKey: PKID, variant: 'two' }),
    });

    expect(a.keys.at(-1)).not.toBe(b.keys.at(-1));
    expect(a.keys[0]).toBe(b.keys[0]);
  });
});

describe('table safety of keys', () => {
  const hostile = ['a/b\\c#d?e', 'tab\there\u0000nul\u007fdel', '\u200b\u00e9\ud83d\ude00', 'x'.repeat(255)];

  it.each(hostile)('when identifiers hold %j, then every key is table-safe and well-formed', (value) => {
    const keys = deviceKeys({
      serialNumber: value,
      oemManufacturerName: value,
      modelName: value,
      productKey: value,
      hardwareHash: {
        sha256: 'a'.repeat(64),
        serialNumber: value,
        manufacturer: 'm',
        model: 'n',
        productKey: value,
      },
    });

    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) {
      expect(key).toMatch(TABLE_SAFE);
      expect(isDeviceKey(key)).toBe(true);
    }
  });

  it('when a string is not in a key form, then isDeviceKey says so', () => {
    expect(isDeviceKey('pkid:12')).toBe(false);
    expect(isDeviceKey(`tuple:${'A'.repeat(64)}`)).toBe(false);
    expect(isDeviceKey(`other:${'a'.repeat(64)}`)).toBe(false);
  });
});

describe('primaryKey', () => {
  const tuple = tupleKey('s', 'm', 'n');
  const pkid = productKeyKey(PKID);
  const hash = hardwareHashKey('b'.repeat(64));

  it('when a tuple key is present, then it is the deviceId whatever the order', () => {
    expect(primaryKey([hash, pkid, tuple])).toBe(tuple);
  });

  it('when there is no tuple, then the product key key is the deviceId', () => {
    expect(primaryKey([hash, pkid])).toBe(pkid);
  });

  it('when there is only a hash, then the hash key is the deviceId', () => {
    expect(primaryKey([hash])).toBe(hash);
  });

  it('when there are no keys, then there is no deviceId', () => {
    expect(primaryKey([])).toBeUndefined();
  });
});

describe('deviceKeys', () => {
  it('when the device has no complete tuple, then no tuple key is derived', () => {
    expect(deviceKeys({ serialNumber: 's', oemManufacturerName: 'm', productKey: PKID })).toEqual([
      `pkid:${PKID}`,
    ]);
  });

  it('when the hash tuple and the merged tuple differ only in spelling, then one tuple key results', () => {
    const keys = deviceKeys({
      serialNumber: 'pf3abc12',
      hardwareHash: {
        sha256: 'c'.repeat(64),
        serialNumber: SERIAL,
        manufacturer: MANUFACTURER,
        model: MODEL,
      },
    });

    expect(keys).toEqual([tupleKey(SERIAL, MANUFACTURER, MODEL)]);
  });
});
