import { readDeviceCsv } from '../../../shared/adapters/csv/deviceCsvReader';
import { writeDeviceCsv, type FailedDeviceCsvRow } from '../../../shared/adapters/csv/deviceCsvWriter';
import { PARTNER_CENTER_HEADER } from './csvFiles';
import { buildHardwareHash } from '../../support/hardwareHashes';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('writeDeviceCsv', () => {
  it('when rows are written, then the file is UTF-8 with a BOM, CRLF, and Partner Center columns plus Error', () => {
    const bytes = writeDeviceCsv([
      {
        device: { serialNumber: 'SN-1', oemManufacturerName: 'Contoso', modelName: 'Laptop' },
        error: 'MissingZtdSerialNumberAndProductKey',
      },
      { device: { productKey: '3345678901234' }, error: 'ZtdDeviceAlreadyAssigned' },
    ]);

    expect(bytes.subarray(0, 3)).toEqual(BOM);
    expect(bytes.subarray(3).toString('utf8')).toBe(
      `${PARTNER_CENTER_HEADER},Error\r\n` +
        'SN-1,,,Contoso,Laptop,MissingZtdSerialNumberAndProductKey\r\n' +
        ',3345678901234,,,,ZtdDeviceAlreadyAssigned\r\n',
    );
  });

  it('when values hold commas, quotes or line breaks, then they are quoted and inner quotes doubled', () => {
    const bytes = writeDeviceCsv([
      { device: { serialNumber: 'SN,1', modelName: 'The "Pro"' }, error: 'First line.\nSecond line.' },
    ]);

    expect(bytes.subarray(3).toString('utf8').split('\r\n')[1]).toBe(
      '"SN,1",,,,"The ""Pro""","First line.\nSecond line."',
    );
  });

  it('when a row has a group tag, then a Group Tag column is written before Error', () => {
    const text = writeDeviceCsv([
      { device: { serialNumber: 'A' }, error: 'e1' },
      { device: { serialNumber: 'B', groupTag: 'Kiosk' }, error: 'e2' },
    ])
      .subarray(3)
      .toString('utf8');

    expect(text).toBe(`${PARTNER_CENTER_HEADER},Group Tag,Error\r\nA,,,,,,e1\r\nB,,,,,Kiosk,e2\r\n`);
  });

  it('when a value starts with a formula character, then it is written behind an apostrophe', () => {
    const text = writeDeviceCsv([
      { device: { serialNumber: '=HYPERLINK("x")', modelName: '@SUM' }, error: 'e' },
    ])
      .subarray(3)
      .toString('utf8');

    expect(text.split('\r\n')[1]).toBe(`"'=HYPERLINK(""x"")",,,,'@SUM,e`);
  });

  it('when the failed rows are read back, then every device comes back unchanged and the Error column is ignored', () => {
    const hash = buildHardwareHash({ serialNumber: 'PF-1', manufacturer: 'Contoso', model: 'Laptop 7' });
    const rows: FailedDeviceCsvRow[] = [
      {
        device: {
          hardwareHash: hash,
          productKey: '3345678901234',
          serialNumber: 'PF-1',
          oemManufacturerName: 'Contoso, Ltd.',
          modelName: 'Laptop "7"',
          groupTag: 'Ventes Île-de-France',
        },
        error: 'The hardware hash is not well-formed.\r\nCapture it again.',
      },
      {
        device: { serialNumber: '-dash', oemManufacturerName: '+plus', modelName: '=eq' },
        error: 'Bad, "quoted"',
      },
      { device: { productKey: '3345678901235' }, error: 'ZtdDeviceAssignedToOtherTenant' },
    ];

    const result = readDeviceCsv(writeDeviceCsv(rows));

    expect(result).toEqual({
      ok: true,
      headerStyle: 'partner-center',
      encoding: 'utf-8',
      devices: [
        { line: 2, device: rows[0]?.device },
        { line: 4, device: rows[1]?.device },
        { line: 5, device: rows[2]?.device },
      ],
    });
  });

  it('when no rows are written, then the file is only the header, which the reader refuses as empty', () => {
    const bytes = writeDeviceCsv([]);

    expect(bytes.subarray(3).toString('utf8')).toBe(`${PARTNER_CENTER_HEADER},Error\r\n`);
    expect(readDeviceCsv(bytes)).toMatchObject({ ok: false, error: { code: 'CsvEmpty' } });
  });
});
