export {
  DEVICE_ERRORS,
  DEVICE_ERROR_CODES,
  deviceError,
  type DeviceError,
  type DeviceErrorCode,
  type DeviceErrorDefinition,
} from './deviceErrors';
export {
  DEVICE_KEY_KINDS,
  deviceKeys,
  hardwareHashKey,
  isDeviceKey,
  keyKind,
  normalizeIdentifier,
  primaryKey,
  productKeyKey,
  tupleKey,
  type DeviceIdentityFacts,
  type DeviceKeyKind,
} from './deviceIdentity';
export {
  BATCH_ID_PATTERN,
  DEVICE_FIELD_LIMITS,
  DEVICE_INPUT_FIELDS,
  MAX_DEVICES_PER_BATCH,
  deviceBatchBodySchema,
  deviceInputSchema,
  type DeviceBatchBody,
  type DeviceInput,
} from './deviceInput';
export {
  PRODUCT_KEY_PATTERN,
  validateDevice,
  type DeviceIdentifierForm,
  type DeviceValidationResult,
  type NormalizedDevice,
  type NormalizedHardwareHash,
} from './deviceValidation';
export {
  HARDWARE_HASH_MAX_BASE64_LENGTH,
  HARDWARE_HASH_MAX_DECODED_BYTES,
  HASH_RECORD_TYPES,
  decodeHardwareHash,
  type DecodedHardwareHash,
  type HardwareHashInfo,
  type HardwareHashResult,
} from './hardwareHash';
export {
  HARDWARE_HASH_DEVICE_SHOWN_CHARACTERS,
  HardwareHashDeviceSchema,
  hardwareHashDeviceOf,
  readHardwareHashDevice,
  type HardwareHashDevice,
} from './hardwareHashDevice';
export { markSubmissionDuplicates } from './submissionDuplicates';
export { validateSubmission } from './submissionValidation';
export { JSON_DEVICE_WORDING, type DeviceWording } from './deviceWording';
