/** Builds upload bytes the way the tools partners use write them. */
export const PARTNER_CENTER_HEADER =
  'Device serial number,Windows product ID,Hardware hash,Manufacturer name,Device model';
export const INTUNE_HEADER = 'Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User';

/** A hash-like value with base64's `+`, `/` and `=`; the reader does not decode hashes. */
export const HASH = 'T0EAAQIDBAUGBwgJCgsMDQ4P+/ab==';

export function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

export function utf8WithBom(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/** What Windows PowerShell 5.1 writes with `-Encoding Unicode` (and Get-WindowsAutopilotInfo -OutputFile). */
export function utf16leWithBom(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

export function crlf(...lines: string[]): string {
  return lines.map((line) => `${line}\r\n`).join('');
}

export function lf(...lines: string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}
