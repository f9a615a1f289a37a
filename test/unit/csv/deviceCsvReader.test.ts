import { readDeviceCsv, type DeviceCsvReadResult } from '../../../shared/adapters/csv/deviceCsvReader';
import {
  HASH,
  INTUNE_HEADER,
  PARTNER_CENTER_HEADER,
  crlf,
  lf,
  utf16leWithBom,
  utf8,
  utf8WithBom,
} from './csvFiles';

function devicesOf(result: DeviceCsvReadResult) {
  if (!result.ok)
    throw new Error(`expected the file to be read, got ${result.error.code}: ${result.error.message}`);
  return result.devices;
}

function errorOf(result: DeviceCsvReadResult) {
  if (result.ok) throw new Error(`expected a refusal, got ${result.devices.length} devices`);
  return result.error;
}

const PARTNER_CENTER_ROWS = [
  `SN-001,3345678901234,${HASH},Contoso,Laptop 7`,
  'SN-002,3345678901235,,Fabrikam,Desk 2',
];

const PARTNER_CENTER_DEVICES = [
  {
    line: 2,
    device: {
      serialNumber: 'SN-001',
      productKey: '3345678901234',
      hardwareHash: HASH,
      oemManufacturerName: 'Contoso',
      modelName: 'Laptop 7',
    },
  },
  {
    line: 3,
    device: {
      serialNumber: 'SN-002',
      productKey: '3345678901235',
      oemManufacturerName: 'Fabrikam',
      modelName: 'Desk 2',
    },
  },
];

describe('readDeviceCsv: encodings and line breaks', () => {
  it('when a Partner Center file is UTF-8 without a BOM with CRLF, then every device is read with its line', () => {
    const result = readDeviceCsv(utf8(crlf(PARTNER_CENTER_HEADER, ...PARTNER_CENTER_ROWS)));

    expect(result).toEqual({
      ok: true,
      devices: PARTNER_CENTER_DEVICES,
      headerStyle: 'partner-center',
      encoding: 'utf-8',
    });
  });

  it('when the file is UTF-8 with a BOM, then the BOM is not part of the first column name', () => {
    const result = readDeviceCsv(utf8WithBom(crlf(PARTNER_CENTER_HEADER, ...PARTNER_CENTER_ROWS)));

    expect(result).toEqual({
      ok: true,
      devices: PARTNER_CENTER_DEVICES,
      headerStyle: 'partner-center',
      encoding: 'utf-8',
    });
  });

  it('when the file has LF line breaks, then it reads the same as with CRLF', () => {
    const result = readDeviceCsv(utf8(lf(PARTNER_CENTER_HEADER, ...PARTNER_CENTER_ROWS)));

    expect(devicesOf(result)).toEqual(PARTNER_CENTER_DEVICES);
  });

  it('when line breaks are mixed CRLF, LF and CR, then each counts as one line', () => {
    const text = `${PARTNER_CENTER_HEADER}\r\nA,,,M,N\nB,,,M,N\rC,,,M,N`;

    const devices = devicesOf(readDeviceCsv(utf8(text)));

    expect(devices.map((row) => [row.line, row.device.serialNumber])).toEqual([
      [2, 'A'],
      [3, 'B'],
      [4, 'C'],
    ]);
  });

  it('when the last line has no line break, then its row is still read', () => {
    const text = `${PARTNER_CENTER_HEADER}\r\nSN-LAST,,,Contoso,Laptop`;

    expect(devicesOf(readDeviceCsv(utf8(text)))).toEqual([
      { line: 2, device: { serialNumber: 'SN-LAST', oemManufacturerName: 'Contoso', modelName: 'Laptop' } },
    ]);
  });

  it('when an Intune file is UTF-16 LE with a BOM as Windows PowerShell writes it, then it is decoded and read', () => {
    const text = crlf(
      INTUNE_HEADER,
      `"PF-12345","3345678901234","${HASH}","Ventes Île-de-France ✓","ana@contoso.com"`,
      `"PF-67890","","${HASH}","",""`,
    );

    const result = readDeviceCsv(utf16leWithBom(text));

    expect(result).toEqual({
      ok: true,
      devices: [
        {
          line: 2,
          device: {
            serialNumber: 'PF-12345',
            productKey: '3345678901234',
            hardwareHash: HASH,
            groupTag: 'Ventes Île-de-France ✓',
          },
          assignedUser: 'ana@contoso.com',
        },
        { line: 3, device: { serialNumber: 'PF-67890', hardwareHash: HASH } },
      ],
      headerStyle: 'intune',
      encoding: 'utf-16le',
    });
  });

  it('when a UTF-16 LE file quotes its header too, as Export-Csv writes it, and ends in blank lines, then it is read', () => {
    const quotedHeader = INTUNE_HEADER.split(',')
      .map((name) => `"${name}"`)
      .join(',');
    const text = crlf(quotedHeader, `"PF-1","","${HASH}","",""`) + '\r\n\r\n';

    const result = readDeviceCsv(utf16leWithBom(text));

    expect(result).toEqual({
      ok: true,
      devices: [{ line: 2, device: { serialNumber: 'PF-1', hardwareHash: HASH } }],
      headerStyle: 'intune',
      encoding: 'utf-16le',
    });
  });

  it('when a UTF-8 file holds characters beyond ASCII, then they are read unchanged', () => {
    const text = crlf(PARTNER_CENTER_HEADER, 'SN-Ü,,,Société Générale ✓,Modèle 日本');

    expect(devicesOf(readDeviceCsv(utf8(text)))[0]?.device).toEqual({
      serialNumber: 'SN-Ü',
      oemManufacturerName: 'Société Générale ✓',
      modelName: 'Modèle 日本',
    });
  });
});

describe('readDeviceCsv: fields', () => {
  it('when quoted values hold commas, doubled quotes and a line break, then they are unquoted and later lines keep their numbers', () => {
    const text = crlf(
      PARTNER_CENTER_HEADER,
      '"SN,1","","","Contoso ""Pro"" Inc.","Model\r\nTwo"',
      'SN-2,,,Contoso,Laptop',
    );

    expect(devicesOf(readDeviceCsv(utf8(text)))).toEqual([
      {
        line: 2,
        device: {
          serialNumber: 'SN,1',
          oemManufacturerName: 'Contoso "Pro" Inc.',
          modelName: 'Model\r\nTwo',
        },
      },
      { line: 4, device: { serialNumber: 'SN-2', oemManufacturerName: 'Contoso', modelName: 'Laptop' } },
    ]);
  });

  it('when quoted and unquoted fields are mixed on one row, then both are read', () => {
    const text = lf(PARTNER_CENTER_HEADER, '"SN-1",3345678901234,"",Contoso,"Laptop"');

    expect(devicesOf(readDeviceCsv(utf8(text)))[0]?.device).toEqual({
      serialNumber: 'SN-1',
      productKey: '3345678901234',
      oemManufacturerName: 'Contoso',
      modelName: 'Laptop',
    });
  });

  it('when cells are empty, then their fields are absent rather than empty strings', () => {
    const text = crlf(PARTNER_CENTER_HEADER, ',3345678901234,,,');

    const device = devicesOf(readDeviceCsv(utf8(text)))[0]?.device;

    expect(device).toEqual({ productKey: '3345678901234' });
    expect(Object.keys(device ?? {})).toEqual(['productKey']);
  });

  it('when values have spaces around them, quoted or not, then the spaces are trimmed', () => {
    const text = crlf(PARTNER_CENTER_HEADER, '  SN-1 , 3345678901234 ," " ,"  Contoso  ",Laptop  ');

    expect(devicesOf(readDeviceCsv(utf8(text)))[0]?.device).toEqual({
      serialNumber: 'SN-1',
      productKey: '3345678901234',
      oemManufacturerName: 'Contoso',
      modelName: 'Laptop',
    });
  });

  it('when blank lines trail the rows, then they are ignored', () => {
    const text = `${crlf(PARTNER_CENTER_HEADER, ...PARTNER_CENTER_ROWS)}\r\n\r\n   \r\n`;

    expect(devicesOf(readDeviceCsv(utf8(text)))).toEqual(PARTNER_CENTER_DEVICES);
  });

  it('when blank lines and all-empty rows sit between rows, then they are skipped and line numbers stay true', () => {
    const text = crlf(PARTNER_CENTER_HEADER, '', 'A,,,M,N', ',,,,', ' , ,', 'B,,,M,N');

    const devices = devicesOf(readDeviceCsv(utf8(text)));

    expect(devices.map((row) => [row.line, row.device.serialNumber])).toEqual([
      [3, 'A'],
      [6, 'B'],
    ]);
  });

  it('when blank lines precede the header, then the header is found and lines count from the top of the file', () => {
    const text = crlf('', '', PARTNER_CENTER_HEADER, 'A,,,M,N');

    const devices = devicesOf(readDeviceCsv(utf8(text)));

    expect(devices).toEqual([
      { line: 4, device: { serialNumber: 'A', oemManufacturerName: 'M', modelName: 'N' } },
    ]);
  });

  it('when a value starts with an apostrophe guarding a formula character, then the apostrophe is removed', () => {
    const text = crlf(PARTNER_CENTER_HEADER, "'-SN1,,,'=Contoso,'Laptop");

    expect(devicesOf(readDeviceCsv(utf8(text)))[0]?.device).toEqual({
      serialNumber: '-SN1',
      oemManufacturerName: '=Contoso',
      modelName: "'Laptop",
    });
  });
});

describe('readDeviceCsv: headers', () => {
  it('when header names are in mixed case with spaces around them, then they are recognized', () => {
    const text = crlf(
      ' DEVICE SERIAL NUMBER ,windows product id,HaRdWaRe HaSh,  manufacturer NAME,"Device Model "',
      'SN-1,,,Contoso,Laptop',
    );

    const result = readDeviceCsv(utf8(text));

    expect(result).toMatchObject({ ok: true, headerStyle: 'partner-center' });
    expect(devicesOf(result)[0]?.device).toEqual({
      serialNumber: 'SN-1',
      oemManufacturerName: 'Contoso',
      modelName: 'Laptop',
    });
  });

  it('when Partner Center columns come in another order, then each cell goes to its own field', () => {
    const text = crlf(
      'Device model,Hardware hash,Manufacturer name,Windows product ID,Device serial number',
      `Laptop,${HASH},Contoso,3345678901234,SN-1`,
    );

    expect(devicesOf(readDeviceCsv(utf8(text)))[0]?.device).toEqual({
      serialNumber: 'SN-1',
      productKey: '3345678901234',
      hardwareHash: HASH,
      oemManufacturerName: 'Contoso',
      modelName: 'Laptop',
    });
  });

  it('when Intune columns come in another order, then each cell goes to its own field', () => {
    const text = crlf(
      'Assigned User,Group Tag,Hardware Hash,Device Serial Number,Windows Product ID',
      `user@contoso.com,Sales,${HASH},SN-1,3345678901234`,
    );

    const result = readDeviceCsv(utf8(text));

    expect(result).toMatchObject({ ok: true, headerStyle: 'intune' });
    expect(devicesOf(result)).toEqual([
      {
        line: 2,
        device: { serialNumber: 'SN-1', productKey: '3345678901234', hardwareHash: HASH, groupTag: 'Sales' },
        assignedUser: 'user@contoso.com',
      },
    ]);
  });

  it('when the Intune header has only its three required columns (Get-WindowsAutopilotInfo without -GroupTag), then it is read as Intune', () => {
    const text = crlf('Device Serial Number,Windows Product ID,Hardware Hash', `SN-1,,${HASH}`);

    const result = readDeviceCsv(utf16leWithBom(text));

    expect(result).toMatchObject({ ok: true, headerStyle: 'intune' });
    expect(devicesOf(result)).toEqual([{ line: 2, device: { serialNumber: 'SN-1', hardwareHash: HASH } }]);
  });

  it('when an Intune row has an Assigned User, then it is returned beside the device and not in it', () => {
    const text = crlf(INTUNE_HEADER, `SN-1,,${HASH},,user@contoso.com`);

    const [row] = devicesOf(readDeviceCsv(utf8(text)));

    expect(row?.assignedUser).toBe('user@contoso.com');
    expect(row?.device).not.toHaveProperty('assignedUser');
    expect(Object.values(row?.device ?? {})).not.toContain('user@contoso.com');
  });

  it('when a Partner Center header adds a Group Tag column, then the group tag is read', () => {
    const text = crlf(`${PARTNER_CENTER_HEADER},Group Tag`, 'SN-1,,,Contoso,Laptop,Kiosk');

    const result = readDeviceCsv(utf8(text));

    expect(result).toMatchObject({ ok: true, headerStyle: 'partner-center' });
    expect(devicesOf(result)[0]?.device.groupTag).toBe('Kiosk');
  });

  it.each([
    ['Partner Center', `${PARTNER_CENTER_HEADER},Error`, 'SN-1,,,Contoso,Laptop,Missing identifier'],
    ['Intune', `${INTUNE_HEADER},ERROR`, `SN-1,,${HASH},,,Hash is invalid`],
  ])('when a %s header has an Error column, then that column is ignored', (_style, header, row) => {
    const devices = devicesOf(readDeviceCsv(utf8(crlf(header, row))));

    expect(devices).toHaveLength(1);
    expect(JSON.stringify(devices)).not.toMatch(/Missing identifier|Hash is invalid/);
    expect(devices[0]?.device.serialNumber).toBe('SN-1');
  });
});

describe('readDeviceCsv: refusals', () => {
  it('when a header column is unknown, then CsvUnknownHeader names it and lists both expected headers', () => {
    const text = crlf(
      'Device serial number,Windows product ID,Hash,Manufacturer name,Device model',
      'A,,,M,N',
    );

    const error = errorOf(readDeviceCsv(utf8(text)));

    expect(error.code).toBe('CsvUnknownHeader');
    expect(error.line).toBe(1);
    expect(error.message).toContain('"Hash"');
    expect(error.message).toContain(PARTNER_CENTER_HEADER);
    expect(error.message).toContain(INTUNE_HEADER);
  });

  it('when the file is separated by semicolons, then CsvUnknownHeader says to use commas', () => {
    const text = crlf(PARTNER_CENTER_HEADER.replaceAll(',', ';'), 'A;;;M;N');

    const error = errorOf(readDeviceCsv(utf8(text)));

    expect(error.code).toBe('CsvUnknownHeader');
    expect(error.message).toContain('comma-separated');
  });

  it('when a header column has no name, then CsvUnknownHeader gives its position', () => {
    const error = errorOf(readDeviceCsv(utf8(crlf(`${PARTNER_CENTER_HEADER},`, 'A,,,M,N,'))));

    expect(error.code).toBe('CsvUnknownHeader');
    expect(error.message).toMatch(/^Column 6 of the header has no name/);
  });

  it("when a Partner Center header also has Intune's Assigned User, then CsvUnknownHeader names it", () => {
    const error = errorOf(readDeviceCsv(utf8(crlf(`${PARTNER_CENTER_HEADER},Assigned User`, 'A,,,M,N,u'))));

    expect(error.code).toBe('CsvUnknownHeader');
    expect(error.message).toContain('"Assigned User"');
  });

  it('when a long unknown header is quoted back, then it is shortened', () => {
    const error = errorOf(
      readDeviceCsv(utf8(crlf(`${'X'.repeat(500)},${PARTNER_CENTER_HEADER}`, 'x,A,,,M,N'))),
    );

    expect(error.code).toBe('CsvUnknownHeader');
    expect(error.message).toContain(`"${'X'.repeat(57)}..."`);
    expect(error.message).not.toContain('X'.repeat(58));
  });

  it.each([
    ['Device model', 'Device serial number,Windows product ID,Hardware hash,Manufacturer name'],
    ['Manufacturer name', 'Device serial number,Windows product ID,Hardware hash,Device model'],
    ['Hardware Hash', 'Device Serial Number,Windows Product ID,Group Tag'],
    ['Device Serial Number', 'Windows Product ID,Hardware Hash,Group Tag,Assigned User'],
  ])('when the required column %s is missing, then CsvMissingHeader names it', (missing, header) => {
    const cells = header.split(',').map(() => 'x');

    const error = errorOf(readDeviceCsv(utf8(crlf(header, cells.join(',')))));

    expect(error).toMatchObject({ code: 'CsvMissingHeader', line: 1 });
    expect(error.message).toContain(`lacks the column "${missing}"`);
  });

  it('when a column appears twice in the header, then CsvDuplicateHeader names it', () => {
    const error = errorOf(readDeviceCsv(utf8(crlf(`${PARTNER_CENTER_HEADER},device MODEL`, 'A,,,M,N,N'))));

    expect(error.code).toBe('CsvDuplicateHeader');
    expect(error.message).toContain('"device MODEL" twice (columns 5 and 6)');
  });

  it.each([
    ['no bytes at all', Buffer.alloc(0)],
    ['only a UTF-8 BOM', utf8WithBom('')],
    ['only a UTF-16 LE BOM', utf16leWithBom('')],
    ['only blank lines', utf8('\r\n\r\n  \r\n')],
  ])('when the file has %s, then it is refused as CsvEmpty', (_case, bytes) => {
    const result = readDeviceCsv(bytes);

    expect(result).toEqual({
      ok: false,
      error: { code: 'CsvEmpty', message: expect.stringContaining('empty') },
    });
  });

  it('when the file has a header and no rows, then it is refused as CsvEmpty', () => {
    const result = readDeviceCsv(utf8(crlf(PARTNER_CENTER_HEADER, '', ',,,,')));

    expect(result).toEqual({
      ok: false,
      error: { code: 'CsvEmpty', message: expect.stringContaining('no devices'), line: 1 },
    });
  });

  it('when a row has fewer fields than the header, then CsvFieldCount names its line and nothing is returned', () => {
    const text = crlf(PARTNER_CENTER_HEADER, 'A,,,M,N', 'B,,,M', 'C,,,M,N');

    const result = readDeviceCsv(utf8(text));

    expect(result).toEqual({
      ok: false,
      error: {
        code: 'CsvFieldCount',
        line: 3,
        message: expect.stringMatching(/^Line 3 has 4 fields, but the header has 5/),
      },
    });
  });

  it('when a row has an unquoted comma (more fields than the header), then CsvFieldCount names its line', () => {
    const text = lf(PARTNER_CENTER_HEADER, 'A,,,M,N', 'B,,,M,N', '', 'C,,,Contoso, Inc.,N');

    const error = errorOf(readDeviceCsv(utf8(text)));

    expect(error).toMatchObject({ code: 'CsvFieldCount', line: 5 });
    expect(error.message).toContain('has 6 fields');
  });

  it('when a bad row follows a quoted value spanning lines, then CsvFieldCount counts lines as an editor does', () => {
    const text = crlf(
      PARTNER_CENTER_HEADER,
      'A,,,M,"two\r\nlines"',
      '"three\r\nmore\r\nlines",,,M,N',
      'B,,M',
    );

    expect(errorOf(readDeviceCsv(utf8(text)))).toMatchObject({ code: 'CsvFieldCount', line: 7 });
  });

  it('when a UTF-16 LE file has a short row, then CsvFieldCount names its line', () => {
    const text = crlf(INTUNE_HEADER, `A,,${HASH},,`, `B,,${HASH}`);

    expect(errorOf(readDeviceCsv(utf16leWithBom(text)))).toMatchObject({ code: 'CsvFieldCount', line: 3 });
  });

  it('when a quoted value is never closed, then CsvMalformed names the line the row starts on', () => {
    const text = crlf(PARTNER_CENTER_HEADER, 'A,,,M,N', 'B,,,"Contoso,N', 'C,,,M,N');

    const result = readDeviceCsv(utf8(text));

    expect(result).toEqual({
      ok: false,
      error: { code: 'CsvMalformed', line: 3, message: expect.stringContaining('never closed') },
    });
  });

  it('when a quote appears inside an unquoted value, then CsvMalformed names its line', () => {
    const text = crlf(PARTNER_CENTER_HEADER, 'A,,,M,N', 'B,,,M,N', 'C,,,Contoso "Pro",N');

    const error = errorOf(readDeviceCsv(utf8(text)));

    expect(error).toMatchObject({ code: 'CsvMalformed', line: 4 });
    expect(error.message).toContain('quote inside a value that is not quoted');
  });

  it('when text follows a closing quote, then CsvMalformed names its line', () => {
    const text = lf(PARTNER_CENTER_HEADER, 'A,,,"Contoso"Pro,N');

    const error = errorOf(readDeviceCsv(utf8(text)));

    expect(error).toMatchObject({ code: 'CsvMalformed', line: 2 });
    expect(error.message).toContain('after the closing quote');
  });

  it('when there are more rows than maxRows, then CsvTooManyRows says the limit and nothing is returned', () => {
    const text = crlf(PARTNER_CENTER_HEADER, 'A,,,M,N', 'B,,,M,N', 'C,,,M,N', 'D,,,M,N');

    const result = readDeviceCsv(utf8(text), { maxRows: 3 });

    expect(result).toEqual({
      ok: false,
      error: { code: 'CsvTooManyRows', line: 5, message: expect.stringContaining('at most 3 are accepted') },
    });
  });

  it('when there are exactly maxRows rows, then the file is read', () => {
    const text = crlf(PARTNER_CENTER_HEADER, 'A,,,M,N', 'B,,,M,N', 'C,,,M,N');

    expect(devicesOf(readDeviceCsv(utf8(text), { maxRows: 3 }))).toHaveLength(3);
  });

  it('when the file is larger than maxBytes, then CsvTooLarge says the limit', () => {
    const bytes = utf8(crlf(PARTNER_CENTER_HEADER, 'A,,,M,N'));

    const result = readDeviceCsv(bytes, { maxBytes: bytes.length - 1 });

    expect(result).toEqual({
      ok: false,
      error: {
        code: 'CsvTooLarge',
        message: expect.stringContaining(`at most ${bytes.length - 1} bytes are accepted`),
      },
    });
  });

  it('when the file is exactly maxBytes, then it is read', () => {
    const bytes = utf8(crlf(PARTNER_CENTER_HEADER, 'A,,,M,N'));

    expect(devicesOf(readDeviceCsv(bytes, { maxBytes: bytes.length }))).toHaveLength(1);
  });

  it('when the file is over the default 64 MiB, then CsvTooLarge says 64 MiB', () => {
    const bytes = Buffer.alloc(64 * 1024 * 1024 + 1, 0x41);

    const error = errorOf(readDeviceCsv(bytes));

    expect(error.code).toBe('CsvTooLarge');
    expect(error.message).toContain('at most 64 MiB (67,108,864 bytes) are accepted');
  });

  it.each([
    ['UTF-16 big-endian', Buffer.from([0xfe, 0xff, 0x00, 0x44, 0x00, 0x65]), 'UTF-16 big-endian'],
    ['UTF-32 little-endian', Buffer.from([0xff, 0xfe, 0, 0, 0x44, 0, 0, 0]), 'UTF-32'],
    ['UTF-16 LE without a BOM', Buffer.from(crlf(PARTNER_CENTER_HEADER), 'utf16le'), 'NUL bytes'],
    [
      'UTF-16 LE with an odd number of bytes',
      Buffer.concat([utf16leWithBom('Device'), Buffer.from([0x41])]),
      'not valid UTF-16 LE',
    ],
    ['an Excel workbook', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), 'workbook'],
  ])('when the file is %s, then it is refused as CsvEncoding', (_case, bytes, says) => {
    const error = errorOf(readDeviceCsv(bytes));

    expect(error.code).toBe('CsvEncoding');
    expect(error.message).toContain(says);
    expect(error.message).toContain('CSV UTF-8');
  });

  it('when a file is in Windows-1252 rather than UTF-8, then CsvEncoding names the line of the first bad byte', () => {
    const bytes = Buffer.from(crlf(PARTNER_CENTER_HEADER, 'A,,,M,N', 'B,,,Société,N'), 'latin1');

    const result = readDeviceCsv(bytes);

    expect(result).toEqual({
      ok: false,
      error: { code: 'CsvEncoding', line: 3, message: expect.stringContaining('not valid UTF-8') },
    });
  });

  it('when a UTF-16 LE file holds a lone surrogate, then CsvEncoding names its line', () => {
    const bytes = Buffer.concat([
      utf16leWithBom(crlf(PARTNER_CENTER_HEADER, 'A')),
      Buffer.from([0x00, 0xd8]),
    ]);

    expect(errorOf(readDeviceCsv(bytes))).toMatchObject({ code: 'CsvEncoding', line: 3 });
  });

  it.each([0, -1, 1.5, Number.NaN])('when a limit is %p, then the call is a programming error', (limit) => {
    const bytes = utf8(crlf(PARTNER_CENTER_HEADER, 'A,,,M,N'));

    expect(() => readDeviceCsv(bytes, { maxRows: limit })).toThrow(RangeError);
    expect(() => readDeviceCsv(bytes, { maxBytes: limit })).toThrow(RangeError);
  });
});
