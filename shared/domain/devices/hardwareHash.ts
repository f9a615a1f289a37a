import { hash as digest } from 'node:crypto';

/**
 * The Windows Autopilot hardware hash ("4K hardware hash") as Windows writes it (Get-WindowsAutopilotInfo
 * reads it from MDM_DevDetail_Ext01.DeviceHardwareData; OA3Tool writes the same): canonical standard
 * base64 (RFC 4648 alphabet, `=` padding, no whitespace) of a binary block, 3,000 bytes in real samples.
 *
 *   bytes 0-1     'O' 'A' (79, 65)
 *   bytes 2-3     L, little-endian: the length of this header plus the records (not of the block)
 *   bytes 4..L    records, tiling exactly: [type: 1 byte][0][length: u16 LE, INCLUDING this 4-byte
 *                 header][payload: length - 4 bytes]
 *   bytes L..L+36 the checksum record: 'C' 'S', u16 36, then the SHA-256 of bytes 0..L
 *   the rest      zero bytes
 *
 * String records read here are UTF-8 ending in exactly one NUL: 14 SMBIOS serial number, 16 system
 * manufacturer, 17 product name (model), 24 product key ID (absent on virtual machines). Other records
 * (CPU, disks, network adapters, TPM, firmware, ...) are checked for their framing only. A string record
 * type may appear at most once (two serial numbers would make the device ambiguous).
 *
 * What is accepted beyond the exact 3,000-byte form, because it is unambiguous: zero padding of any
 * length, including none (the checksum record covers everything that carries meaning, and a tool that
 * trims trailing zeros loses nothing). Everything else that does not hold together is refused: the
 * checksum is what tells a hash cut or altered on its way (by a spreadsheet, a mail client, a manual
 * edit) from the one the device wrote, and a guess would register the wrong device.
 *
 * Size cap: 16 KiB decoded (21,848 base64 characters). Real hashes are 3,000 bytes; the cap bounds the
 * work and the storage of a 100,000-device batch.
 */

export const HARDWARE_HASH_MAX_DECODED_BYTES = 16 * 1024;
export const HARDWARE_HASH_MAX_BASE64_LENGTH = Math.ceil(HARDWARE_HASH_MAX_DECODED_BYTES / 3) * 4;

const HEADER_LENGTH = 4;
const RECORD_HEADER_LENGTH = 4;
const MAGIC_O = 79;
const MAGIC_A = 65;
const CHECKSUM_C = 67;
const CHECKSUM_S = 83;
const CHECKSUM_RECORD_LENGTH = 36;
/** Said with every refusal that a partner fixes by taking the hash again from its source. */
const COPY_AGAIN =
  'Copy the hash again, whole and unchanged, from where it was captured (such as the CSV file ' +
  'Get-WindowsAutopilotInfo wrote: a spreadsheet that opened and saved that file may have changed it)';

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

export interface HardwareHashInfo {
  readonly serialNumber?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly productKey?: string;
  readonly recordCount: number;
}

export interface DecodedHardwareHash extends HardwareHashInfo {
  /**
   * SHA-256 of bytes 0..L (header and records), lowercase hex: the hash's own checksum, verified. The
   * device's `hash:` identity key is made of it, so zero padding and base64 spelling do not matter.
   */
  readonly sha256: string;
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
    return fail(
      `The hardware hash is ${bytes.length} bytes long, shorter than its 4-byte header. ${COPY_AGAIN}.`,
    );
  }
  if (bytes[0] !== MAGIC_O || bytes[1] !== MAGIC_A) {
    return fail(
      `The hardware hash does not start with the bytes 'O' 'A' (79, 65) that every Windows hardware hash ` +
        `starts with; it starts with ${bytes[0]}, ${bytes[1]}: it is not a hardware hash. ${COPY_AGAIN}.`,
    );
  }
  const end = bytes.readUInt16LE(2);
  if (end < HEADER_LENGTH) {
    return fail(`The hardware hash declares its records end at byte ${end}, inside its own header.`);
  }
  if (bytes.length < end + CHECKSUM_RECORD_LENGTH) {
    return fail(
      `The hardware hash is cut short: it decodes to ${bytes.length} bytes, but its records end at byte ` +
        `${end} and a ${CHECKSUM_RECORD_LENGTH}-byte checksum follows them. ${COPY_AGAIN}.`,
    );
  }
  if (
    bytes[end] !== CHECKSUM_C ||
    bytes[end + 1] !== CHECKSUM_S ||
    bytes.readUInt16LE(end + 2) !== CHECKSUM_RECORD_LENGTH
  ) {
    return fail(
      `The hardware hash has no checksum record ('C' 'S', ${CHECKSUM_RECORD_LENGTH} bytes) at byte ${end}, ` +
        `where its records end. ${COPY_AGAIN}.`,
    );
  }
  const sha256 = digest('sha256', bytes.subarray(0, end), 'hex');
  if (sha256 !== bytes.toString('hex', end + RECORD_HEADER_LENGTH, end + CHECKSUM_RECORD_LENGTH)) {
    return fail(
      'The hardware hash does not match its own checksum: it was altered or cut after the device wrote it. ' +
        `${COPY_AGAIN}.`,
    );
  }
  for (let i = end + CHECKSUM_RECORD_LENGTH; i < bytes.length; i++) {
    if (bytes[i] !== 0) {
      return fail(
        `The hardware hash holds data after its checksum (a non-zero byte at byte ${i}, where only zero ` +
          `padding may follow): something was added to it. ${COPY_AGAIN}.`,
      );
    }
  }

  const fields: { -readonly [K in StringField]?: string } = {};
  let recordCount = 0;
  let offset = HEADER_LENGTH;
  while (offset < end) {
    const remaining = end - offset;
    if (remaining < RECORD_HEADER_LENGTH) {
      return fail(
        `The hardware hash's records end with ${remaining} stray byte(s) at byte ${offset}, too few for a record header.`,
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
        `The record at byte ${offset} (type ${type}) claims ${length} bytes, running past the end of the ` +
          `records at byte ${end} (${remaining} bytes remain).`,
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

  return { ok: true, value: { ...nonEmpty(fields), recordCount, sha256 } };
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
