import { ZodError } from 'zod';
import {
  PcAddDevicesSchema,
  PcBatchCreationSchema,
  PcBatchName,
} from '../../../shared/contract/partnerCenterContract';
import { validateSubmission } from '../../../shared/domain/devices';
import {
  DOCUMENTED_BATCH_CREATION_BODY,
  DOCUMENTED_BATCH_UPLOAD_DETAILS,
  dotnetSdkBatchCreation,
  dotnetSdkDeviceList,
  powerShellBatchCreation,
  powerShellDeviceList,
  readBatchUploadDetails,
} from '../../support/partnerCenterWire';

/** Partner Center clients' request bodies, byte for byte, read as this service's batch submissions. */
const tuple = { serialNumber: 'SN-7Q2-001', oemManufacturerName: 'Dell Inc.', modelName: 'Latitude 7440' };
const pkid = { productKey: '3345678901234' };

describe('Partner Center request bodies', () => {
  it('when the .NET SDK sends a creation with nulls, Id, Policies, UploadedDate and Attributes, then only the identifying fields reach the submission', () => {
    const body = PcBatchCreationSchema.parse(JSON.parse(dotnetSdkBatchCreation('Test batch', [tuple, pkid])));
    expect(body.batchid).toBe('Test batch');
    expect(body.devices).toEqual([tuple, pkid]);
    expect(validateSubmission(body.devices).map((r) => r.status)).toEqual(['valid', 'valid']);
  });

  it("when the body is the one Partner Center's REST reference captured (pretty-printed, no ModelName), then it parses and the dummy hash alone is refused as malformed (802)", () => {
    const body = PcBatchCreationSchema.parse(JSON.parse(DOCUMENTED_BATCH_CREATION_BODY));
    expect(body.batchid).toBe('SDKTestDeviceBatch');
    expect(body.devices).toEqual([
      { serialNumber: '1R9-ZNP67', productKey: '00329-00000-0003-AA606', hardwareHash: 'DummyHash123' },
    ]);
    expect(validateSubmission(body.devices)).toEqual([
      expect.objectContaining({
        status: 'invalid',
        error: expect.objectContaining({ errorCode: 'InvalidZtdHardwareHash', errorNumber: 802 }),
      }),
    ]);
  });

  it("when the status answer is the one Partner Center's REST reference prints, then the strict client reads it", () => {
    const upload = readBatchUploadDetails(JSON.parse(DOCUMENTED_BATCH_UPLOAD_DETAILS));
    expect(upload.status).toBe('finished');
    expect(upload.devicesStatus).toEqual([
      expect.objectContaining({ status: 'finished_with_errors', errorCode: '808' }),
    ]);
  });

  it('when the PowerShell module sends a creation without nulls and with UploadedDate in UTC, then it reads the same devices', () => {
    const body = PcBatchCreationSchema.parse(
      JSON.parse(powerShellBatchCreation('Test batch', [tuple, pkid])),
    );
    expect(body.devices).toEqual([tuple, pkid]);
  });

  it('when devices are added as a bare array from either client, then each reads as its identifying fields', () => {
    expect(PcAddDevicesSchema.parse(JSON.parse(dotnetSdkDeviceList([pkid])))).toEqual([pkid]);
    expect(PcAddDevicesSchema.parse(JSON.parse(powerShellDeviceList([tuple])))).toEqual([tuple]);
  });

  it('when a hand-written client sends camelCase or odd casing, then property names match without case', () => {
    const body = PcBatchCreationSchema.parse({
      batchId: 'lab 3',
      DEVICES: [{ serialnumber: 'S1', OEMMANUFACTURERNAME: 'HP', modelName: 'Z2' }],
      somethingNew: true,
    });
    expect(body).toEqual({
      batchid: 'lab 3',
      devices: [{ serialNumber: 'S1', oemManufacturerName: 'HP', modelName: 'Z2' }],
    });
  });

  it('when a device field holds a number, then it is kept so that the device alone is refused as malformed (801)', () => {
    const [entry] = PcAddDevicesSchema.parse([{ ProductKey: 3345678901234 }]);
    const [result] = validateSubmission([entry]);
    expect(result).toMatchObject({ status: 'invalid', error: { errorCode: 'InvalidZtdRequestBody' } });
  });

  it('when the body has no devices or no BatchId, then it is refused as a whole', () => {
    expect(() => PcBatchCreationSchema.parse({ BatchId: 'x', Devices: [] })).toThrow(ZodError);
    expect(() => PcBatchCreationSchema.parse({ Devices: [pkid] })).toThrow(ZodError);
    expect(() => PcAddDevicesSchema.parse({ Devices: [pkid] })).toThrow(ZodError);
  });

  it.each(['Test batch', 'Ünïcode 批次', 'a.b_c-d (2)', '50% done'])(
    'when the batch name is free text like %p, then it is accepted as it is',
    (name) => {
      expect(PcBatchName.parse(name)).toBe(name);
    },
  );

  it.each(['', ' padded ', 'a/b', 'a\\b', 'why?', 'tag#1', 'tab\there', 'x'.repeat(257)])(
    'when the batch name %p could not travel as one URL path segment or is blank-edged, then it is refused',
    (name) => {
      expect(() => PcBatchName.parse(name)).toThrow(ZodError);
    },
  );
});
