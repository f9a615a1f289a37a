import {
  MAX_DEVICES_PER_BATCH,
  deviceBatchBodySchema,
  deviceInputSchema,
  type DeviceInput,
} from '../../../shared/domain/devices';

describe('deviceInputSchema', () => {
  it('when every Partner Center field is a string, then it parses to the same object', () => {
    const device: DeviceInput = {
      hardwareHash: 'T0E=',
      productKey: '3345678901234',
      serialNumber: 'S',
      oemManufacturerName: 'M',
      modelName: 'N',
      groupTag: 'G',
    };

    expect(deviceInputSchema.parse(device)).toEqual(device);
  });

  it('when a field is unknown, then the device is malformed', () => {
    expect(deviceInputSchema.safeParse({ serialNumber: 'S', manufacturer: 'M' }).success).toBe(false);
  });

  it('when no field is present, then the shape is still valid (the combination is checked later)', () => {
    expect(deviceInputSchema.safeParse({}).success).toBe(true);
  });
});

describe('deviceBatchBodySchema', () => {
  it('when the body has a batchId and devices of any shape, then it parses', () => {
    const result = deviceBatchBodySchema.safeParse({ batchId: 'order-2024.07_A', devices: [{}, 42, null] });

    expect(result.success).toBe(true);
  });

  it.each(['', 'a'.repeat(65), 'has space', 'slash/no', 'ümlaut'])(
    'when batchId is %j, then the body is refused',
    (batchId) => {
      const result = deviceBatchBodySchema.safeParse({ batchId, devices: [{}] });

      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/batchId must be 1 to 64 characters/);
    },
  );

  it('when batchId is exactly 64 allowed characters, then it parses', () => {
    expect(deviceBatchBodySchema.safeParse({ batchId: 'a'.repeat(64), devices: [{}] }).success).toBe(true);
  });

  it('when devices is empty, then the body is refused', () => {
    expect(deviceBatchBodySchema.safeParse({ batchId: 'b', devices: [] }).error?.issues[0]?.message).toBe(
      'devices must hold at least one device',
    );
  });

  it('when devices holds one more than the maximum, then the body is refused', () => {
    const devices: unknown[] = new Array<unknown>(MAX_DEVICES_PER_BATCH + 1).fill({});

    expect(MAX_DEVICES_PER_BATCH).toBe(100_000);
    expect(deviceBatchBodySchema.safeParse({ batchId: 'b', devices }).error?.issues[0]?.message).toBe(
      'devices may hold at most 100000 devices',
    );
    expect(deviceBatchBodySchema.safeParse({ batchId: 'b', devices: devices.slice(1) }).success).toBe(true);
  });

  it('when the body has an unknown field, then it is refused', () => {
    expect(deviceBatchBodySchema.safeParse({ batchId: 'b', devices: [{}], tenantId: 'x' }).success).toBe(
      false,
    );
  });
});
