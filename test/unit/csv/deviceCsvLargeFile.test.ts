import { readDeviceCsv } from '../../../shared/adapters/csv/deviceCsvReader';
import { HASH, INTUNE_HEADER, PARTNER_CENTER_HEADER, utf16leWithBom, utf8WithBom } from './csvFiles';

const serial = (index: number) => `SN${String(index).padStart(6, '0')}`;
const productKey = (index: number) => String(3_000_000_000_000 + index);

function partnerCenterFile(rows: number): Buffer {
  const lines = [PARTNER_CENTER_HEADER];
  for (let index = 0; index < rows; index++) {
    lines.push(`${serial(index)},${productKey(index)},${HASH},"Contoso, Ltd.",Model ${index % 7}`);
  }
  return utf8WithBom(`${lines.join('\r\n')}\r\n`);
}

describe('readDeviceCsv: a batch-sized file', () => {
  it('when a Partner Center file has 100,000 rows, then all are read in order with their lines', () => {
    const result = readDeviceCsv(partnerCenterFile(100_000));

    if (!result.ok) throw new Error(result.error.message);
    expect(result.devices).toHaveLength(100_000);
    for (const index of [0, 1, 31_415, 77_777, 99_999]) {
      expect(result.devices[index]).toEqual({
        line: index + 2,
        device: {
          serialNumber: serial(index),
          productKey: productKey(index),
          hardwareHash: HASH,
          oemManufacturerName: 'Contoso, Ltd.',
          modelName: `Model ${index % 7}`,
        },
      });
    }
  });

  it('when a UTF-16 LE Intune file has 100,000 rows, then all are read', () => {
    const lines = [INTUNE_HEADER];
    for (let index = 0; index < 100_000; index++)
      lines.push(`"${serial(index)}","","${HASH}","Group ${index}",""`);

    const result = readDeviceCsv(utf16leWithBom(`${lines.join('\r\n')}\r\n`));

    if (!result.ok) throw new Error(result.error.message);
    expect(result.devices).toHaveLength(100_000);
    expect(result.devices[99_999]).toEqual({
      line: 100_001,
      device: { serialNumber: serial(99_999), hardwareHash: HASH, groupTag: 'Group 99999' },
    });
  });

  it('when a file has 100,001 rows, then the default limit refuses it at the row past the limit', () => {
    const result = readDeviceCsv(partnerCenterFile(100_001));

    expect(result).toEqual({
      ok: false,
      error: {
        code: 'CsvTooManyRows',
        line: 100_002,
        message: expect.stringContaining('at most 100,000 are accepted'),
      },
    });
  });
});
