import { DEVICE_ERRORS, DEVICE_ERROR_CODES, deviceError } from '../../../shared/domain/devices';

describe('device error catalogue', () => {
  it('when listing the codes, then they are Autopilot names with their numbers', () => {
    const numbers = Object.fromEntries(
      DEVICE_ERROR_CODES.map((code) => [code, DEVICE_ERRORS[code].errorNumber]),
    );

    expect(numbers).toEqual({
      InvalidZtdRequestBody: 801,
      InvalidZtdHardwareHash: 802,
      MissingZtdSerialNumberAndProductKey: 803,
      ZtdDeviceAlreadyAssigned: 806,
      ZtdDeviceAssignedToOtherTenant: 808,
      ZtdDeviceDuplicated: null,
      ZtdDeviceRegistrationFailed: null,
    });
  });

  it.each([
    ['InvalidZtdRequestBody', 801, /not a valid device.*Send each device as a JSON object with only/],
    ['InvalidZtdHardwareHash', 802, /not a well-formed .* hardware hash.*Capture the hardware hash again/],
    [
      'MissingZtdSerialNumberAndProductKey',
      803,
      /no identifier.*13-digit product key ID.*serialNumber together/,
    ],
    ['ZtdDeviceAlreadyAssigned', 806, /already registered in this tenant.*Nothing more is needed/],
    [
      'ZtdDeviceAssignedToOtherTenant',
      808,
      /registered to another organization.*Ask the seller or previous owner/,
    ],
    [
      'ZtdDeviceDuplicated',
      null,
      /more than once in this submission.*Only the first occurrence was processed/,
    ],
    ['ZtdDeviceRegistrationFailed', null, /could not be registered.*Submit the device again/],
  ] as const)(
    'when %s is built without detail, then it has number %p and a sentence saying what to do',
    (code, number, sentence) => {
      const error = deviceError(code);

      expect(error.errorCode).toBe(code);
      expect(error.errorNumber).toBe(number);
      expect(error.errorDescription).toMatch(sentence);
      expect(error.errorDescription).toMatch(/\.$/);
    },
  );

  it('when a detail is given, then it replaces the summary and the advice still follows', () => {
    const error = deviceError('InvalidZtdRequestBody', 'serialNumber must be a string, not a number');

    expect(error.errorDescription).toBe(
      `serialNumber must be a string, not a number. ${DEVICE_ERRORS.InvalidZtdRequestBody.advice}`,
    );
  });

  it('when the detail already ends a sentence, then no second full stop is added', () => {
    expect(deviceError('InvalidZtdHardwareHash', 'The hash is empty.').errorDescription).toMatch(
      /^The hash is empty\. Capture/,
    );
  });

  it('when the detail is blank, then the summary is used', () => {
    expect(deviceError('ZtdDeviceAlreadyAssigned', '  ').errorDescription).toMatch(
      /^The device is already registered/,
    );
  });

  it('when a device belongs to another tenant, then the sentence names no tenant and says so', () => {
    const { errorDescription } = deviceError('ZtdDeviceAssignedToOtherTenant');

    expect(errorDescription).toMatch(/cannot tell you which organization/);
    expect(errorDescription).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}|onmicrosoft/);
  });
});
