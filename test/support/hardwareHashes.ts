import { createHash } from 'node:crypto';

/**
 * Writes Windows Autopilot hardware hashes the way Windows writes them (what Get-WindowsAutopilotInfo
 * reads from MDM_DevDetail_Ext01.DeviceHardwareData and OA3Tool writes): the one builder for every test,
 * the bench and the demo data, so that no fixture is made by the service's own code.
 *
 * The layout, from public decoders (Michael Niehaus's AutopilotUtility and its ports, e.g.
 * github.com/MrWyss/DecodeAutopilotHash utils/autopilotutility.py) and the shape of real samples (e.g.
 * REAL_HASH_OPENING below: 'O' 'A', L = 1126, then a 28-byte type-1 record whose first values the
 * builder writes as they are; test/unit/devices/hardwareHashBuilder.test.ts holds the two together):
 *
 *   bytes 0-1    'O' 'A'
 *   bytes 2-3    L, little-endian: the length of this header plus the records
 *   bytes 4..L   records [type][0][u16 LE length including this 4-byte header][payload], in type order,
 *                about 25-35 of them: tool and OS build (1), CPU (2-4), memory (5), disks (6, 7), network
 *                adapters with their MAC (8), displays (9), chassis (10), TPM offline id (11), SMBIOS UUID
 *                (12), TPM version (13), SMBIOS strings (14-23), product key ID (24, absent on VMs), TPM EK
 *                public key (25), and so on; 7 is not NUL-terminated, 30 (GPU name) is UTF-16
 *   bytes L..L+36  checksum record 'C' 'S', u16 36, SHA-256 of bytes 0..L
 *   then zeros to the end of the 3,000-byte block, which is then base64 (4,000 characters).
 *
 * The payloads of records the service does not read are realistic in size and kind, and derived from the
 * device's fields, so that two devices never share a MAC address or an EK.
 */

export const HARDWARE_HASH_BLOCK_BYTES = 3000;

/**
 * The first 32 base64 characters (24 bytes) of a real hash, as quoted in public Autopilot upload scripts:
 * the header and the first 16 payload bytes of its type-1 record.
 */
export const REAL_HASH_OPENING = 'T0FmBAEAHAAAAAoAHgZhSgAACgCSBmFK';
const CHECKSUM_RECORD_LENGTH = 36;

export interface HashRecord {
  readonly type: number;
  readonly payload: Uint8Array;
  /** The length to write in the record's header; the true one (4 + payload) unless a test breaks it. */
  readonly length?: number;
}

export interface HashBlockOptions {
  /** The size of the whole block; 3,000 unless given. `'unpadded'` stops right after the checksum. */
  readonly blockBytes?: number | 'unpadded';
  /** The L to write in bytes 2-3; the true one unless a test breaks it. */
  readonly declaredLength?: number;
  /** The first two bytes; 'O' 'A' unless a test breaks them. */
  readonly magic?: readonly [number, number];
}

/** Header, records, checksum record, zero padding: the binary block before base64. */
export function hardwareHashBlock(records: readonly HashRecord[], options: HashBlockOptions = {}): Buffer {
  const recordBytes = records.reduce((sum, r) => sum + 4 + r.payload.length, 0);
  const end = 4 + recordBytes;
  const size = options.blockBytes ?? HARDWARE_HASH_BLOCK_BYTES;
  const total = size === 'unpadded' ? end + CHECKSUM_RECORD_LENGTH : size;
  if (end + CHECKSUM_RECORD_LENGTH > total) {
    throw new RangeError(`the records take ${end} bytes; with the checksum they do not fit ${total}`);
  }
  const block = Buffer.alloc(total);
  const [o, a] = options.magic ?? [79, 65];
  block[0] = o;
  block[1] = a;
  block.writeUInt16LE(options.declaredLength ?? end, 2);
  let offset = 4;
  for (const record of records) {
    block[offset] = record.type;
    block.writeUInt16LE(record.length ?? 4 + record.payload.length, offset + 2);
    block.set(record.payload, offset + 4);
    offset += 4 + record.payload.length;
  }
  writeChecksum(block, end);
  return block;
}

/** Writes the checksum record at `end`, the true L. */
function writeChecksum(block: Buffer, end: number): void {
  block.write('CS', end, 'latin1');
  block.writeUInt16LE(CHECKSUM_RECORD_LENGTH, end + 2);
  createHash('sha256')
    .update(block.subarray(0, end))
    .digest()
    .copy(block, end + 4);
}

/** The fields the service reads; each is written as its record only when given. */
export interface HashedDevice {
  readonly serialNumber?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly productKey?: string;
  /** A physical laptop or a VMware virtual machine (with a virtual TPM; it has no product key ID). */
  readonly kind?: 'laptop' | 'vm';
  /** Varies the hardware records of two hashes of the same device (another disk, another NIC). */
  readonly variant?: string;
}

/** A real-layout hash of the device, as the 4,000 base64 characters Get-WindowsAutopilotInfo writes. */
export function buildHardwareHash(device: HashedDevice, options: HashBlockOptions = {}): string {
  return hardwareHashBlock(deviceRecords(device), options).toString('base64');
}

/** The device's records in the order Windows writes them (ascending type). */
export function deviceRecords(device: HashedDevice): HashRecord[] {
  const vm = device.kind === 'vm';
  const bytes = seededBytes(
    [device.serialNumber, device.manufacturer, device.model, device.productKey, device.variant].join(
      '\u0000',
    ),
  );
  const records: HashRecord[] = [];
  const add = (type: number, payload: Uint8Array | number[]) =>
    records.push({ type, payload: payload instanceof Uint8Array ? payload : Uint8Array.from(payload) });
  const optionalText = (type: number, value: string | undefined) => {
    if (value !== undefined) add(type, utf8z(value));
  };

  // 1: two Windows versions as (0, major, revision, build) u16 each, as in REAL_HASH_OPENING (10, 1566,
  // 19041 and 10, 1682, 19041), then 8 bytes the opening does not show: OS type, CPU architecture, tool version.
  add(1, [...u16s(0, 10, 1566, 19041), ...u16s(0, 10, 1682, 19041), 0, 0, 0, 0, 0, 2, 9, 1]);
  // 2: processor architecture, packages, cores, threads, hyper-threading.
  add(2, [9, 0, ...u16s(1, vm ? 2 : 4, vm ? 2 : 8), vm ? 0 : 1, 0]);
  add(3, [...utf8z('GenuineIntel'), 6, 0, 140, 0, 1]);
  add(4, [
    ...utf8z(
      vm ? 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz' : '11th Gen Intel(R) Core(TM) i5-1145G7 @ 2.60GHz',
    ),
    0,
    0,
    0,
    0,
    0,
  ]);
  // 5: memory: total, SMBIOS maximum, slots, arrays, error correction (3: none).
  add(5, [...u16s(vm ? 8 : 16, 0, 0, 0, vm ? 8 : 64, 0, 0, 0, vm ? 1 : 2, 1), 3, 0]);
  // 6 and 7: the disk (capacity in GB, bus type 17 NVMe or 1 SCSI) and its serial number (not NUL-terminated).
  add(6, [...u32(vm ? 64 : 512), 0, 0, 0, 0, vm ? 1 : 17, 0, vm ? 255 : 0, 0]);
  const diskSerial = vm
    ? `6000c29${hex(bytes(8))}`
    : `${hex(bytes(2))}_${hex(bytes(2))}_${hex(bytes(2))}_${hex(bytes(2))}.`;
  add(7, Buffer.from(diskSerial.toUpperCase(), 'utf8'));
  // 8: network adapters: physical medium (14 Ethernet, 9 Wi-Fi), then the MAC address.
  for (const medium of vm ? [14] : [9, 14, 10]) add(8, [medium, 0, 0, 0, ...macAddress(bytes(6)), 0, 0]);
  // 9: display: physical size (mm), resolution.
  add(9, vm ? u16s(0, 0, 1280, 800) : u16s(309, 174, 1920, 1080));
  // 10: chassis type (10 notebook, 1 other) and power platform role (2 mobile, 1 desktop).
  add(10, vm ? [1, 1, 0, 0] : [10, 2, 0, 0]);
  // 11: offline device id: its kind (1: TPM EK) and a 32-byte hash.
  add(11, [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, ...bytes(32), 0]);
  // 12: SMBIOS UUID.
  add(12, bytes(16));
  add(13, utf8z(vm ? '2.0, 0, 1.16' : '2.0, 0, 1.38'));
  optionalText(14, device.serialNumber);
  add(15, utf8z(vm ? 'VMware, Inc.' : 'HP'));
  optionalText(16, device.manufacturer);
  optionalText(17, device.model);
  add(18, utf8z(vm ? '' : '3C6D5EA#ABU'));
  add(19, utf8z(vm ? '' : '103C_5336AN HP EliteBook'));
  add(20, utf8z(vm ? 'VMW71.00V.21100432.B64.2301110304' : 'T37 Ver. 01.10.00'));
  add(21, utf8z(vm ? '440BX Desktop Reference Platform' : '880D'));
  add(22, utf8z(vm ? 'None' : 'KBC Version 30.28.00'));
  add(23, utf8z(vm ? 'None' : ''));
  optionalText(24, device.productKey);
  // 25: the TPM's endorsement key (an RSA 2048 public key blob); the VM has a virtual TPM, as Windows 11 needs.
  add(25, [...bytes(280), 0]);
  if (device.productKey !== undefined) add(26, utf8z('X22-22574'));
  add(27, [0, 0, 0, 0]);
  add(28, utf8z(diskSerial.toUpperCase()));
  // 29 and 30: the GPU's memory and its name in UTF-16.
  add(29, [...u32(vm ? 8 : 128), ...u32(vm ? 0 : 8192), 0, 0, 0, 0]);
  add(30, Buffer.from(vm ? 'VMware SVGA 3D' : 'Intel(R) Iris(R) Xe Graphics', 'utf16le'));
  return records;
}

function utf8z(text: string): number[] {
  return [...Buffer.from(text, 'utf8'), 0];
}

function u16s(...values: number[]): number[] {
  return values.flatMap((v) => [v & 0xff, (v >> 8) & 0xff]);
}

function u32(value: number): number[] {
  return [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A locally administered unicast MAC, so generated addresses never collide with a vendor's. */
function macAddress(b: Uint8Array): number[] {
  return [((b[0] ?? 0) & 0xfc) | 0x02, ...b.subarray(1, 6)];
}

/** Deterministic bytes from a seed: the same device always gets the same hash. */
function seededBytes(seed: string): (count: number) => Uint8Array {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (count) => {
    while (pool.length < count) {
      pool = Buffer.concat([pool, createHash('sha256').update(`${seed}\u0000${counter++}`).digest()]);
    }
    const taken = pool.subarray(0, count);
    pool = pool.subarray(count);
    return new Uint8Array(taken);
  };
}
