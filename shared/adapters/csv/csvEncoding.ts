import { isUtf8 } from 'node:buffer';

/**
 * Turns an uploaded file's bytes into UTF-8 without a byte order mark, which is what the CSV parser
 * reads. Accepted: UTF-8 with or without a BOM (Excel's "CSV UTF-8" writes one), and UTF-16 little-endian
 * with its BOM (FF FE), which Windows PowerShell 5.1 writes (`Out-File`, `Export-Csv -Encoding Unicode`,
 * `Get-WindowsAutopilotInfo -OutputFile`). Everything else is refused with a sentence saying how to save
 * the file instead: UTF-16 big-endian, UTF-32, UTF-16 without a BOM, legacy code pages (such as Windows-1252
 * from Excel's plain "CSV"), and workbooks saved as .xlsx.
 */
export type CsvEncoding = 'utf-8' | 'utf-16le';

export type DecodedCsvBytes =
  | { readonly ok: true; readonly encoding: CsvEncoding; readonly utf8: Buffer }
  | { readonly ok: false; readonly message: string; readonly line?: number };

const HOW_TO_SAVE =
  'Save the file as "CSV UTF-8" (or as UTF-16 LE with a byte order mark) and upload it again.';

export function decodeCsvBytes(bytes: Uint8Array): DecodedCsvBytes {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const startsWith = (...prefix: number[]) => prefix.every((byte, index) => buffer[index] === byte);

  if (startsWith(0xff, 0xfe, 0x00, 0x00) || startsWith(0x00, 0x00, 0xfe, 0xff)) {
    return { ok: false, message: `The file is encoded as UTF-32, which is not accepted. ${HOW_TO_SAVE}` };
  }
  if (startsWith(0xfe, 0xff)) {
    return {
      ok: false,
      message: `The file is encoded as UTF-16 big-endian, which is not accepted. ${HOW_TO_SAVE}`,
    };
  }
  if (startsWith(0x50, 0x4b, 0x03, 0x04)) {
    return {
      ok: false,
      message: `The file is a workbook or ZIP archive (such as .xlsx), not a CSV file. ${HOW_TO_SAVE}`,
    };
  }
  if (startsWith(0xff, 0xfe)) return fromUtf16le(buffer.subarray(2));

  const utf8 = startsWith(0xef, 0xbb, 0xbf) ? buffer.subarray(3) : buffer;
  if (!isUtf8(utf8)) {
    return {
      ok: false,
      message: `The file is not valid UTF-8 (it may be in a legacy code page such as Windows-1252). ${HOW_TO_SAVE}`,
      line: lineOfFirstReplacement(utf8.toString('utf8')),
    };
  }
  const nul = utf8.indexOf(0);
  if (nul >= 0) {
    return {
      ok: false,
      message:
        'The file contains NUL bytes: it looks like UTF-16 without a byte order mark, or not a text file. ' +
        HOW_TO_SAVE,
      line: lineOfFirstReplacement(utf8.subarray(0, nul).toString('utf8') + '\uFFFD'),
    };
  }
  return { ok: true, encoding: 'utf-8', utf8 };
}

function fromUtf16le(content: Buffer): DecodedCsvBytes {
  let text: string;
  try {
    text = new TextDecoder('utf-16le', { fatal: true }).decode(content);
  } catch {
    return {
      ok: false,
      message:
        'The file starts as UTF-16 LE but is not valid UTF-16 LE (an odd number of bytes or a broken character). ' +
        HOW_TO_SAVE,
      line: lineOfFirstReplacement(new TextDecoder('utf-16le').decode(content)),
    };
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    return {
      ok: false,
      message: `The file contains NUL characters; it is not a UTF-16 LE text file. ${HOW_TO_SAVE}`,
      line: lineOfFirstReplacement(text.slice(0, nul) + '\uFFFD'),
    };
  }
  return { ok: true, encoding: 'utf-16le', utf8: Buffer.from(text, 'utf8') };
}

/** The 1-based line of the first U+FFFD that a lenient decoder put in place of undecodable bytes. */
function lineOfFirstReplacement(text: string): number | undefined {
  const index = text.indexOf('\uFFFD');
  if (index < 0) return undefined;
  return countLineBreaks(text.slice(0, index)) + 1;
}

/** Counts CRLF, LF and lone CR as one line break each, as editors do. */
function countLineBreaks(text: string): number {
  return text.match(/\r\n|\n|\r/g)?.length ?? 0;
}
