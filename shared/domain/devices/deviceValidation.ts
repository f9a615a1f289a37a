import type { z } from 'zod';
import { deviceError, type DeviceError, type DeviceErrorCode } from './deviceErrors';
import { deviceKeys, normalizeIdentifier, primaryKey } from './deviceIdentity';
import { DEVICE_FIELD_LIMITS, deviceInputSchema, type DeviceInput } from './deviceInput';
import { JSON_DEVICE_WORDING, type DeviceWording } from './deviceWording';
import { decodeHardwareHash, type DecodedHardwareHash, type HardwareHashInfo } from './hardwareHash';

/**
 * Validates one raw device entry. Rules, in order:
 *   1. not an object, unknown fields, wrong types, too long → InvalidZtdRequestBody (801)
 *   2. a hardware hash that is not well-formed, or explicit fields that disagree with what the hash
 *      holds → InvalidZtdHardwareHash (802): the hash is what registers the device, so its fault is
 *      named first (Partner Center's own sample body sends "DummyHash123" beside a product key that is
 *      not a PKID)
 *   3. a productKey that is not 13 digits → InvalidZtdRequestBody (801)
 *   4. no accepted combination of identifiers → MissingZtdSerialNumberAndProductKey (803)
 *
 * Accepted combinations (Partner Center's): a hardware hash (alone, or with productKey and/or
 * serialNumber; manufacturer and model may also accompany it, and are checked against it); a
 * productKey; serialNumber + oemManufacturerName + modelName.
 *
 * Strings are trimmed, and an empty or whitespace-only string counts as absent (CSV uploads have empty
 * cells). A productKey is a product key ID (PKID): exactly 13 ASCII digits, as Partner Center shows
 * it and as printed on device packaging.
 *
 * Sentences name fields and give advice through `wording` (the API's JSON terms unless told otherwise).
 */

export const PRODUCT_KEY_PATTERN = /^[0-9]{13}$/;

export type DeviceIdentifierForm = 'hardwareHash' | 'productKey' | 'tuple';

export interface NormalizedHardwareHash extends DecodedHardwareHash {
  /** The hash as sent (trimmed). */
  readonly base64: string;
}

export interface NormalizedDevice {
  /** Explicit fields as sent, trimmed; absent when not sent or empty. */
  readonly serialNumber?: string;
  readonly oemManufacturerName?: string;
  readonly modelName?: string;
  readonly productKey?: string;
  readonly groupTag?: string;
  /** The hash and what it holds, when one was sent. */
  readonly hardwareHash?: NormalizedHardwareHash;
  /** Which accepted combination identifies the device. */
  readonly identifiedBy: DeviceIdentifierForm;
  /** Every identity key (see deviceIdentity.ts). */
  readonly keys: readonly string[];
  /** The stable id used in URLs: see `primaryKey`. */
  readonly deviceId: string;
}

export type DeviceValidationResult =
  | { readonly status: 'valid'; readonly device: NormalizedDevice }
  | { readonly status: 'invalid'; readonly error: DeviceError };

export function validateDevice(
  entry: unknown,
  wording: DeviceWording = JSON_DEVICE_WORDING,
): DeviceValidationResult {
  const invalid = (code: DeviceErrorCode, detail: string): DeviceValidationResult => ({
    status: 'invalid',
    error: deviceError(code, detail, wording.advice(code)),
  });
  const parsed = deviceInputSchema.safeParse(entry);
  if (!parsed.success) {
    return invalid('InvalidZtdRequestBody', describeIssues(parsed.error.issues, entry, wording));
  }
  const input = presentFields(parsed.data);

  let hardwareHash: NormalizedHardwareHash | undefined;
  if (input.hardwareHash !== undefined) {
    const decoded = decodeHardwareHash(input.hardwareHash);
    if (!decoded.ok) return invalid('InvalidZtdHardwareHash', decoded.reason);
    hardwareHash = { ...decoded.value, base64: input.hardwareHash };
    const disagreement = contradiction(input, hardwareHash, wording);
    if (disagreement !== undefined) return invalid('InvalidZtdHardwareHash', disagreement);
  }

  if (input.productKey !== undefined && !PRODUCT_KEY_PATTERN.test(input.productKey)) {
    return invalid(
      'InvalidZtdRequestBody',
      `${wording.field('productKey')} ${quote(input.productKey)} is not a product key ID: ` +
        'a PKID is exactly 13 digits (0-9)',
    );
  }

  const identifiedBy = identifierForm(input, hardwareHash !== undefined, wording);
  if (typeof identifiedBy !== 'string') {
    return invalid('MissingZtdSerialNumberAndProductKey', identifiedBy.missing);
  }

  const { serialNumber, oemManufacturerName, modelName, productKey, groupTag } = input;
  const keys = deviceKeys({ serialNumber, oemManufacturerName, modelName, productKey, hardwareHash });
  const deviceId = primaryKey(keys);
  // Unreachable: every accepted combination yields at least one key.
  if (deviceId === undefined) throw new Error('An accepted device produced no identity key.');
  const device: NormalizedDevice = {
    serialNumber,
    oemManufacturerName,
    modelName,
    productKey,
    groupTag,
    hardwareHash,
    identifiedBy,
    keys,
    deviceId,
  };
  return { status: 'valid', device };
}

type PresentInput = { -readonly [K in keyof DeviceInput]?: string };

/** Written out field by field: one object shape for every device keeps 100,000 of them fast. */
function presentFields(input: DeviceInput): PresentInput {
  return {
    hardwareHash: present(input.hardwareHash),
    productKey: present(input.productKey),
    serialNumber: present(input.serialNumber),
    oemManufacturerName: present(input.oemManufacturerName),
    modelName: present(input.modelName),
    groupTag: present(input.groupTag),
  };
}

function present(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

const HASH_COUNTERPARTS = [
  ['oemManufacturerName', 'manufacturer', 'manufacturer'],
  ['modelName', 'model', 'model'],
  ['productKey', 'productKey', 'product key ID'],
] as const;

/** Why the fields sent beside a hash contradict it, in one sentence, or undefined when they agree. */
function contradiction(
  input: PresentInput,
  hash: HardwareHashInfo,
  wording: DeviceWording,
): string | undefined {
  // Another serial number is another device: the hash was put beside the wrong row, which no correction
  // of the other fields would fix.
  if (
    input.serialNumber !== undefined &&
    hash.serialNumber !== undefined &&
    normalizeIdentifier(input.serialNumber) !== normalizeIdentifier(hash.serialNumber)
  ) {
    const makeAndModel = [hash.manufacturer, hash.model].filter((v) => v !== undefined).join(' ');
    return (
      `This is the hardware hash of the device with serial number ${quote(hash.serialNumber)}` +
      `${makeAndModel === '' ? '' : ` (${quote(makeAndModel)})`}, not of ${wording.field('serialNumber')} ` +
      `${quote(input.serialNumber)}: it is the wrong hash for ${wording.thisEntry}. Put each device's own ` +
      'hardware hash beside its serial number'
    );
  }
  const found: string[] = [];
  for (const [field, hashField, label] of HASH_COUNTERPARTS) {
    const sent = input[field];
    const held = hash[hashField];
    if (sent !== undefined && held !== undefined && normalizeIdentifier(sent) !== normalizeIdentifier(held)) {
      found.push(
        `${wording.field(field)} ${quote(sent)} disagrees with the ${label} inside the hardware hash (${quote(held)})`,
      );
    }
  }
  return found.length === 0
    ? undefined
    : `${found.join('; ')}. Send the values the hash holds, or leave those fields out`;
}

function identifierForm(
  input: PresentInput,
  hasHash: boolean,
  wording: DeviceWording,
): DeviceIdentifierForm | { missing: string } {
  const { field } = wording;
  if (hasHash) return 'hardwareHash';
  if (input.productKey !== undefined) return 'productKey';
  const { serialNumber, oemManufacturerName, modelName } = input;
  if (serialNumber !== undefined && oemManufacturerName !== undefined && modelName !== undefined)
    return 'tuple';

  const given = (
    [
      ['serialNumber', serialNumber],
      ['oemManufacturerName', oemManufacturerName],
      ['modelName', modelName],
    ] as const
  ).filter(([, value]) => value !== undefined);
  if (given.length === 0) {
    return {
      missing: `The device has no ${field('hardwareHash')}, ${field('productKey')} or ${field('serialNumber')}`,
    };
  }
  const missing = (['serialNumber', 'oemManufacturerName', 'modelName'] as const).filter(
    (field) => input[field] === undefined,
  );
  return {
    missing:
      `The device has ${given.map(([name]) => field(name)).join(' and ')} but no ` +
      `${missing.map(field).join(' or ')}: without a hardware hash or product key, a device is identified by ` +
      `${field('serialNumber')}, ${field('oemManufacturerName')} and ${field('modelName')} together (the tuple), ` +
      'and all three are needed',
  };
}

const MAX_QUOTED = 40;

function quote(value: string): string {
  const shown = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
  return JSON.stringify(shown);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], entry: unknown, wording: DeviceWording): string {
  return issues
    .map((issue) => {
      const field = issue.path[0];
      if (field === undefined) {
        if (issue.code === 'unrecognized_keys') {
          return `The device has unknown field(s) ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
        }
        return `The device entry is ${describeValue(entry)}, not a JSON object`;
      }
      const name = String(field);
      if (issue.code === 'invalid_type') {
        const value = (entry as Record<string, unknown>)[name];
        return `${name} must be a string, not ${describeValue(value)}`;
      }
      if (issue.code === 'too_big' && name in DEVICE_FIELD_LIMITS) {
        const limited = name as keyof typeof DEVICE_FIELD_LIMITS;
        return `${wording.field(limited)} is longer than ${DEVICE_FIELD_LIMITS[limited]} characters`;
      }
      return issue.message;
    })
    .join('; ');
}
