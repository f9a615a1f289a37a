import { CsvError, parse } from 'csv-parse/sync';
import { MAX_DEVICES_PER_BATCH, type DeviceInput } from '../../domain/devices';
import { decodeCsvBytes, type CsvEncoding } from './csvEncoding';
import { resolveHeader, type DeviceCsvColumn, type DeviceCsvHeaderStyle } from './deviceCsvColumns';

/**
 * Reads an uploaded device CSV (Partner Center's or Intune's header; see deviceCsvColumns.ts for the
 * columns and csvEncoding.ts for the encodings) into device entries, each with the line it starts on.
 *
 * Either the whole file is read or nothing is returned: every problem that makes the file unreadable
 * is a refusal with a stable `code`, a sentence for the partner, and the 1-based line (the header is
 * line 1 when nothing precedes it, as an editor counts) where one applies. Whether each device is valid
 * is not decided here: cells are passed on as written (trimmed; empty cells become absent fields) for
 * the domain's per-device validation.
 *
 * Blank lines, and rows whose cells are all empty (Excel writes `,,,,` for formatted but empty rows),
 * are skipped wherever they are. Line breaks may be CRLF, LF or CR, even mixed.
 */
export const DEFAULT_MAX_CSV_ROWS = MAX_DEVICES_PER_BATCH;
export const DEFAULT_MAX_CSV_BYTES = 64 * 1024 * 1024;

export const CSV_READ_ERROR_CODES = [
  'CsvEncoding',
  'CsvTooLarge',
  'CsvEmpty',
  'CsvUnknownHeader',
  'CsvMissingHeader',
  'CsvDuplicateHeader',
  'CsvFieldCount',
  'CsvMalformed',
  'CsvTooManyRows',
] as const;

export type CsvReadErrorCode = (typeof CSV_READ_ERROR_CODES)[number];

export interface CsvReadError {
  readonly code: CsvReadErrorCode;
  readonly message: string;
  readonly line?: number;
}

export interface DeviceCsvRow {
  /** The 1-based line the row starts on (a quoted value may carry it over several lines). */
  readonly line: number;
  readonly device: DeviceInput;
  /** Intune's `Assigned User`, when present and not empty. Not part of the device; see deviceCsvColumns.ts. */
  readonly assignedUser?: string;
}

export type DeviceCsvReadResult =
  | {
      readonly ok: true;
      readonly devices: readonly DeviceCsvRow[];
      readonly headerStyle: DeviceCsvHeaderStyle;
      readonly encoding: CsvEncoding;
    }
  | { readonly ok: false; readonly error: CsvReadError };

export interface DeviceCsvReadOptions {
  /** Most data rows accepted; default 100,000 (a batch's limit). */
  readonly maxRows?: number;
  /** Most bytes accepted, as uploaded; default 64 MiB. */
  readonly maxBytes?: number;
}

class Refusal extends Error {
  constructor(readonly error: CsvReadError) {
    super(error.message);
  }
}

export function readDeviceCsv(bytes: Uint8Array, options: DeviceCsvReadOptions = {}): DeviceCsvReadResult {
  const maxRows = positiveInteger(options.maxRows ?? DEFAULT_MAX_CSV_ROWS, 'maxRows');
  const maxBytes = positiveInteger(options.maxBytes ?? DEFAULT_MAX_CSV_BYTES, 'maxBytes');
  const refuse = (code: CsvReadErrorCode, message: string, line?: number): DeviceCsvReadResult => ({
    ok: false,
    error: line === undefined ? { code, message } : { code, message, line },
  });

  if (bytes.byteLength > maxBytes) {
    return refuse(
      'CsvTooLarge',
      `The file is ${formatBytes(bytes.byteLength)}; at most ${formatBytes(maxBytes)} are accepted. ` +
        'Split it into smaller files and upload each.',
    );
  }
  const decoded = decodeCsvBytes(bytes);
  if (!decoded.ok) return refuse('CsvEncoding', decoded.message, decoded.line);

  const lines = new LineCursor(decoded.utf8);
  const devices: DeviceCsvRow[] = [];
  let header: { style: DeviceCsvHeaderStyle; columns: readonly DeviceCsvColumn[]; line: number } | undefined;
  let recordStart = 0;

  const onRecord = (cells: string[], context: { bytes: number }): null => {
    const line = lines.lineAt(recordStart);
    recordStart = context.bytes;
    if (cells.every((cell) => cell.trim() === '')) return null;

    if (header === undefined) {
      const resolved = resolveHeader(cells);
      if (!resolved.ok) throw new Refusal({ code: resolved.code, message: resolved.message, line });
      header = { style: resolved.style, columns: resolved.columns, line };
      return null;
    }
    if (cells.length !== header.columns.length) {
      throw new Refusal({
        code: 'CsvFieldCount',
        message:
          `Line ${line} has ${cells.length} field${cells.length === 1 ? '' : 's'}, but the header has ` +
          `${header.columns.length}. Enclose values that contain commas in double quotes, and give every ` +
          'row one value (or an empty one) per header column.',
        line,
      });
    }
    if (devices.length >= maxRows) {
      throw new Refusal({
        code: 'CsvTooManyRows',
        message:
          `The file has more than ${maxRows.toLocaleString('en-US')} devices; at most ` +
          `${maxRows.toLocaleString('en-US')} are accepted in one file. Split it into smaller files and upload each.`,
        line,
      });
    }
    devices.push(toRow(header.columns, cells, line));
    return null;
  };

  try {
    parse(decoded.utf8, {
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      trim: true,
      on_record: onRecord,
    });
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, error: error.error };
    if (error instanceof CsvError) {
      const line = lines.lineAt(recordStart);
      return refuse('CsvMalformed', malformedMessage(error, line), line);
    }
    throw error;
  }

  if (header === undefined) {
    return refuse(
      'CsvEmpty',
      'The file is empty. Upload a CSV file with a header row and one row per device.',
    );
  }
  if (devices.length === 0) {
    return refuse(
      'CsvEmpty',
      'The file has a header but no devices. Add one row per device under the header and upload it again.',
      header.line,
    );
  }
  return { ok: true, devices, headerStyle: header.style, encoding: decoded.encoding };
}

function toRow(columns: readonly DeviceCsvColumn[], cells: readonly string[], line: number): DeviceCsvRow {
  const device: DeviceInput = {};
  let assignedUser: string | undefined;
  for (const [index, column] of columns.entries()) {
    const value = withoutFormulaEscape(cells[index]?.trim() ?? '');
    if (value === '' || column === 'error') continue;
    if (column === 'assignedUser') assignedUser = value;
    else device[column] = value;
  }
  return assignedUser === undefined ? { line, device } : { line, device, assignedUser };
}

/** Undoes writeDeviceCsv's protection against spreadsheet formulas (`'=…` back to `=…`). */
function withoutFormulaEscape(value: string): string {
  return /^'[=+\-@]/.test(value) ? value.slice(1) : value;
}

function malformedMessage(error: CsvError, line: number): string {
  const fix =
    'Enclose values that contain quotes or commas in double quotes, and double each quote inside them.';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `The row starting on line ${line} opens a quoted value that is never closed. ${fix}`;
    case 'INVALID_OPENING_QUOTE':
      return `The row starting on line ${line} has a quote inside a value that is not quoted. ${fix}`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `The row starting on line ${line} has text after the closing quote of a value. ${fix}`;
    default:
      return `The row starting on line ${line} is not valid CSV (${error.message}). ${fix}`;
  }
}

/**
 * Finds the line of a byte offset in the parser's input, counting CRLF, LF and lone CR as one line break
 * each (as editors do; the parser's own count takes a CRLF inside a quoted value for two). Offsets asked
 * for never decrease, so the whole file is scanned once.
 */
class LineCursor {
  private offset = 0;
  private line = 1;

  constructor(private readonly bytes: Buffer) {}

  lineAt(target: number): number {
    const { bytes } = this;
    for (let index = this.offset; index < target; index++) {
      const byte = bytes[index];
      if (byte === 0x0a || (byte === 0x0d && bytes[index + 1] !== 0x0a)) this.line++;
    }
    this.offset = Math.max(this.offset, target);
    return this.line;
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

function formatBytes(bytes: number): string {
  const mebibyte = 1024 * 1024;
  const exact = `${bytes.toLocaleString('en-US')} bytes`;
  if (bytes >= mebibyte && bytes % mebibyte === 0) return `${bytes / mebibyte} MiB (${exact})`;
  if (bytes >= mebibyte) return `${(bytes / mebibyte).toFixed(1)} MiB (${exact})`;
  return exact;
}
