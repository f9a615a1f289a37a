import { stringify } from 'csv-stringify/sync';
import type { DeviceInput } from '../../domain/devices';
import { columnName } from './deviceCsvColumns';

const PARTNER_CENTER_FIELDS = [
  'serialNumber',
  'productKey',
  'hardwareHash',
  'oemManufacturerName',
  'modelName',
] as const satisfies readonly (keyof DeviceInput)[];

/** A device the portal could not register, with the sentence saying why. */
export interface FailedDeviceCsvRow {
  readonly device: DeviceInput;
  readonly error: string;
}

/**
 * Writes the portal's "failed rows" download: Partner Center's header, then `Group Tag` when any row has
 * a group tag (so that none is lost), then `Error` with the reason. UTF-8 with a BOM (so Excel opens it
 * as UTF-8), CRLF line breaks, values quoted where needed.
 *
 * A value starting with `=`, `+`, `-` or `@` is written with a leading `'` so that a spreadsheet does not
 * run it as a formula (CSV injection); readDeviceCsv removes that apostrophe again, so the partner can fix
 * the rows and upload the same file: the reader ignores the `Error` column.
 */
export function writeDeviceCsv(rows: readonly FailedDeviceCsvRow[]): Buffer {
  const fields: (keyof DeviceInput)[] = [...PARTNER_CENTER_FIELDS];
  if (rows.some((row) => (row.device.groupTag ?? '') !== '')) fields.push('groupTag');
  const header = [...fields, 'error' as const].map((column) => columnName(column, 'partner-center'));
  const records = rows.map((row) => [...fields.map((field) => row.device[field] ?? ''), row.error]);
  const text = stringify([header, ...records], {
    bom: true,
    record_delimiter: 'windows',
    quote_record_delimiter: true,
    escape_formulas: true,
  });
  return Buffer.from(text, 'utf8');
}
