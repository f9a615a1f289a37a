/**
 * The Windows Autopilot hardware hash ("4K hardware hash"), as this product reads it: canonical
 * standard base64 (RFC 4648 alphabet, `=` padding, no whitespace) of a binary record set.
 *
 *   bytes 0-1  'O' 'A' (79, 65)
 *   bytes 2-3  total length, little-endian; must equal the decoded length
 *   records    [type: 1 byte][1 byte, not interpreted][length: 2 bytes LE, INCLUDING this 4-byte header]
 *              [payload: length - 4 bytes], tiling the rest of the buffer exactly
 *
 * String records are UTF-8 ending in exactly one NUL: 14 SMBIOS serial number, 16 system manufacturer,
 * 17 product name (model), 24 product key ID. Other record types are carried but not interpreted. A
 * string record type may appear at most once (two serial numbers would make the device ambiguous).
 *
 * Size cap: 16 KiB decoded (21,848 base64 characters). Real hashes are about 4 KB; the total-length
 * field can express at most 64 KiB, and an Azure Table string property holds 64 KiB, so 16 KiB leaves
 * room for growth while keeping a 100,000-device batch bounded.
 */

export const HARDWARE_HASH_MAX_DECODED_BYTES = 16 * 1024;
export const HARDWARE_HASH_MAX_BASE64_LENGTH = Math.ceil(HARDWARE_HASH_MAX_DECODED_BYTES / 3) * 4;

const HEADER_LENGTH = 4;
const RECORD_HEADER_LENGTH = 4;
const MAGIC_O = 79;
const MAGIC_A = 65;
const MAX_RECORD_LENGTH = 0xffff;

export const HASH_RECORD_TYPES = {
  serialNumber: 14,
  manufacturer: 16,
  model: 17,
  productKey: 24,
} as const;

type StringField = keyof typeof HASH_RECORD_TYPES;

const FIELD_BY_TYPE = new Map<number, StringField>(
  (Object.entries(HASH_RECORD_TYPES) as [StringField, number][]).map(([field, type]) => [type, field]),
);

const FIELD_LABEL: Readonly<Record<StringField, string>> = {
  serialNumber: 'serial number (type 14)',
  manufacturer: 'manufacturer (type 16)',
  model: 'model (type 17)',
  productKey: 'product key ID (type 24)',
};

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_ENCODER = new TextEncoder();

export interface HardwareHashInfo {
  readonly serialNumber?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly productKey?: string;
  readonly recordCount: number;
}

export interface DecodedHardwareHash extends HardwareHashInfo {
  /** The decoded record set; what the device's `hash:` identity key is computed from. */
  readonly bytes: Uint8Array;
}

export type HardwareHashResult =
  | { readonly ok: true; readonly value: DecodedHardwareHash }
  | { readonly ok: false; readonly reason: string };

const fail = (reason: string): HardwareHashResult => ({ ok: false, reason });

/** Decodes and checks a hardware hash; `reason` says what is wrong in words a partner can act on. */
export function decodeHardwareHash(base64: string): HardwareHashResult {
  if (base64.length === 0) return fail('The hardware hash is empty.');
  if (base64.length > HARDWARE_HASH_MAX_BASE64_LENGTH) {
    return fail(
      `The hardware hash is ${base64.length} base64 characters; at most ${HARDWARE_HASH_MAX_BASE64_LENGTH} ` +
        `(${HARDWARE_HASH_MAX_DECODED_BYTES} bytes decoded) are accepted.`,
    );
  }
  // Node's decoder skips characters outside the alphabet; re-encoding and comparing catches them (and
  // any non-canonical spelling) in native code, which is much faster than a regular expression.
  const bytes = Buffer.from(base64, 'base64');
  if (base64.length % 4 !== 0 || bytes.toString('base64') !== base64) {
    return fail(
      'The hardware hash is not valid base64: it must use only A-Z, a-z, 0-9, + and /, ' +
        'with = padding to a multiple of 4 characters and no spaces or line breaks.',
    );
  }
  if (bytes.length > HARDWARE_HASH_MAX_DECODED_BYTES) {
    return fail(
      `The hardware hash decodes to ${bytes.length} bytes; at most ${HARDWARE_HASH_MAX_DECODED_BYTES} are accepted.`,
    );
  }
  return decodeRecordSet(bytes);
}

function decodeRecordSet(bytes: Buffer): HardwareHashResult {
  if (bytes.length < HEADER_LENGTH) {
    return fail(`The hardware hash is ${bytes.length} bytes long, shorter than its 4-byte header.`);
  }
  if (bytes[0] !== MAGIC_O || bytes[1] !== MAGIC_A) {
    return fail(
      `The hardware hash does not start with the bytes 'O' 'A' (79, 65); it starts with ${bytes[0]}, ${bytes[1]}.`,
    );
  }
  const declared = bytes.readUInt16LE(2);
  if (declared !== bytes.length) {
    return fail(
      `The hardware hash declares a total length of ${declared} bytes but decodes to ${bytes.length} bytes.`,
    );
  }

  const fields: { -readonly [K in StringField]?: string } = {};
  let recordCount = 0;
  let offset = HEADER_LENGTH;
  while (offset < bytes.length) {
    const remaining = bytes.length - offset;
    if (remaining < RECORD_HEADER_LENGTH) {
      return fail(
        `The hardware hash ends with ${remaining} stray byte(s) at byte ${offset}, too few for a record header.`,
      );
    }
    const type = bytes.readUInt8(offset);
    const length = bytes.readUInt16LE(offset + 2);
    if (length < RECORD_HEADER_LENGTH) {
      return fail(
        `The record at byte ${offset} (type ${type}) claims ${length} bytes, less than its own 4-byte header.`,
      );
    }
    if (length > remaining) {
      return fail(
        `The record at byte ${offset} (type ${type}) claims ${length} bytes but only ${remaining} remain.`,
      );
    }
    const field = FIELD_BY_TYPE.get(type);
    if (field !== undefined) {
      if (fields[field] !== undefined) {
        return fail(`The hardware hash holds a second ${FIELD_LABEL[field]} record at byte ${offset}.`);
      }
      const text = readNulTerminated(bytes.subarray(offset + RECORD_HEADER_LENGTH, offset + length));
      if (typeof text !== 'string') {
        return fail(`The ${FIELD_LABEL[field]} record at byte ${offset} ${text.problem}.`);
      }
      fields[field] = text;
    }
    recordCount += 1;
    offset += length;
  }
  if (recordCount === 0) return fail('The hardware hash holds no records.');

  const value: DecodedHardwareHash = { ...nonEmpty(fields), recordCount, bytes: new Uint8Array(bytes) };
  return { ok: true, value };
}

function readNulTerminated(payload: Buffer): string | { problem: string } {
  if (payload.length === 0 || payload[payload.length - 1] !== 0) {
    return { problem: 'does not end with a NUL byte' };
  }
  const nul = payload.indexOf(0);
  if (nul !== payload.length - 1) {
    return { problem: `has a NUL byte at payload position ${nul}, before its end` };
  }
  try {
    return UTF8.decode(payload.subarray(0, payload.length - 1));
  } catch {
    return { problem: 'is not valid UTF-8' };
  }
}

/** Empty strings (a record holding only its NUL) carry no identifier. */
function nonEmpty(fields: { [K in StringField]?: string }): { [K in StringField]?: string } {
  const result: { [K in StringField]?: string } = {};
  for (const key of Object.keys(fields) as StringField[]) {
    const value = fields[key];
    if (value !== undefined && value.trim() !== '') result[key] = value;
  }
  return result;
}

export interface HardwareHashRecord {
  readonly type: number;
  readonly payload: Uint8Array;
}

export interface HardwareHashContent {
  readonly serialNumber?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly productKey?: string;
  /** Further records, written after the string records, e.g. to give the hash a realistic size. */
  readonly extraRecords?: readonly HardwareHashRecord[];
}

/**
 * Builds a well-formed hardware hash (for tests, benchmarks and the demo data generator). Records are
 * written in the order serial, manufacturer, model, product key ID, then `extraRecords`.
 */
export function encodeHardwareHash(content: HardwareHashContent): string {
  const records: HardwareHashRecord[] = [];
  for (const field of Object.keys(HASH_RECORD_TYPES) as StringField[]) {
    const text = content[field];
    if (text === undefined) continue;
    const encoded = UTF8_ENCODER.encode(text);
    const payload = new Uint8Array(encoded.length + 1);
    payload.set(encoded);
    records.push({ type: HASH_RECORD_TYPES[field], payload });
  }
  records.push(...(content.extraRecords ?? []));

  const total = records.reduce(
    (sum, record) => sum + RECORD_HEADER_LENGTH + record.payload.length,
    HEADER_LENGTH,
  );
  if (total > MAX_RECORD_LENGTH) {
    throw new RangeError(
      `A hardware hash holds at most ${MAX_RECORD_LENGTH} bytes; this one would be ${total}.`,
    );
  }
  const buffer = Buffer.alloc(total);
  buffer.writeUInt8(MAGIC_O, 0);
  buffer.writeUInt8(MAGIC_A, 1);
  buffer.writeUInt16LE(total, 2);
  let offset = HEADER_LENGTH;
  for (const record of records) {
    buffer.writeUInt8(record.type, offset);
    buffer.writeUInt16LE(RECORD_HEADER_LENGTH + record.payload.length, offset + 2);
    buffer.set(record.payload, offset + RECORD_HEADER_LENGTH);
    offset += RECORD_HEADER_LENGTH + record.payload.length;
  }
  return buffer.toString('base64');
}
