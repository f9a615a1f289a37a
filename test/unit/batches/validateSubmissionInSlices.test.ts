import {
  VALIDATION_SLICE,
  validateSubmissionInSlices,
} from '../../../shared/application/batches/validateSubmissionInSlices';
import { validateSubmission } from '../../../shared/domain/devices';
import { buildHardwareHash } from '../../support/hardwareHashes';

const productKey = (n: number) => ({ productKey: String(4_000_000_000_000 + n) });

describe('validateSubmissionInSlices', () => {
  it('when a submission spans several slices, with repeats across slice boundaries and refused entries, then every result equals the one-pass validation', async () => {
    const entries: unknown[] = [];
    for (let i = 0; i < 2.5 * VALIDATION_SLICE; i++) entries.push(productKey(i));
    // Repeats of devices from earlier slices, a malformed key, a device with nothing to identify it,
    // and a hardware hash whose tuple repeats a tuple device of the first slice.
    entries.push(productKey(3), productKey(VALIDATION_SLICE + 7), { productKey: '12' }, {});
    entries[10] = { serialNumber: 'SER-1', oemManufacturerName: 'Contoso', modelName: 'Laptop 5' };
    entries.push({
      hardwareHash: buildHardwareHash({ serialNumber: 'SER-1', manufacturer: 'Contoso', model: 'Laptop 5' }),
    });

    const sliced = await validateSubmissionInSlices(entries);

    expect(sliced).toEqual(validateSubmission(entries));
    const codes = sliced.slice(-5).map((r) => (r.status === 'invalid' ? r.error.errorCode : 'valid'));
    expect(codes).toEqual([
      'ZtdDeviceDuplicated',
      'ZtdDeviceDuplicated',
      'InvalidZtdRequestBody',
      'MissingZtdSerialNumberAndProductKey',
      'ZtdDeviceDuplicated',
    ]);
  });

  it('when a submission spans several slices, then a callback queued before it runs before its last slice is validated', async () => {
    let queuedRan = false;
    let ranBeforeLastSlice: boolean | undefined;
    const entries: unknown[] = Array.from({ length: 2 * VALIDATION_SLICE }, (_, i) => productKey(i));
    // The last entry notes, when validation reads it, whether the callback has run by then.
    const last = {};
    Object.defineProperty(last, 'productKey', {
      enumerable: true,
      get() {
        ranBeforeLastSlice ??= queuedRan;
        return '4999999999999';
      },
    });
    entries.push(last);
    setImmediate(() => (queuedRan = true));

    await validateSubmissionInSlices(entries);

    expect(ranBeforeLastSlice).toBe(true);
  });

  it('when a submission fits one slice, then it is validated without giving the turn away', async () => {
    let queuedRan = false;
    setImmediate(() => (queuedRan = true));
    const results = await validateSubmissionInSlices([productKey(1), productKey(1)]);
    expect(queuedRan).toBe(false);
    expect(results.map((r) => r.status)).toEqual(['valid', 'invalid']);
  });
});
