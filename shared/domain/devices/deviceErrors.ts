/**
 * The catalogue of per-device refusals, with Windows Autopilot's error names and numbers where they
 * exist. Every description ends with what the partner should do about it.
 *
 * `ZtdDeviceDuplicated` has no number: Autopilot documents the name (the same device twice in one
 * import: the first is processed, the rest get this error) but no number we know of, and inventing one
 * in Autopilot's 8xx range could collide with a real one. Its `errorNumber` is therefore `null`;
 * clients should switch on `errorCode`, which is always present. `ZtdDeviceRegistrationFailed` is this
 * service's own, in Autopilot's naming style and with no number for the same reason: the registration
 * of the device's part of the batch kept failing, so the device was given back and is to be sent again.
 */
export interface DeviceErrorDefinition {
  readonly errorNumber: number | null;
  /** Says what is wrong when no more specific detail is given. */
  readonly summary: string;
  /** Says what to do; always appended. */
  readonly advice: string;
}

export const DEVICE_ERRORS = {
  InvalidZtdRequestBody: {
    errorNumber: 801,
    summary: 'The device entry is not a valid device.',
    advice:
      'Send each device as a JSON object with only the string fields hardwareHash, productKey, serialNumber, ' +
      'oemManufacturerName, modelName and groupTag, then submit it again.',
  },
  InvalidZtdHardwareHash: {
    errorNumber: 802,
    summary: 'The hardware hash is not a well-formed Windows Autopilot hardware hash.',
    advice:
      'Capture the hardware hash again on the device (for example with Get-WindowsAutopilotInfo) and send it ' +
      'unchanged, or register the device by its product key or by serial number, manufacturer and model instead.',
  },
  MissingZtdSerialNumberAndProductKey: {
    errorNumber: 803,
    summary: 'The device carries no identifier that can register it.',
    advice:
      'Identify the device by its hardware hash, by its 13-digit product key ID (productKey), or by ' +
      'serialNumber together with oemManufacturerName and modelName.',
  },
  ZtdDeviceAlreadyAssigned: {
    errorNumber: 806,
    summary: 'The device is already registered in this tenant.',
    advice: 'Nothing more is needed for this device; remove it from your submission to avoid this message.',
  },
  ZtdDeviceAssignedToOtherTenant: {
    errorNumber: 808,
    summary: 'The device is registered to another organization.',
    advice:
      'Ask the seller or previous owner of the device to deregister it, then submit it again; this service ' +
      'cannot tell you which organization holds it.',
  },
  ZtdDeviceDuplicated: {
    errorNumber: null,
    summary: 'The same device appears more than once in this submission.',
    advice:
      'Only the first occurrence was processed; check its result and remove the repeated entries from your ' +
      'submission.',
  },
  ZtdDeviceRegistrationFailed: {
    errorNumber: null,
    summary:
      'The device could not be registered: the service kept failing on this part of the batch, so nothing ' +
      'was kept for it.',
    advice: 'Submit the device again, in a new batch.',
  },
} as const satisfies Record<string, DeviceErrorDefinition>;

export type DeviceErrorCode = keyof typeof DEVICE_ERRORS;

export const DEVICE_ERROR_CODES = Object.keys(DEVICE_ERRORS) as DeviceErrorCode[];

/** A per-device outcome as partners receive it. */
export interface DeviceError {
  readonly errorCode: DeviceErrorCode;
  readonly errorNumber: number | null;
  readonly errorDescription: string;
}

function asSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * Builds the outcome for `code`. `detail` (optional) says precisely what is wrong with this device and
 * replaces the generic summary; the advice for the code always follows (`advice`, when given, in place of
 * the catalogue's: see DeviceWording).
 */
export function deviceError(code: DeviceErrorCode, detail?: string, advice?: string): DeviceError {
  const definition: DeviceErrorDefinition = DEVICE_ERRORS[code];
  const what = detail === undefined || detail.trim() === '' ? definition.summary : asSentence(detail);
  return {
    errorCode: code,
    errorNumber: definition.errorNumber,
    errorDescription: `${what} ${advice ?? definition.advice}`,
  };
}
