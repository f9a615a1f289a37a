import {
  markSubmissionDuplicates,
  validateDevice,
  validateSubmission,
  type DeviceValidationResult,
} from '../../../shared/domain/devices';
import { buildHardwareHash } from '../../support/hardwareHashes';

const SERIAL = 'PF3ABC12';
const MANUFACTURER = 'Contoso';
const MODEL = 'Surface Laptop 5';
const PKID = '3345678901234';
const TUPLE = { serialNumber: SERIAL, oemManufacturerName: MANUFACTURER, modelName: MODEL };
const FULL_HASH = buildHardwareHash({
  serialNumber: SERIAL,
  manufacturer: MANUFACTURER,
  model: MODEL,
  productKey: PKID,
});

const outcome = (result: DeviceValidationResult | undefined) =>
  result?.status === 'valid' ? 'valid' : result?.error.errorCode;

describe('markSubmissionDuplicates', () => {
  it('when the same product key appears twice, then the first is kept and the second is ZtdDeviceDuplicated', () => {
    const results = validateSubmission([{ productKey: PKID }, { productKey: PKID }]);

    expect(results.map(outcome)).toEqual(['valid', 'ZtdDeviceDuplicated']);
    expect(results[1]).toEqual({
      status: 'invalid',
      error: {
        errorCode: 'ZtdDeviceDuplicated',
        errorNumber: null,
        errorDescription: expect.stringMatching(
          /^This is the same device as the entry at index 0 \(same product key ID\)\. Only the first occurrence/,
        ) as unknown,
      },
    });
  });

  it('when a device is sent by tuple and again by a hash holding that tuple, then the hash entry is the duplicate', () => {
    const results = validateSubmission([TUPLE, { hardwareHash: FULL_HASH }]);

    expect(results.map(outcome)).toEqual(['valid', 'ZtdDeviceDuplicated']);
    expect(results[1]?.status === 'invalid' && results[1].error.errorDescription).toMatch(
      /index 0 \(same serial number, manufacturer and model\)/,
    );
  });

  it('when a device is sent by hash and again by the product key inside it, then the product key entry is the duplicate', () => {
    const results = validateSubmission([{ hardwareHash: FULL_HASH }, { productKey: PKID }]);

    expect(results.map(outcome)).toEqual(['valid', 'ZtdDeviceDuplicated']);
  });

  it('when the tuple differs only in case and spacing, then it is still the same device', () => {
    const results = validateSubmission([
      TUPLE,
      { serialNumber: 'pf3abc12 ', oemManufacturerName: 'CONTOSO', modelName: 'surface  laptop 5' },
    ]);

    expect(results.map(outcome)).toEqual(['valid', 'ZtdDeviceDuplicated']);
  });

  it('when the same hash is sent twice, then the second is a duplicate through the hash', () => {
    const hash = buildHardwareHash({});
    const results = validateSubmission([{ hardwareHash: hash }, { hardwareHash: hash }]);

    expect(results[1]?.status === 'invalid' && results[1].error.errorDescription).toMatch(
      /same hardware hash/,
    );
  });

  it('when devices are linked through a chain of identifiers, then every later link is a duplicate of the first', () => {
    const results = validateSubmission([TUPLE, { ...TUPLE, productKey: PKID }, { productKey: PKID }]);

    expect(results.map(outcome)).toEqual(['valid', 'ZtdDeviceDuplicated', 'ZtdDeviceDuplicated']);
    expect(results[2]?.status === 'invalid' && results[2].error.errorDescription).toMatch(/index 0/);
  });

  it('when a device appears three times, then the second and third both point at the first', () => {
    const results = validateSubmission([{ productKey: PKID }, { productKey: PKID }, { productKey: PKID }]);

    expect(results.map(outcome)).toEqual(['valid', 'ZtdDeviceDuplicated', 'ZtdDeviceDuplicated']);
    expect(results[2]?.status === 'invalid' && results[2].error.errorDescription).toMatch(/index 0/);
  });

  it('when an earlier entry with the same identifiers was invalid, then the later valid entry is processed', () => {
    const results = validateSubmission([{ productKey: PKID, extra: true }, { productKey: PKID }]);

    expect(results.map(outcome)).toEqual(['InvalidZtdRequestBody', 'valid']);
  });

  it('when devices are distinct, then the results are the same objects as given', () => {
    const given = [validateDevice({ productKey: PKID }), validateDevice(TUPLE)];

    const results = markSubmissionDuplicates(given);

    expect(results).toHaveLength(2);
    expect(results[0]).toBe(given[0]);
    expect(results[1]).toBe(given[1]);
  });

  it('when 100,000 product-key devices are submitted with planted repeats, then the counts are exact', () => {
    const entries: unknown[] = Array.from({ length: 100_000 }, (_, i) => ({
      productKey: String(1_000_000_000_000 + i),
    }));
    entries[50_000] = { productKey: '1000000000007' };
    entries[99_999] = { productKey: '1000000000007' };
    entries[12_345] = { productKey: 'not-a-pkid' };

    const results = validateSubmission(entries);
    const counts = new Map<string | undefined, number>();
    for (const result of results) counts.set(outcome(result), (counts.get(outcome(result)) ?? 0) + 1);

    expect(results).toHaveLength(100_000);
    expect(Object.fromEntries(counts)).toEqual({
      valid: 99_997,
      ZtdDeviceDuplicated: 2,
      InvalidZtdRequestBody: 1,
    });
    expect(outcome(results[7])).toBe('valid');
    expect(outcome(results[50_000])).toBe('ZtdDeviceDuplicated');
  });
});

describe('refusals in the API wording and in a source wording', () => {
  it('when no wording is given (the API), then a duplicate and a bad product key read in JSON terms, unchanged', () => {
    const results = validateSubmission([{ productKey: PKID }, { productKey: '12345' }, { productKey: PKID }]);

    expect(results.slice(1)).toEqual([
      {
        status: 'invalid',
        error: {
          errorCode: 'InvalidZtdRequestBody',
          errorNumber: 801,
          errorDescription:
            'productKey "12345" is not a product key ID: a PKID is exactly 13 digits (0-9). Send each device as ' +
            'a JSON object with only the string fields hardwareHash, productKey, serialNumber, ' +
            'oemManufacturerName, modelName and groupTag, then submit it again.',
        },
      },
      {
        status: 'invalid',
        error: {
          errorCode: 'ZtdDeviceDuplicated',
          errorNumber: null,
          errorDescription:
            'This is the same device as the entry at index 0 (same product key ID). Only the first occurrence ' +
            'was processed; check its result and remove the repeated entries from your submission.',
        },
      },
    ]);
  });

  it("when a wording is given, then the first occurrence is named by its index through it, and the codes stay the API's", () => {
    const asked: number[] = [];
    const results = validateSubmission([TUPLE, { productKey: PKID }, { ...TUPLE, productKey: PKID }], {
      field: (name) => `<${name}>`,
      entry: (index) => {
        asked.push(index);
        return `row #${index + 10}`;
      },
      thisEntry: 'this row',
      advice: (code) => `Advice for ${code}.`,
    });

    expect(asked).toEqual([0]);
    expect(results[2]).toEqual({
      status: 'invalid',
      error: {
        errorCode: 'ZtdDeviceDuplicated',
        errorNumber: null,
        errorDescription:
          'This is the same device as row #10 (same serial number, manufacturer and model). Advice for ZtdDeviceDuplicated.',
      },
    });
  });
});
