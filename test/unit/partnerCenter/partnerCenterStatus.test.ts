import {
  pcBatchStatus,
  pcDeviceStatus,
  statusDescription,
} from '../../../shared/application/partnerCenter/partnerCenterStatus';
import type { DeviceBatch } from '../../../shared/domain/batches/deviceBatch';
import { BATCH_STATUSES } from '../../../shared/domain/batches/deviceBatch';
import type { DeviceOutcome } from '../../../shared/domain/batches/stagedDevice';
import { deviceError } from '../../../shared/domain/devices';
import { DOCUMENTED_BATCH_STATUSES, sdkParseStatus } from '../../support/partnerCenterWire';

/** This service's statuses as Partner Center's SDK reads them. */
const batch = (status: DeviceBatch['status']): Pick<DeviceBatch, 'status' | 'consentDeadline'> => ({
  status,
  consentDeadline: '2026-12-31T00:00:00.000Z',
});

const outcome = (
  status: DeviceOutcome['status'],
  code?: Parameters<typeof deviceError>[0],
): DeviceOutcome => {
  const error = code ? deviceError(code) : undefined;
  return {
    index: 0,
    deviceId: status === 'registered' ? 'd-1' : null,
    serialNumber: 'SN1',
    productKey: null,
    manufacturer: null,
    model: null,
    groupTag: null,
    status,
    errorCode: error?.errorCode ?? null,
    errorNumber: error?.errorNumber ?? null,
    errorDescription: error?.errorDescription ?? null,
  };
};

describe('Partner Center statuses', () => {
  it.each(BATCH_STATUSES)(
    'when a batch is %s, then its upload reads a documented status the SDK parses',
    (s) => {
      const status = pcBatchStatus(s);
      expect(DOCUMENTED_BATCH_STATUSES).toContain(status);
      expect(() => sdkParseStatus(status)).not.toThrow();
    },
  );

  it('when a batch waits for consent, then it reads queued and the reason is beside it', () => {
    expect(pcBatchStatus('awaiting_consent')).toBe('queued');
    const full = { ...batch('awaiting_consent') } as DeviceBatch;
    expect(statusDescription(full)).toMatch(/accept your reseller-relationship link/);
  });

  it('when a batch expired or was canceled, then it reads finished_with_errors', () => {
    expect(pcBatchStatus('expired')).toBe('finished_with_errors');
    expect(pcBatchStatus('canceled')).toBe('finished_with_errors');
  });

  it('when the SDK meets the documentation’s device value "in-progress", then it cannot parse it (so it is never sent)', () => {
    expect(() => sdkParseStatus('in-progress')).toThrow(/cannot parse/);
    expect(sdkParseStatus('finished_with_errors')).toBe('FinishedWithErrors');
  });

  it('when a device is held by another tenant, then errorCode is "808" and errorDescription the Autopilot name', () => {
    const s = pcDeviceStatus(
      outcome('failed', 'ZtdDeviceAssignedToOtherTenant'),
      batch('finished_with_errors'),
    );
    expect(s).toMatchObject({
      status: 'finished_with_errors',
      errorCode: '808',
      errorDescription: 'ZtdDeviceAssignedToOtherTenant',
    });
    expect(s.errorDetail).toMatch(/deregister/);
  });

  it('when an error has no Autopilot number, then its code is its own name', () => {
    const s = pcDeviceStatus(outcome('failed', 'ZtdDeviceDuplicated'), batch('finished_with_errors'));
    expect(s).toMatchObject({ errorCode: 'ZtdDeviceDuplicated', errorDescription: 'ZtdDeviceDuplicated' });
  });

  it.each([
    ['queued', 'queued'],
    ['awaiting_consent', 'queued'],
    ['processing', 'processing'],
  ] as const)('when a pending device’s batch is %s, then the device reads %s', (s, expected) => {
    expect(pcDeviceStatus(outcome('pending'), batch(s))).toEqual({ status: expected });
  });

  it('when a pending device’s batch expired or was canceled, then it failed with a consent code of its own', () => {
    expect(pcDeviceStatus(outcome('pending'), batch('expired'))).toMatchObject({
      status: 'finished_with_errors',
      errorCode: 'ConsentExpired',
    });
    expect(pcDeviceStatus(outcome('pending'), batch('canceled'))).toMatchObject({
      status: 'finished_with_errors',
      errorCode: 'ConsentRevoked',
    });
  });

  it('when a device registered, then it reads finished with no error', () => {
    expect(pcDeviceStatus(outcome('registered'), batch('finished'))).toEqual({ status: 'finished' });
  });
});
