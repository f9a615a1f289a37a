import { buildHardwareHash } from '../../support/hardwareHashes';

/** Builds upload bytes the way the tools partners use write them. */
export const PARTNER_CENTER_HEADER =
  'Device serial number,Windows product ID,Hardware hash,Manufacturer name,Device model';
export const INTUNE_HEADER = 'Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User';

/** A real-layout hardware hash (4,000 base64 characters, as Get-WindowsAutopilotInfo writes it). */
export const HASH = buildHardwareHash({
  serialNumber: 'PF-12345',
  manufacturer: 'LENOVO',
  model: '20XW004GUS',
  productKey: '3345678901234',
});

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
