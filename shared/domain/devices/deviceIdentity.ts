import { hash as digest } from 'node:crypto';

/**
 * A device's identity keys: one per identifier it carries, so that the same physical device submitted
 * by hash, by product key or by serial/manufacturer/model yields overlapping keys. The registry stores
 * every key of a registered device; a device is "already registered" (here or elsewhere) when ANY of
 * its keys is taken.
 *
 * Key forms, all safe as an Azure Table PartitionKey or RowKey (only [a-z0-9:], no '/', '\\', '#', '?'
 * or control characters, at most 70 characters):
 *   tuple:<sha256 hex of the JSON array [serial, manufacturer, model], each normalized>
 *   pkid:<the 13 digits> for a well-formed product key ID (as every explicit productKey is), else
 *        pkid:<sha256 hex of the normalized value> (a hash may hold another form); 13 digits and 64 hex
 *        characters cannot be confused
 *   hash:<sha256 hex of the hardware hash's bytes 0..L, header and records: its own checksum> (so
 *        neither base64 spelling nor zero padding matters), for a hash that does not hold serial,
 *        manufacturer and model (otherwise its tuple key identifies it)
 *
 * Normalization (serial, manufacturer, model, product key): Unicode NFC, leading/trailing whitespace
 * removed, internal whitespace runs collapsed to one space, case-folded (upper- then lower-casing, so
 * that e.g. 'ß' and 'SS' agree).
 */

export const DEVICE_KEY_KINDS = ['tuple', 'pkid', 'hash'] as const;
export type DeviceKeyKind = (typeof DEVICE_KEY_KINDS)[number];

const WHITESPACE_RUN = /\s+/g;

export function normalizeIdentifier(value: string): string {
  return value.normalize('NFC').trim().replace(WHITESPACE_RUN, ' ').toUpperCase().toLowerCase();
}

function sha256Hex(data: string | Uint8Array): string {
  return digest('sha256', data, 'hex');
}

function normalizedTuple(serialNumber: string, manufacturer: string, model: string): string {
  return JSON.stringify([
    normalizeIdentifier(serialNumber),
    normalizeIdentifier(manufacturer),
    normalizeIdentifier(model),
  ]);
}

export function tupleKey(serialNumber: string, manufacturer: string, model: string): string {
  return `tuple:${sha256Hex(normalizedTuple(serialNumber, manufacturer, model))}`;
}

const PKID_DIGITS = /^[0-9]{13}$/;

/** A 13-digit PKID is table-safe as it is, so it stays readable; anything else is digested. */
export function productKeyKey(productKey: string): string {
  const normalized = normalizeIdentifier(productKey);
  return `pkid:${PKID_DIGITS.test(normalized) ? normalized : sha256Hex(normalized)}`;
}

/** `hash:` followed by the SHA-256 of the hash's header and records (bytes 0..L), as lowercase hex. */
export function hardwareHashKey(sha256: string): string {
  return `hash:${sha256}`;
}

export function keyKind(key: string): DeviceKeyKind | undefined {
  const kind = key.slice(0, key.indexOf(':'));
  return (DEVICE_KEY_KINDS as readonly string[]).includes(kind) ? (kind as DeviceKeyKind) : undefined;
}

/** What a device says about itself: its explicit fields and, when it has a hash, what the hash holds. */
export interface DeviceIdentityFacts {
  readonly serialNumber?: string;
  readonly oemManufacturerName?: string;
  readonly modelName?: string;
  readonly productKey?: string;
  readonly hardwareHash?: {
    /** SHA-256 of the hash's bytes 0..L (header and records), lowercase hex. */
    readonly sha256: string;
    readonly serialNumber?: string;
    readonly manufacturer?: string;
    readonly model?: string;
    readonly productKey?: string;
  };
}

type Tuple = readonly [string | undefined, string | undefined, string | undefined];

/**
 * Every identity key of the device, deduplicated, in a stable order: tuple keys (explicit fields, the
 * fields merged with what the hash holds, then the hash's own), product-key keys (explicit, then the
 * hash's), then the hash key, which only a hash without a complete tuple of its own needs.
 */
export function deviceKeys(device: DeviceIdentityFacts): string[] {
  const hash = device.hardwareHash;
  const keys: string[] = [];
  const add = (key: string) => {
    if (!keys.includes(key)) keys.push(key);
  };

  const tuples: Tuple[] = [[device.serialNumber, device.oemManufacturerName, device.modelName]];
  if (hash !== undefined) {
    tuples.push(
      [
        device.serialNumber ?? hash.serialNumber,
        device.oemManufacturerName ?? hash.manufacturer,
        device.modelName ?? hash.model,
      ],
      [hash.serialNumber, hash.manufacturer, hash.model],
    );
  }
  const seenTuples = new Set<string>();
  for (const [serial, manufacturer, model] of tuples) {
    if (serial === undefined || manufacturer === undefined || model === undefined) continue;
    const normalized = normalizedTuple(serial, manufacturer, model);
    if (seenTuples.has(normalized)) continue;
    seenTuples.add(normalized);
    add(`tuple:${sha256Hex(normalized)}`);
  }

  if (device.productKey !== undefined) add(productKeyKey(device.productKey));
  if (hash?.productKey !== undefined) add(productKeyKey(hash.productKey));
  // The same hash bytes always read as the same tuple, so when the hash holds a complete tuple its tuple
  // key finds every later submission its hash key would (by that hash, by another hash of the device,
  // by serial/manufacturer/model): the hash key would be a redundant row in the index.
  const hashHasTuple =
    hash?.serialNumber !== undefined && hash.manufacturer !== undefined && hash.model !== undefined;
  if (hash !== undefined && !hashHasTuple) add(hardwareHashKey(hash.sha256));
  return keys;
}

const PRIMARY_ORDER: readonly DeviceKeyKind[] = ['tuple', 'pkid', 'hash'];

/**
 * The device's `deviceId` (used in URLs): its tuple key when the tuple is known (given, or read from
 * the hash), else its product-key key, else its hash key. So a device sent by hash and later by
 * serial/manufacturer/model gets the same deviceId. A device first known only by product key gets a
 * `pkid:` deviceId; the registry, which matches on every key, should keep the deviceId of the
 * registration it finds rather than mint a new one. Returns undefined when there are no keys.
 */
export function primaryKey(keys: readonly string[]): string | undefined {
  for (const kind of PRIMARY_ORDER) {
    const found = keys.find((key) => keyKind(key) === kind);
    if (found !== undefined) return found;
  }
  return undefined;
}

const DEVICE_KEY = /^(?:(?:tuple|pkid|hash):[0-9a-f]{64}|pkid:[0-9]{13})$/;

/** True when `key` has the form of a device key (so a deviceId taken from a URL can be checked). */
export function isDeviceKey(key: string): boolean {
  return DEVICE_KEY.test(key);
}
