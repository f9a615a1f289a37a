import type { DeviceInput, DeviceWording } from '../../domain/devices';
import { columnName, type DeviceCsvHeaderStyle } from './deviceCsvColumns';

/**
 * How per-device refusals speak of an uploaded CSV file: fields by the columns of its header, other rows
 * by the line they start on (rows[index] is the device at that index of the submission), and advice
 * about the file rather than about JSON entries. Codes and numbers are the API's; only the words differ.
 */
export function deviceCsvWording(
  rows: readonly { readonly line: number }[],
  style: DeviceCsvHeaderStyle,
): DeviceWording {
  // Intune's header has no manufacturer or model column: those are named as Partner Center's template does.
  const field = (name: keyof DeviceInput): string =>
    style === 'intune' && (name === 'oemManufacturerName' || name === 'modelName')
      ? columnName(name, 'partner-center')
      : columnName(name, style);
  const advice = {
    InvalidZtdRequestBody: 'Correct the cell in the file, then upload the file again.',
    MissingZtdSerialNumberAndProductKey:
      style === 'intune'
        ? `Fill in the row's ${field('hardwareHash')} or its 13-digit ${field('productKey')}; a device known ` +
          `by its serial number alone needs Partner Center's template, with ${field('oemManufacturerName')} ` +
          `and ${field('modelName')} columns.`
        : `Fill in the row's ${field('hardwareHash')}, its 13-digit ${field('productKey')}, or its ` +
          `${field('serialNumber')} together with ${field('oemManufacturerName')} and ${field('modelName')}.`,
    ZtdDeviceDuplicated:
      'Only the first of these rows is registered; remove the repeated rows from the file to avoid this message.',
  } as const;
  return {
    field,
    entry: (index) => {
      const line = rows[index]?.line;
      return line === undefined ? `the row at index ${index}` : `line ${line}`;
    },
    thisEntry: 'this row',
    advice: (code) => (code in advice ? advice[code as keyof typeof advice] : undefined),
  };
}
