import { readDeviceCsv } from '../../../shared/adapters/csv/deviceCsvReader';
import { buildHardwareHash } from '../../support/hardwareHashes';
import { INTUNE_HEADER, PARTNER_CENTER_HEADER, utf16leWithBom, utf8WithBom } from './csvFiles';

const serial = (index: number) => `SN${String(index).padStart(6, '0')}`;
const productKey = (index: number) => String(3_000_000_000_000 + index);

function partnerCenterFile(rows: number): Buffer {
  const lines = [PARTNER_CENTER_HEADER];
  for (let index = 0; index < rows; index++) {
    lines.push(`${serial(index)},${productKey(index)},,"Contoso, Ltd.",Model ${index % 7}`);
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
          oemManufacturerName: 'Contoso, Ltd.',
          modelName: `Model ${index % 7}`,
        },
      });
    }
  });

  it('when a UTF-16 LE file of real hashes is as large as 64 MiB allows (8,000 rows, as Get-WindowsAutopilotInfo writes them), then all are read', () => {
    // A real hash is 4,000 characters, 8,000 bytes in UTF-16: 100,000 of them would be 800 MB.
    const hashes = Array.from({ length: 8_000 }, (_, index) =>
      buildHardwareHash({ serialNumber: serial(index), manufacturer: 'HP', model: 'HP EliteBook 840 G8' }),
    );
    const lines = [
      INTUNE_HEADER,
      ...hashes.map((hash, index) => `${serial(index)},,${hash},Group ${index},`),
    ];
    const file = utf16leWithBom(`${lines.join('\r\n')}\r\n`);

    const result = readDeviceCsv(file);

    if (!result.ok) throw new Error(result.error.message);
    expect(file.length).toBeGreaterThan(60 * 1024 * 1024);
    expect(result.devices).toHaveLength(8_000);
    expect(result.devices[7_999]).toEqual({
      line: 8_001,
      device: { serialNumber: serial(7_999), hardwareHash: hashes[7_999], groupTag: 'Group 7999' },
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
