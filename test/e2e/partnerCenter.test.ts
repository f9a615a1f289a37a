import { randomUUID } from 'node:crypto';
import { giveConsent, newPkids, newTuple, sleep } from '../support/batchHelpers';
import { localHostForFile } from '../support/localHostForFile';
import type { PcUploadRead, WireDevice } from '../support/partnerCenterWire';
import {
  DOCUMENTED_BATCH_CREATION_BODY,
  DOCUMENTED_BATCH_UPLOAD_DETAILS,
  dotnetSdkBatchCreation,
  dotnetSdkDeviceList,
  powerShellBatchCreation,
  powerShellDeviceList,
  readBatchUploadDetails,
  readDeviceBatches,
  readDevicePage,
  readError,
  sdkHeaders,
  trackingIdOf,
} from '../support/partnerCenterWire';

/**
 * The Partner Center–compatible surface over HTTP against the local host, driven the way Partner Center's
 * clients drive it: bodies byte for byte as the .NET SDK and the PowerShell module send them, answers read
 * by a strict client written to Partner Center's documented shapes (partnerCenterWire.ts).
 */
const CONTOSO = 'contoso-direct';
const NORTHWIND = 'northwind-reseller';
const FINISH_MS = 60_000;
jest.setTimeout(180_000);

const file = localHostForFile([CONTOSO, NORTHWIND]);

interface Sent {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

/** A call as the SDK makes it: its headers, a fresh MS-RequestId unless one is given (a retry). */
async function pc(
  method: string,
  path: string,
  options: { body?: string; requestId?: string; partnerId?: string; headers?: Record<string, string> } = {},
): Promise<Sent> {
  const headers = {
    ...sdkHeaders(
      file.tokens[options.partnerId ?? CONTOSO]!,
      options.requestId ?? randomUUID(),
      randomUUID(),
    ),
    ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  const response = await fetch(`${file.host.baseUrl}${path}`, { method, headers, body: options.body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

const batchesOf = (tenantId: string) => `/v1/customers/${tenantId}/deviceBatches`;
const devicesOf = (tenantId: string, name: string) =>
  `${batchesOf(tenantId)}/${encodeURIComponent(name)}/devices`;

function accepted(sent: Sent, tenantId: string): string {
  if (sent.status !== 202) throw new Error(`expected 202: ${sent.status} ${sent.text}`);
  return trackingIdOf(sent.headers.get('location'), tenantId);
}

/** Polls the upload's status as PowerShell does, while it reads queued or processing. */
async function waitForUpload(
  tenantId: string,
  trackingId: string,
  partnerId = CONTOSO,
): Promise<PcUploadRead> {
  const deadline = Date.now() + FINISH_MS;
  for (;;) {
    const sent = await pc('GET', `/v1/customers/${tenantId}/batchJobStatus/${trackingId}`, { partnerId });
    if (sent.status !== 200) throw new Error(`status: ${sent.status} ${sent.text}`);
    const upload = readBatchUploadDetails(sent.json);
    if (upload.status !== 'queued' && upload.status !== 'processing') return upload;
    if (Date.now() > deadline) throw new Error(`upload ${trackingId} still ${upload.status}`);
    await sleep(250);
  }
}

async function consentedTenant() {
  const tenant = await file.api.newTenant();
  await giveConsent(file.api, file.tokens[CONTOSO]!, tenant.admin);
  return tenant;
}

const pkidDevices = (n: number): WireDevice[] => newPkids(n).map((productKey) => ({ productKey }));

describe('Partner Center–compatible device batches', () => {
  it('when a partner creates a batch, adds to it, pages through it and deletes a device, then every answer is one Partner Center clients read', async () => {
    const other = await consentedTenant();
    const tenant = await consentedTenant();
    const taken = newTuple();
    // Another tenant holds `taken` first (PowerShell's body).
    const first = accepted(
      await pc('POST', batchesOf(other.tenantId), { body: powerShellBatchCreation('first one', [taken]) }),
      other.tenantId,
    );
    expect((await waitForUpload(other.tenantId, first)).status).toBe('finished');

    // The .NET SDK creates "Test batch" with the held device and two free ones; MS-CorrelationId is echoed.
    const name = `Test batch ${randomUUID().slice(0, 8)}`;
    const [free1, free2] = pkidDevices(2);
    const body = dotnetSdkBatchCreation(name, [taken, free1!, free2!]);
    const requestId = randomUUID();
    const created = await pc('POST', batchesOf(tenant.tenantId), {
      body,
      requestId,
      headers: { 'ms-correlationid': 'b6f0a3f1-3f44-4d8e-9a0f-0d1f5c2e7a11' },
    });
    const trackingId = accepted(created, tenant.tenantId);
    expect(created.headers.get('ms-correlationid')).toBe('b6f0a3f1-3f44-4d8e-9a0f-0d1f5c2e7a11');
    expect(created.headers.get('ms-requestid')).toBe(requestId);
    expect(created.text).toBe('');

    // A retry with the same MS-RequestId answers exactly as the first time.
    const retried = await pc('POST', batchesOf(tenant.tenantId), { body, requestId });
    expect(retried.status).toBe(202);
    expect(retried.headers.get('location')).toBe(created.headers.get('location'));

    const upload = await waitForUpload(tenant.tenantId, trackingId);
    expect(upload.batchTrackingId).toBe(trackingId);
    expect(upload.status).toBe('finished_with_errors');
    const held = upload.devicesStatus.find((d) => d.serialNumber === taken.serialNumber);
    expect(held).toMatchObject({
      status: 'finished_with_errors',
      errorCode: '808',
      errorDescription: 'ZtdDeviceAssignedToOtherTenant',
    });
    expect(upload.devicesStatus.filter((d) => d.status === 'finished').map((d) => d.productKey)).toEqual([
      free1!.productKey,
      free2!.productKey,
    ]);

    // PowerShell's New-PartnerCustomerDeviceBatch: list, find the name without case, add to it.
    const listed = await pc('GET', batchesOf(tenant.tenantId));
    expect(listed.status).toBe(200);
    const found = readDeviceBatches(listed.json).find(
      (b) => b.id.toLowerCase() === name.toUpperCase().toLowerCase(),
    );
    expect(found).toMatchObject({ id: name, devicesCount: 2 });
    const more = pkidDevices(150);
    const added = accepted(
      await pc('POST', devicesOf(tenant.tenantId, name.toUpperCase()), { body: powerShellDeviceList(more) }),
      tenant.tenantId,
    );
    expect(added).not.toBe(trackingId);
    expect((await waitForUpload(tenant.tenantId, added)).status).toBe('finished');

    const after = readDeviceBatches((await pc('GET', batchesOf(tenant.tenantId))).json);
    expect(after.find((b) => b.id === name)?.devicesCount).toBe(152);

    // Pages of 100, the next asked with MS-ContinuationToken.
    const page1 = readDevicePage((await pc('GET', devicesOf(tenant.tenantId, name))).json);
    expect(page1.items).toHaveLength(100);
    expect(page1.continuationToken).toBeDefined();
    const page2 = readDevicePage(
      (
        await pc('GET', devicesOf(tenant.tenantId, name), {
          headers: { 'ms-continuationtoken': page1.continuationToken! },
        })
      ).json,
    );
    expect(page2.items).toHaveLength(52);
    expect(page2.continuationToken).toBeUndefined();
    const devices = [...page1.items, ...page2.items];
    expect(new Set(devices.map((d) => d.id)).size).toBe(152);
    expect(devices.map((d) => d.productKey).sort()).toEqual(
      [free1!, free2!, ...more].map((d) => d.productKey).sort(),
    );

    // Delete one: it leaves the batch, and another tenant may now register it.
    const gone = devices.find((d) => d.productKey === free1!.productKey)!;
    const deleted = await pc('DELETE', `${devicesOf(tenant.tenantId, name)}/${gone.id}`);
    expect(deleted.status).toBe(204);
    const remaining = readDevicePage((await pc('GET', devicesOf(tenant.tenantId, name))).json);
    const rest = readDevicePage(
      (
        await pc('GET', devicesOf(tenant.tenantId, name), {
          headers: { 'ms-continuationtoken': remaining.continuationToken! },
        })
      ).json,
    );
    expect([...remaining.items, ...rest.items].map((d) => d.id)).not.toContain(gone.id);
    const elsewhere = accepted(
      await pc('POST', batchesOf(other.tenantId), { body: dotnetSdkBatchCreation('second', [free1!]) }),
      other.tenantId,
    );
    expect((await waitForUpload(other.tenantId, elsewhere)).devicesStatus).toEqual([
      expect.objectContaining({ productKey: free1!.productKey, status: 'finished' }),
    ]);
  });

  it("when the body is the one Partner Center's REST reference captured, then it is accepted (202) and only its dummy hash is refused, per device, in the documented status shape", async () => {
    const tenant = await consentedTenant();
    const created = await pc('POST', batchesOf(tenant.tenantId), { body: DOCUMENTED_BATCH_CREATION_BODY });
    expect(created.text).toBe('');
    const upload = await waitForUpload(tenant.tenantId, accepted(created, tenant.tenantId));

    expect(upload.status).toBe('finished_with_errors');
    expect(upload.devicesStatus).toEqual([
      expect.objectContaining({
        serialNumber: '1R9-ZNP67',
        productKey: '00329-00000-0003-AA606',
        status: 'finished_with_errors',
        errorCode: '802',
        errorDescription: expect.stringContaining('InvalidZtdHardwareHash') as unknown,
      }),
    ]);
    // Every field Partner Center's own status answer carries, ours carries too.
    const documented = JSON.parse(DOCUMENTED_BATCH_UPLOAD_DETAILS) as {
      devicesStatus: Record<string, unknown>[];
    };
    expect(Object.keys(upload.raw)).toEqual(expect.arrayContaining(Object.keys(documented)));
    expect(Object.keys(upload.devicesStatus[0]!)).toEqual(
      expect.arrayContaining(Object.keys(documented.devicesStatus[0]!)),
    );
    const listed = readDeviceBatches((await pc('GET', batchesOf(tenant.tenantId))).json);
    expect(listed.find((b) => b.id === 'SDKTestDeviceBatch')?.devicesCount ?? 0).toBe(0);
  });

  it('when an indirect reseller calls, then it is refused with 403 in Partner Center’s error shape and sent to the portal', async () => {
    const tenant = await file.api.newTenant();
    const sent = await pc('POST', batchesOf(tenant.tenantId), {
      partnerId: NORTHWIND,
      body: dotnetSdkBatchCreation('Test batch', pkidDevices(1)),
    });
    expect(sent.status).toBe(403);
    const error = readError(sent.json);
    expect(error.code).toBe('ResellerMustUsePortal');
    expect(error.description).toMatch(/portal/);
    expect(sent.headers.get('ms-correlationid')).toBeTruthy();
    // Nothing was written: the batch does not exist for it.
    const listed = await pc('GET', batchesOf(tenant.tenantId), { partnerId: NORTHWIND });
    expect(readDeviceBatches(listed.json)).toEqual([]);
  });

  it('when the customer has not consented yet, then the upload reads queued with the reason beside it', async () => {
    const tenant = await file.api.newTenant();
    const trackingId = accepted(
      await pc('POST', batchesOf(tenant.tenantId), { body: dotnetSdkBatchCreation('waits', pkidDevices(2)) }),
      tenant.tenantId,
    );
    let upload: PcUploadRead | undefined;
    for (let i = 0; i < 40; i++) {
      const sent = await pc('GET', `/v1/customers/${tenant.tenantId}/batchJobStatus/${trackingId}`);
      upload = readBatchUploadDetails(sent.json);
      if (upload.raw.detailedStatus === 'awaiting_consent') break;
      await sleep(250);
    }
    expect(upload?.status).toBe('queued');
    expect(upload?.raw.detailedStatus).toBe('awaiting_consent');
    expect(upload?.raw.statusDescription).toMatch(/relationshiprequests/);
    expect(upload?.devicesStatus.map((d) => d.status)).toEqual(['queued', 'queued']);
  });

  it('when the same name is created again with other devices, or a name or tracking ID is unknown, then the refusals are Partner Center errors', async () => {
    const tenant = await consentedTenant();
    const name = `dup ${randomUUID().slice(0, 6)}`;
    accepted(
      await pc('POST', batchesOf(tenant.tenantId), { body: dotnetSdkBatchCreation(name, pkidDevices(1)) }),
      tenant.tenantId,
    );
    const again = await pc('POST', batchesOf(tenant.tenantId), {
      body: dotnetSdkBatchCreation(name, pkidDevices(1)),
    });
    expect(again.status).toBe(409);
    expect(readError(again.json).code).toBe('DeviceBatchAlreadyExists');

    const unknownBatch = await pc('POST', devicesOf(tenant.tenantId, 'never made'), {
      body: dotnetSdkDeviceList(pkidDevices(1)),
    });
    expect(unknownBatch.status).toBe(404);
    expect(readError(unknownBatch.json).code).toBe('DeviceBatchNotFound');

    const unknownUpload = await pc('GET', `/v1/customers/${tenant.tenantId}/batchJobStatus/${randomUUID()}`);
    expect(unknownUpload.status).toBe(404);
    readError(unknownUpload.json);

    const malformed = await pc('POST', batchesOf(tenant.tenantId), {
      body: '{"BatchId": "x", "Devices": "no"}',
    });
    expect(malformed.status).toBe(400);
    expect(readError(malformed.json).code).toBe('ValidationFailed');

    const unauthenticated = await fetch(`${file.host.baseUrl}${batchesOf(tenant.tenantId)}`);
    expect(unauthenticated.status).toBe(401);
    readError(await unauthenticated.json());
  });

  it('when devices are added again with the same MS-RequestId, then the answer is the first one and one upload is made; the same ID on other devices is a new upload', async () => {
    const tenant = await consentedTenant();
    const name = `retry ${randomUUID().slice(0, 6)}`;
    accepted(
      await pc('POST', batchesOf(tenant.tenantId), { body: dotnetSdkBatchCreation(name, pkidDevices(1)) }),
      tenant.tenantId,
    );
    const devices = pkidDevices(3);
    const requestId = randomUUID();
    const first = await pc('POST', devicesOf(tenant.tenantId, name), {
      body: dotnetSdkDeviceList(devices),
      requestId,
    });
    const again = await pc('POST', devicesOf(tenant.tenantId, name), {
      body: dotnetSdkDeviceList(devices),
      requestId,
    });
    expect([again.status, again.headers.get('location'), again.text]).toEqual([
      first.status,
      first.headers.get('location'),
      first.text,
    ]);
    const other = await pc('POST', devicesOf(tenant.tenantId, name), {
      body: dotnetSdkDeviceList(pkidDevices(1)),
      requestId,
    });
    const otherId = accepted(other, tenant.tenantId);
    expect(otherId).not.toBe(accepted(first, tenant.tenantId));
    const upload = await waitForUpload(tenant.tenantId, accepted(first, tenant.tenantId));
    // Had the retry run, these devices would read 806 (already registered in this tenant) in a second upload.
    expect(upload.devicesStatus.map((d) => d.status)).toEqual(['finished', 'finished', 'finished']);
    await waitForUpload(tenant.tenantId, otherId);
    const batches = readDeviceBatches((await pc('GET', batchesOf(tenant.tenantId))).json);
    expect(batches.find((b) => b.id === name)?.devicesCount).toBe(5);
  });

  it('when a partner asks for its relationship request link, then it gets one DAP-free link that customers can accept', async () => {
    const first = await pc('GET', '/v1/customers/relationshiprequests');
    expect(first.status).toBe(200);
    const body = first.json as { url: string; attributes: { objectType: string } };
    expect(body.attributes.objectType).toBe('RelationshipRequest');
    const second = (await pc('GET', '/v1/customers/relationshiprequests')).json as { url: string };
    expect(second.url).toBe(body.url);

    const tenant = await file.api.newTenant();
    const acceptedLink = await file.api.request('POST', body.url, {
      token: await file.api.userToken(tenant.admin),
      form: { consent: 'yes' },
      headers: { accept: 'application/json' },
    });
    expect(acceptedLink.status).toBe(200);
    const customer = await file.api.request<{ delegatedAdmin: unknown }>(
      'GET',
      `/api/v1/customers/${tenant.tenantId}`,
      {
        token: file.tokens[CONTOSO],
      },
    );
    expect(customer.status).toBe(200);
    expect(customer.body.delegatedAdmin).toBeNull();
  });
});
