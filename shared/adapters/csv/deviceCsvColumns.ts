import type { DeviceInput } from '../../domain/devices';

/**
 * The two CSV headers in use for device uploads, and what each column means.
 *
 * - Partner Center's template: `Device serial number,Windows product ID,Hardware hash,Manufacturer name,
 *   Device model`. All five are required: they are the template's header, and a file that has
 *   `Manufacturer name` or `Device model` is read as this style. `Group Tag` may be added (this service
 *   accepts a group tag with any identifier, and the failed-rows download keeps it).
 * - Intune's (what `Get-WindowsAutopilotInfo -OutputFile` writes): `Device Serial Number,Windows Product ID,
 *   Hardware Hash,Group Tag,Assigned User`. The first three are required; `Group Tag` and `Assigned User`
 *   are optional, because the script writes them only when asked to. A file without `Manufacturer name`
 *   and `Device model` is read as this style.
 *
 * In both styles an `Error` column is accepted and ignored, so that the failed-rows download (which adds
 * it) can be fixed and uploaded again as it is. `Assigned User` is read but is not part of a device: this
 * service registers devices and does not assign users, so its value is returned beside the device only.
 *
 * Header names are matched without case and with surrounding whitespace trimmed; columns may come in any
 * order. Any other column is refused, so that a misspelt header is not silently dropped.
 */
export type DeviceCsvHeaderStyle = 'partner-center' | 'intune';

/** Where a column's cells go: a device field, the assigned user beside it, or nowhere. */
export type DeviceCsvColumn = keyof DeviceInput | 'assignedUser' | 'error';

interface ColumnDefinition {
  readonly column: DeviceCsvColumn;
  /** The name as Partner Center writes it, when the column belongs to that style. */
  readonly partnerCenter?: string;
  /** The name as Intune writes it, when the column belongs to that style. */
  readonly intune?: string;
}

const COLUMN_DEFINITIONS: readonly ColumnDefinition[] = [
  { column: 'serialNumber', partnerCenter: 'Device serial number', intune: 'Device Serial Number' },
  { column: 'productKey', partnerCenter: 'Windows product ID', intune: 'Windows Product ID' },
  { column: 'hardwareHash', partnerCenter: 'Hardware hash', intune: 'Hardware Hash' },
  { column: 'oemManufacturerName', partnerCenter: 'Manufacturer name' },
  { column: 'modelName', partnerCenter: 'Device model' },
  { column: 'groupTag', partnerCenter: 'Group Tag', intune: 'Group Tag' },
  { column: 'assignedUser', intune: 'Assigned User' },
  { column: 'error', partnerCenter: 'Error', intune: 'Error' },
];

interface StyleDefinition {
  readonly required: readonly DeviceCsvColumn[];
  readonly optional: readonly DeviceCsvColumn[];
}

export const DEVICE_CSV_STYLES: Readonly<Record<DeviceCsvHeaderStyle, StyleDefinition>> = {
  'partner-center': {
    required: ['serialNumber', 'productKey', 'hardwareHash', 'oemManufacturerName', 'modelName'],
    optional: ['groupTag', 'error'],
  },
  intune: {
    required: ['serialNumber', 'productKey', 'hardwareHash'],
    optional: ['groupTag', 'assignedUser', 'error'],
  },
};

/** The columns whose presence makes a header Partner Center's. */
const PARTNER_CENTER_MARKERS: readonly DeviceCsvColumn[] = ['oemManufacturerName', 'modelName'];

/** Partner Center's template header, as its template spells it. */
export const PARTNER_CENTER_HEADER: readonly string[] = DEVICE_CSV_STYLES['partner-center'].required.map(
  (column) => columnName(column, 'partner-center'),
);

/** Intune's full header, as `Get-WindowsAutopilotInfo` spells it. */
export const INTUNE_HEADER: readonly string[] = (
  ['serialNumber', 'productKey', 'hardwareHash', 'groupTag', 'assignedUser'] as const
).map((column) => columnName(column, 'intune'));

const STYLE_LABEL: Readonly<Record<DeviceCsvHeaderStyle, string>> = {
  'partner-center': "Partner Center's",
  intune: "Intune's",
};

const BY_NORMALIZED_NAME = new Map<string, ColumnDefinition>();
for (const definition of COLUMN_DEFINITIONS) {
  for (const name of [definition.partnerCenter, definition.intune]) {
    if (name !== undefined) BY_NORMALIZED_NAME.set(normalizeHeaderName(name), definition);
  }
}

export function normalizeHeaderName(name: string): string {
  return name.trim().toLowerCase();
}

/** The name of a column as the given style writes it. */
export function columnName(column: DeviceCsvColumn, style: DeviceCsvHeaderStyle): string {
  const definition = COLUMN_DEFINITIONS.find((candidate) => candidate.column === column);
  const name = style === 'partner-center' ? definition?.partnerCenter : definition?.intune;
  if (name === undefined) throw new Error(`${column} is not a ${style} column`);
  return name;
}

export type HeaderResolution =
  | { readonly ok: true; readonly style: DeviceCsvHeaderStyle; readonly columns: readonly DeviceCsvColumn[] }
  | {
      readonly ok: false;
      readonly code: 'CsvUnknownHeader' | 'CsvMissingHeader' | 'CsvDuplicateHeader';
      readonly message: string;
    };

const EXPECTED_HEADERS =
  `Expected Partner Center's header "${PARTNER_CENTER_HEADER.join(',')}" ` +
  `or Intune's header "${INTUNE_HEADER.join(',')}" (Intune's Group Tag and Assigned User are optional; ` +
  'an Error column is ignored).';

/** Truncates what the partner wrote before quoting it back, so a stray hash does not fill the message. */
export function quoteCell(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return `"${shown}"`;
}

/** Recognizes a header row: its style and, for each position, the column it holds. */
export function resolveHeader(cells: readonly string[]): HeaderResolution {
  const definitions: ColumnDefinition[] = [];
  const seen = new Map<DeviceCsvColumn, number>();
  for (const [index, cell] of cells.entries()) {
    const name = cell.trim();
    const definition = BY_NORMALIZED_NAME.get(normalizeHeaderName(name));
    if (definition === undefined) {
      return { ok: false, code: 'CsvUnknownHeader', message: unknownHeaderMessage(name, index) };
    }
    const earlier = seen.get(definition.column);
    if (earlier !== undefined) {
      return {
        ok: false,
        code: 'CsvDuplicateHeader',
        message:
          `The header has the column ${quoteCell(name)} twice (columns ${earlier + 1} and ${index + 1}). ` +
          'Keep one of them and upload the file again.',
      };
    }
    seen.set(definition.column, index);
    definitions.push(definition);
  }

  const style: DeviceCsvHeaderStyle = PARTNER_CENTER_MARKERS.some((column) => seen.has(column))
    ? 'partner-center'
    : 'intune';
  const allowed = new Set([...DEVICE_CSV_STYLES[style].required, ...DEVICE_CSV_STYLES[style].optional]);
  for (const [index, definition] of definitions.entries()) {
    if (!allowed.has(definition.column)) {
      const marker = PARTNER_CENTER_MARKERS.find((column) => seen.has(column)) ?? 'oemManufacturerName';
      return {
        ok: false,
        code: 'CsvUnknownHeader',
        message:
          `The header column ${quoteCell(cells[index]?.trim() ?? '')} is Intune's, but this header is ` +
          `Partner Center's (it has "${columnName(marker, 'partner-center')}"); the two cannot be mixed. ` +
          EXPECTED_HEADERS,
      };
    }
  }

  const missing = DEVICE_CSV_STYLES[style].required.filter((column) => !seen.has(column));
  if (missing.length > 0) {
    const names = missing.map((column) => `"${columnName(column, style)}"`).join(', ');
    return {
      ok: false,
      code: 'CsvMissingHeader',
      message:
        `The header lacks the column${missing.length > 1 ? 's' : ''} ${names}, which ${STYLE_LABEL[style]} ` +
        `header requires; add ${missing.length > 1 ? 'them' : 'it'} (cells may be empty) and upload the ` +
        `file again. ${EXPECTED_HEADERS}`,
    };
  }

  return { ok: true, style, columns: definitions.map((definition) => definition.column) };
}

function unknownHeaderMessage(name: string, index: number): string {
  if (name === '') {
    return `Column ${index + 1} of the header has no name; remove that column or name it. ${EXPECTED_HEADERS}`;
  }
  const separatorHint = /[;\t|]/.test(name)
    ? ' The file seems to separate values with something other than commas; save it as comma-separated CSV.'
    : '';
  return `The header column ${quoteCell(name)} is not a known column.${separatorHint} ${EXPECTED_HEADERS}`;
}
