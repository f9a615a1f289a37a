import { createHash } from 'node:crypto';
import {
  HARDWARE_HASH_MAX_BASE64_LENGTH,
  HARDWARE_HASH_MAX_DECODED_BYTES,
  decodeHardwareHash,
  type HardwareHashResult,
} from '../../../shared/domain/devices';
import {
  buildHardwareHash,
  deviceRecords,
  hardwareHashBlock,
  type HashBlockOptions,
  type HashRecord,
} from '../../support/hardwareHashes';

const LAPTOP = {
  serialNumber: '5CG1234XYZ',
  manufacturer: 'HP',
  model: 'HP EliteBook 840 G8 Notebook PC',
  productKey: '3345678901234',
};
const VMWARE = {
  serialNumber: 'VMware-56 4d 8d 1c 2a 3b 4c 5d-6e 7f 80 91 a2 b3 c4 d5',
  manufacturer: 'VMware, Inc.',
  model: 'VMware7,1',
  kind: 'vm',
} as const;

const record = (type: number, payload: readonly number[], length?: number): HashRecord => ({
  type,
  payload: Uint8Array.from(payload),
  ...(length === undefined ? {} : { length }),
});
const text = (value: string): number[] => [...Buffer.from(value, 'utf8'), 0];
/** A block of these records, sealed with their checksum and padded to 3,000 bytes. */
const blockOf = (records: readonly HashRecord[], options?: HashBlockOptions) =>
  hardwareHashBlock(records, options);
const base64 = (block: Buffer) => block.toString('base64');

function reasonOf(result: HardwareHashResult): string {
  if (result.ok) throw new Error('expected the hash to be refused');
  return result.reason;
}

function valueOf(result: HardwareHashResult) {
  if (!result.ok) throw new Error(`expected the hash to be accepted: ${result.reason}`);
  return result.value;
}

describe('decodeHardwareHash: real-layout hashes', () => {
  it('when a laptop hash as Get-WindowsAutopilotInfo writes it is read, then it gives serial, manufacturer, model and product key', () => {
    const hash = buildHardwareHash(LAPTOP);

    const value = valueOf(decodeHardwareHash(hash));

    expect(hash).toHaveLength(4000);
    expect(value).toMatchObject({ ...LAPTOP, recordCount: deviceRecords(LAPTOP).length });
  });

  it('when a VMware hash without a product key ID record is read, then the serial with spaces and dashes and the manufacturer with a comma come through', () => {
    const value = valueOf(decodeHardwareHash(buildHardwareHash(VMWARE)));

    expect(value.serialNumber).toBe(VMWARE.serialNumber);
    expect(value.manufacturer).toBe('VMware, Inc.');
    expect(value.model).toBe('VMware7,1');
    expect(value.productKey).toBeUndefined();
  });

  it('when the hash is read, then its sha256 is the SHA-256 of bytes 0..L, its own checksum', () => {
    const block = Buffer.from(buildHardwareHash(LAPTOP), 'base64');
    const end = block.readUInt16LE(2);

    expect(valueOf(decodeHardwareHash(base64(block))).sha256).toBe(
      createHash('sha256').update(block.subarray(0, end)).digest('hex'),
    );
    expect(end).toBeGreaterThan(700);
    expect(end).toBeLessThan(1200);
  });
});

describe('decodeHardwareHash: the checksum and what follows it', () => {
  it('when a byte inside the records was changed, then the checksum does not match and the partner is told to copy the hash again', () => {
    const block = Buffer.from(buildHardwareHash(LAPTOP), 'base64');
    block[200] = (block[200]! + 1) % 256;

    expect(reasonOf(decodeHardwareHash(base64(block)))).toMatch(
      /^The hardware hash does not match its own checksum: it was altered or cut after the device wrote it\. Copy the hash again, whole and unchanged/,
    );
  });

  it('when the base64 was cut before the end of the checksum, then it is refused as cut short', () => {
    const hash = buildHardwareHash(LAPTOP);
    const end = Buffer.from(hash, 'base64').readUInt16LE(2);

    expect(reasonOf(decodeHardwareHash(hash.slice(0, 1000)))).toBe(
      `The hardware hash is cut short: it decodes to 750 bytes, but its records end at byte ${end} and a ` +
        '36-byte checksum follows them. Copy the hash again, whole and unchanged, from where it was captured ' +
        '(such as the CSV file Get-WindowsAutopilotInfo wrote: a spreadsheet that opened and saved that file ' +
        'may have changed it).',
    );
  });

  it('when the hash is in the old total-length form (bytes 2-3 the whole size, no checksum), then it is refused', () => {
    const records = deviceRecords(LAPTOP);
    const length = 4 + records.reduce((sum, r) => sum + 4 + r.payload.length, 0);
    const old = Buffer.alloc(length);
    old.set(blockOf(records).subarray(0, length));

    expect(reasonOf(decodeHardwareHash(base64(old)))).toMatch(/^The hardware hash is cut short/);
  });

  it('when no checksum record stands where the records end, then it is refused', () => {
    const block = blockOf(deviceRecords(LAPTOP));
    const end = block.readUInt16LE(2);
    block.write('XX', end, 'latin1');

    expect(reasonOf(decodeHardwareHash(base64(block)))).toMatch(
      new RegExp(`^The hardware hash has no checksum record \\('C' 'S', 36 bytes\\) at byte ${end}`),
    );
  });

  it('when a non-zero byte follows the checksum, then it is refused as data added to the hash', () => {
    const block = blockOf(deviceRecords(LAPTOP));
    block[2999] = 0x41;

    expect(reasonOf(decodeHardwareHash(base64(block)))).toMatch(
      /^The hardware hash holds data after its checksum \(a non-zero byte at byte 2999, where only zero padding may follow\)/,
    );
  });

  it.each([
    ['no padding at all', 'unpadded' as const],
    ['a few bytes of padding', 1000],
    ['a longer block', 4096],
  ])(
    'when the zero padding is cut or longer (%s), then the hash is accepted with the same sha256',
    (_case, size) => {
      const records = deviceRecords(LAPTOP);
      const full = valueOf(decodeHardwareHash(base64(blockOf(records))));

      const other = valueOf(decodeHardwareHash(base64(blockOf(records, { blockBytes: size }))));

      expect(other).toEqual(full);
    },
  );
});

describe('decodeHardwareHash: the records between the header and L', () => {
  it('when a record claims more bytes than remain before L, then it is refused as running past the records', () => {
    const block = blockOf([
      record(1, new Array<number>(24).fill(7)),
      record(14, text('SN-1')),
      record(2, new Array<number>(8).fill(7), 300),
    ]);

    expect(reasonOf(decodeHardwareHash(base64(block)))).toBe(
      'The record at byte 41 (type 2) claims 300 bytes, running past the end of the records at byte 53 ' +
        '(12 bytes remain).',
    );
  });

  it('when a record claims fewer bytes than its own header, then the reason gives its position', () => {
    const block = blockOf([record(14, text('S')), record(16, [], 3)]);

    expect(reasonOf(decodeHardwareHash(base64(block)))).toBe(
      'The record at byte 10 (type 16) claims 3 bytes, less than its own 4-byte header.',
    );
  });

  it('when bytes too few for a record header are left before L, then it is refused', () => {
    // The record says 8 bytes but 10 were written: 2 bytes are left over before L.
    const block = blockOf([record(14, text('S')), record(200, [1, 2, 3, 4, 5, 6], 8)]);

    expect(reasonOf(decodeHardwareHash(base64(block)))).toBe(
      "The hardware hash's records end with 2 stray byte(s) at byte 18, too few for a record header.",
    );
  });

  it('when L points inside the header, then it is refused', () => {
    const block = blockOf([record(14, text('S'))]);
    block.writeUInt16LE(2, 2);

    expect(reasonOf(decodeHardwareHash(base64(block)))).toMatch(
      /records end at byte 2, inside its own header/,
    );
  });

  it('when the first two bytes are not O A, then the reason names the expected and found bytes', () => {
    const block = blockOf([record(14, text('S'))], { magic: [79, 66] });

    expect(reasonOf(decodeHardwareHash(base64(block)))).toMatch(
      /^The hardware hash does not start with the bytes 'O' 'A' \(79, 65\) .*; it starts with 79, 66: it is not a hardware hash\./,
    );
  });

  it('when the buffer is shorter than the 4-byte header, then it is refused', () => {
    expect(reasonOf(decodeHardwareHash(Buffer.from([79, 65]).toString('base64')))).toMatch(
      /2 bytes long, shorter than its 4-byte header/,
    );
  });

  it('when the hash holds no records, then it is refused', () => {
    expect(reasonOf(decodeHardwareHash(base64(blockOf([]))))).toBe('The hardware hash holds no records.');
  });

  it('when records the service does not read are there (7 without NUL, 30 in UTF-16), then they are counted and the strings still read', () => {
    const block = blockOf([
      record(7, [...Buffer.from('S4EVNF0M123456')]),
      record(14, text('SN-1')),
      record(30, [...Buffer.from('Intel(R) UHD Graphics', 'utf16le')]),
      record(16, text('Fabrikam')),
    ]);

    const value = valueOf(decodeHardwareHash(base64(block)));

    expect(value.recordCount).toBe(4);
    expect(value.serialNumber).toBe('SN-1');
    expect(value.manufacturer).toBe('Fabrikam');
    expect(value.model).toBeUndefined();
  });
});

describe('decodeHardwareHash: string records', () => {
  const reasonFor = (records: readonly HashRecord[]) =>
    reasonOf(decodeHardwareHash(base64(blockOf(records))));

  it('when a string record holds non-ASCII UTF-8, then it is decoded as UTF-8', () => {
    const value = valueOf(decodeHardwareHash(base64(blockOf([record(16, text('Müller Straße 東芝'))]))));

    expect(value.manufacturer).toBe('Müller Straße 東芝');
  });

  it('when a string record holds only its NUL, then the field is absent rather than empty', () => {
    const value = valueOf(decodeHardwareHash(base64(blockOf([record(14, [0])]))));

    expect(value.serialNumber).toBeUndefined();
    expect(value.recordCount).toBe(1);
  });

  it('when a string record does not end with a NUL, then it is refused', () => {
    expect(reasonFor([record(17, [...Buffer.from('Model X')])])).toBe(
      'The model (type 17) record at byte 4 does not end with a NUL byte.',
    );
  });

  it('when a string record has an empty payload, then it is refused for lacking its NUL', () => {
    expect(reasonFor([record(24, [])])).toMatch(
      /product key ID \(type 24\) record at byte 4 does not end with a NUL/,
    );
  });

  it('when a string record ends with two NULs, then it is refused', () => {
    expect(reasonFor([record(14, [...text('AB'), 0])])).toBe(
      'The serial number (type 14) record at byte 4 has a NUL byte at payload position 2, before its end.',
    );
  });

  it('when a string record is not valid UTF-8, then it is refused', () => {
    expect(reasonFor([record(14, [0xc3, 0x28, 0])])).toBe(
      'The serial number (type 14) record at byte 4 is not valid UTF-8.',
    );
  });

  it('when a string record type appears twice, then the hash is ambiguous and refused', () => {
    expect(reasonFor([record(14, text('A')), record(14, text('B'))])).toBe(
      'The hardware hash holds a second serial number (type 14) record at byte 10.',
    );
  });
});

describe('decodeHardwareHash: base64 and size', () => {
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
    const hash = buildHardwareHash(LAPTOP, { blockBytes: HARDWARE_HASH_MAX_DECODED_BYTES });

    expect(valueOf(decodeHardwareHash(hash)).serialNumber).toBe(LAPTOP.serialNumber);
  });

  it('when the hash decodes to one byte over the cap, then it is refused even though its base64 fits', () => {
    const hash = buildHardwareHash(LAPTOP, { blockBytes: HARDWARE_HASH_MAX_DECODED_BYTES + 1 });

    expect(hash.length).toBeLessThanOrEqual(HARDWARE_HASH_MAX_BASE64_LENGTH);
    expect(reasonOf(decodeHardwareHash(hash))).toBe(
      'The hardware hash decodes to 16385 bytes; at most 16384 are accepted.',
    );
  });
});
