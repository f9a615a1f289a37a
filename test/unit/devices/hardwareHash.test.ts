import {
  HARDWARE_HASH_MAX_BASE64_LENGTH,
  HARDWARE_HASH_MAX_DECODED_BYTES,
  decodeHardwareHash,
  encodeHardwareHash,
  type HardwareHashResult,
} from '../../../shared/domain/devices';

interface RawRecord {
  type: number;
  payload: readonly number[];
  /** The record length to write; defaults to the true length (4 + payload). */
  length?: number;
}

/** Writes a record set byte by byte, so that each test can break exactly one rule. */
function rawHash(
  records: readonly RawRecord[],
  options: { magic?: readonly [number, number]; totalLength?: number; trailing?: readonly number[] } = {},
): string {
  const body: number[] = [];
  for (const record of records) {
    const length = record.length ?? 4 + record.payload.length;
    body.push(record.type, 0, length & 0xff, length >> 8, ...record.payload);
  }
  body.push(...(options.trailing ?? []));
  const total = options.totalLength ?? 4 + body.length;
  const [o, a] = options.magic ?? [79, 65];
  return Buffer.from([o, a, total & 0xff, total >> 8, ...body]).toString('base64');
}

const text = (value: string): number[] => [...Buffer.from(value, 'utf8'), 0];

function reasonOf(result: HardwareHashResult): string {
  if (result.ok) throw new Error('expected the hash to be refused');
  return result.reason;
}

function valueOf(result: HardwareHashResult) {
  if (!result.ok) throw new Error(`expected the hash to be accepted: ${result.reason}`);
  return result.value;
}

describe('decodeHardwareHash', () => {
  it('when the hash holds all four string records, then it reads serial, manufacturer, model and product key', () => {
    const hash = rawHash([
      { type: 14, payload: text('PF3ABC12') },
      { type: 16, payload: text('Contoso') },
      { type: 17, payload: text('Surface Laptop 5') },
      { type: 24, payload: text('3345678901234') },
    ]);

    const value = valueOf(decodeHardwareHash(hash));

    expect(value).toMatchObject({
      serialNumber: 'PF3ABC12',
      manufacturer: 'Contoso',
      model: 'Surface Laptop 5',
      productKey: '3345678901234',
      recordCount: 4,
    });
    expect(Buffer.from(value.bytes).toString('base64')).toBe(hash);
  });

  it('when the hash holds record types it does not interpret, then it counts them and still reads the strings', () => {
    const hash = rawHash([
      { type: 1, payload: [1, 2, 3, 4, 5] },
      { type: 14, payload: text('SN-1') },
      { type: 200, payload: [] },
      { type: 16, payload: text('Fabrikam') },
    ]);

    const value = valueOf(decodeHardwareHash(hash));

    expect(value.recordCount).toBe(4);
    expect(value.serialNumber).toBe('SN-1');
    expect(value.manufacturer).toBe('Fabrikam');
    expect(value.model).toBeUndefined();
    expect(value.productKey).toBeUndefined();
  });

  it('when a string record holds non-ASCII UTF-8, then it is decoded as UTF-8', () => {
    const value = valueOf(decodeHardwareHash(rawHash([{ type: 16, payload: text('Müller Straße 東芝') }])));

    expect(value.manufacturer).toBe('Müller Straße 東芝');
  });

  it('when a string record holds only its NUL, then the field is absent rather than empty', () => {
    const value = valueOf(decodeHardwareHash(rawHash([{ type: 14, payload: [0] }])));

    expect(value.serialNumber).toBeUndefined();
    expect(value.recordCount).toBe(1);
  });

  it('when the buffer is truncated, then the declared total length no longer matches', () => {
    const whole = Buffer.from(rawHash([{ type: 14, payload: text('SERIAL-0001') }]), 'base64');
    const truncated = whole.subarray(0, whole.length - 5).toString('base64');

    expect(reasonOf(decodeHardwareHash(truncated))).toBe(
      `The hardware hash declares a total length of ${whole.length} bytes but decodes to ${whole.length - 5} bytes.`,
    );
  });

  it('when the buffer is shorter than the 4-byte header, then it is refused', () => {
    expect(reasonOf(decodeHardwareHash(Buffer.from([79, 65]).toString('base64')))).toMatch(
      /2 bytes long, shorter than its 4-byte header/,
    );
  });

  it('when the first two bytes are not O A, then the reason names the expected and found bytes', () => {
    const hash = rawHash([{ type: 14, payload: text('S') }], { magic: [79, 66] });

    expect(reasonOf(decodeHardwareHash(hash))).toBe(
      "The hardware hash does not start with the bytes 'O' 'A' (79, 65); it starts with 79, 66.",
    );
  });

  it('when the declared total length differs from the decoded length, then it is refused', () => {
    const hash = rawHash([{ type: 14, payload: text('S') }], { totalLength: 11 });

    expect(reasonOf(decodeHardwareHash(hash))).toBe(
      'The hardware hash declares a total length of 11 bytes but decodes to 10 bytes.',
    );
  });

  it('when a record claims fewer bytes than its own header, then the reason gives its position', () => {
    const hash = rawHash([
      { type: 14, payload: text('S') },
      { type: 16, payload: [], length: 3 },
    ]);

    expect(reasonOf(decodeHardwareHash(hash))).toBe(
      'The record at byte 10 (type 16) claims 3 bytes, less than its own 4-byte header.',
    );
  });

  it('when a record runs past the end of the buffer, then the reason says how much remains', () => {
    const hash = rawHash([
      { type: 1, payload: new Array<number>(32).fill(7) },
      { type: 1, payload: new Array<number>(8).fill(7), length: 300 },
    ]);

    expect(reasonOf(decodeHardwareHash(hash))).toBe(
      'The record at byte 40 (type 1) claims 300 bytes but only 12 remain.',
    );
  });

  it('when bytes too few for a record header are left over, then it is refused', () => {
    const hash = rawHash([{ type: 14, payload: text('S') }], { trailing: [1, 2] });

    expect(reasonOf(decodeHardwareHash(hash))).toBe(
      'The hardware hash ends with 2 stray byte(s) at byte 10, too few for a record header.',
    );
  });

  it('when a string record does not end with a NUL, then it is refused', () => {
    const hash = rawHash([{ type: 17, payload: [...Buffer.from('Model X')] }]);

    expect(reasonOf(decodeHardwareHash(hash))).toBe(
      'The model (type 17) record at byte 4 does not end with a NUL byte.',
    );
  });

  it('when a string record has an empty payload, then it is refused for lacking its NUL', () => {
    expect(reasonOf(decodeHardwareHash(rawHash([{ type: 24, payload: [] }])))).toMatch(
      /product key ID \(type 24\) record at byte 4 does not end with a NUL/,
    );
  });

  it('when a string record ends with two NULs, then it is refused', () => {
    const hash = rawHash([{ type: 14, payload: [...text('AB'), 0] }]);

    expect(reasonOf(decodeHardwareHash(hash))).toBe(
      'The serial number (type 14) record at byte 4 has a NUL byte at payload position 2, before its end.',
    );
  });

  it('when a string record has a NUL inside its text, then it is refused', () => {
    const hash = rawHash([{ type: 16, payload: [65, 0, 66, 0] }]);

    expect(reasonOf(decodeHardwareHash(hash))).toMatch(/NUL byte at payload position 1, before its end/);
  });

  it('when a string record is not valid UTF-8, then it is refused', () => {
    const hash = rawHash([{ type: 14, payload: [0xc3, 0x28, 0] }]);

    expect(reasonOf(decodeHardwareHash(hash))).toBe(
      'The serial number (type 14) record at byte 4 is not valid UTF-8.',
    );
  });

  it('when a string record type appears twice, then the hash is ambiguous and refused', () => {
    const hash = rawHash([
      { type: 14, payload: text('A') },
      { type: 14, payload: text('B') },
    ]);

    expect(reasonOf(decodeHardwareHash(hash))).toBe(
      'The hardware hash holds a second serial number (type 14) record at byte 10.',
    );
  });

  it('when the hash holds no records, then it is refused', () => {
    expect(reasonOf(decodeHardwareHash(rawHash([])))).toBe('The hardware hash holds no records.');
  });

  it.each([
    ['a character outside the alphabet', 'T0EK!AAO'],
    ['a space', 'T0EK AAO'],
    ['a line break', 'T0EKAA4A\nCABTTjEA'],
    ['missing padding', 'T0EKAA4ABgBTAA'],
    ['base64url characters', 'T0E-_AAA'],
    ['a non-canonical final character', 'T0F='],
  ])('when the base64 has %s, then it is refused as invalid base64', (_case, hash) => {
    expect(reasonOf(decodeHardwareHash(hash))).toMatch(/^The hardware hash is not valid base64/);
  });

  it('when the hash is empty, then it is refused', () => {
    expect(reasonOf(decodeHardwareHash(''))).toBe('The hardware hash is empty.');
  });

  it('when the base64 is longer than the cap, then it is refused before decoding', () => {
    const hash = 'A'.repeat(HARDWARE_HASH_MAX_BASE64_LENGTH + 4);

    expect(reasonOf(decodeHardwareHash(hash))).toBe(
      `The hardware hash is ${HARDWARE_HASH_MAX_BASE64_LENGTH + 4} base64 characters; at most ` +
        `${HARDWARE_HASH_MAX_BASE64_LENGTH} (16384 bytes decoded) are accepted.`,
    );
  });

  it('when the hash decodes to exactly the 16 KiB cap, then it is accepted', () => {
    const hash = encodeHardwareHash({
      serialNumber: 'S',
      extraRecords: [{ type: 1, payload: new Uint8Array(HARDWARE_HASH_MAX_DECODED_BYTES - 4 - 4 - 6) }],
    });

    expect(Buffer.from(hash, 'base64').length).toBe(HARDWARE_HASH_MAX_DECODED_BYTES);
    expect(valueOf(decodeHardwareHash(hash)).recordCount).toBe(2);
  });

  it('when the hash decodes to one byte over the cap, then it is refused even though its base64 fits', () => {
    const hash = encodeHardwareHash({
      serialNumber: 'S',
      extraRecords: [{ type: 1, payload: new Uint8Array(HARDWARE_HASH_MAX_DECODED_BYTES - 4 - 4 - 5) }],
    });

    expect(hash.length).toBeLessThanOrEqual(HARDWARE_HASH_MAX_BASE64_LENGTH);
    expect(reasonOf(decodeHardwareHash(hash))).toBe(
      'The hardware hash decodes to 16385 bytes; at most 16384 are accepted.',
    );
  });
});

describe('encodeHardwareHash', () => {
  it('when given every field and extra records, then decoding gives them back', () => {
    const hash = encodeHardwareHash({
      serialNumber: 'SN-42',
      manufacturer: 'Adatum',
      model: 'Book 14',
      productKey: '1234567890123',
      extraRecords: [{ type: 3, payload: new Uint8Array([9, 9, 9]) }],
    });

    expect(valueOf(decodeHardwareHash(hash))).toMatchObject({
      serialNumber: 'SN-42',
      manufacturer: 'Adatum',
      model: 'Book 14',
      productKey: '1234567890123',
      recordCount: 5,
    });
  });

  it('when given only some fields, then only those records are written', () => {
    const value = valueOf(decodeHardwareHash(encodeHardwareHash({ productKey: '1234567890123' })));

    expect(value).toMatchObject({ productKey: '1234567890123', recordCount: 1 });
    expect(value.serialNumber).toBeUndefined();
  });

  it('when the records would exceed what the length field can express, then it throws', () => {
    expect(() =>
      encodeHardwareHash({ extraRecords: [{ type: 1, payload: new Uint8Array(70_000) }] }),
    ).toThrow(RangeError);
  });
});
