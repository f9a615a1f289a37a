import type { ApiResponse } from '../support/apiClient';
import type { Json } from '../support/batchHelpers';
import {
  giveConsent,
  isFinal,
  listAllDevices,
  newBatchId,
  newPkids,
  pkidDevices,
  revokeConsent,
  submitAccepted,
  submitBatch,
  waitForBatch,
} from '../support/batchHelpers';
import { localHostForFile } from '../support/localHostForFile';
import { portalSignIn } from '../support/portalSession';

/**
 * Nothing is lost, mixed or left uncounted, over HTTP against the local host: races between
 * submissions that share a batchId.
 */
const CONTOSO = 'contoso-direct';
const FINISH_MS = 240_000;
jest.setTimeout(600_000);

const file = localHostForFile([CONTOSO]);

describe('one batchId, two bodies at once', () => {
  it('when two different bodies are sent under one batchId at once, many times over, then one of them is the whole batch: its counts add up and every listed device is its own', async () => {
    const tenant = await file.api.newTenant();
    await giveConsent(file.api, file.tokens[CONTOSO]!, tenant.admin);
    // Two chunks a body, so that staging is several rows written side by side; the second body is a
    // different size, so a mixed batch cannot hide behind equal totals.
    const ROUNDS = 6;
    const rounds: { batchId: string; bodies: { productKey: string }[][]; answers: ApiResponse<Json>[] }[] =
      [];
    for (let round = 0; round < ROUNDS; round++) {
      const batchId = newBatchId('same-id');
      const bodies = [pkidDevices(4500), pkidDevices(4100)];
      // Alternate which request leaves first.
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      const sent = order.map((i) =>
        submitBatch(file.api, file.tokens[CONTOSO]!, tenant.tenantId, { batchId, devices: bodies[i] }),
      );
      const answers = await Promise.all(sent);
      // Back in body order: answers[i] is the answer to bodies[i].
      rounds.push({ batchId, bodies, answers: bodies.map((_, i) => answers[order.indexOf(i)]!) });
    }

    for (const [round, { batchId, bodies, answers }] of rounds.entries()) {
      const statuses = answers.map((a) => a.status);
      expect([round, [...statuses].sort()]).toEqual([round, [202, 409]]);
      for (const refused of answers.filter((a) => a.status === 409))
        expect([round, refused.body.code]).toEqual([round, 'BatchIdConflict']);
      const winner = bodies[statuses.indexOf(202)]!;

      const batch = await waitForBatch(
        file.api,
        file.tokens[CONTOSO]!,
        tenant.tenantId,
        batchId,
        isFinal,
        FINISH_MS,
      );
      expect([round, batch.status, batch.total, batch.registered, batch.failed]).toEqual([
        round,
        'finished',
        winner.length,
        winner.length,
        0,
      ]);
      const { items } = await listAllDevices(file.api, file.tokens[CONTOSO]!, tenant.tenantId, batchId, {
        pageSize: 1000,
      });
      expect([round, items.length]).toEqual([round, winner.length]);
      const strays = items.filter((d, i) => d.index !== i || d.productKey !== winner[i]!.productKey);
      expect([round, strays.length, strays.slice(0, 2)]).toEqual([round, 0, []]);
      expect([round, items.filter((d) => d.status !== 'registered').length]).toEqual([round, 0]);
    }
  });
});

describe('deregistration tells a refused caller nothing about the device', () => {
  it('when a user who may not deregister in the tenant names a device it holds and one nobody holds, then both answers are the same', async () => {
    const owner = await file.api.newTenant();
    const stranger = await file.api.newTenant();
    await giveConsent(file.api, file.tokens[CONTOSO]!, owner.admin);
    const batchId = newBatchId('held');
    await submitAccepted(file.api, file.tokens[CONTOSO]!, owner.tenantId, {
      batchId,
      devices: pkidDevices(1),
    });
    await waitForBatch(file.api, file.tokens[CONTOSO]!, owner.tenantId, batchId, isFinal, FINISH_MS);
    const [held] = (await listAllDevices(file.api, file.tokens[CONTOSO]!, owner.tenantId, batchId)).items;
    const heldId = held!.deviceId!;
    const nobodysId = `pkid:${newPkids(1)[0]!}`;
    const path = (deviceId: string) =>
      `/api/v1/customers/${owner.tenantId}/devices/${encodeURIComponent(deviceId)}`;

    for (const upn of [stranger.helpdesk, owner.helpdesk, stranger.admin]) {
      const token = await file.api.userToken(upn);
      const answers = await Promise.all(
        [heldId, nobodysId].map(async (id) => {
          const res = await file.api.request<Json>('DELETE', path(id), { token });
          return [res.status, res.body.code];
        }),
      );
      expect([upn, answers[0]]).toEqual([upn, answers[1]]);
      expect([upn, answers[0]![0]]).not.toEqual([upn, 204]);
    }
    const stillHeld = await file.api.request<Json>(
      'POST',
      `/api/v1/customers/${owner.tenantId}/deviceBatches/validate`,
      {
        token: file.tokens[CONTOSO],
        json: { devices: [{ productKey: held!.productKey }] },
      },
    );
    expect(stillHeld.body.devices[0].errorNumber).toBe(806);
  });
});

describe('validate without consent', () => {
  it('when a partner without active consent for a tenant validates devices another tenant holds, then it learns only their form and is told ownership was not checked', async () => {
    const holder = await file.api.newTenant();
    const target = await file.api.newTenant();
    await giveConsent(file.api, file.tokens[CONTOSO]!, holder.admin);
    const [held, free] = newPkids(2);
    const batchId = newBatchId('held');
    await submitAccepted(file.api, file.tokens[CONTOSO]!, holder.tenantId, {
      batchId,
      devices: [{ productKey: held! }],
    });
    await waitForBatch(file.api, file.tokens[CONTOSO]!, holder.tenantId, batchId, isFinal, FINISH_MS);

    const check = async (tenantId: string, partnerId: string) => {
      const res = await file.api.request<Json>(
        'POST',
        `/api/v1/customers/${tenantId}/deviceBatches/validate`,
        {
          token: file.tokens[partnerId] ?? (file.tokens[partnerId] = await file.api.partnerToken(partnerId)),
          json: { devices: [{ productKey: held }, { productKey: free }, { productKey: 'ABC' }] },
        },
      );
      expect(res.status).toBe(200);
      return {
        consent: res.body.consent.status,
        ownershipChecked: res.body.ownershipChecked,
        devices: (res.body.devices as Json[]).map((d) => d.errorNumber ?? d.status),
      };
    };
    // No relationship with the target, or with either tenant at all: the same answer as for a free device.
    for (const [tenantId, partnerId] of [
      [target.tenantId, CONTOSO],
      [holder.tenantId, 'adatum-oem'],
      [target.tenantId, 'adatum-oem'],
    ] as const) {
      expect(await check(tenantId, partnerId)).toEqual({
        consent: 'none',
        ownershipChecked: false,
        devices: ['valid', 'valid', 801],
      });
    }
    // Revoked consent is no consent.
    await giveConsent(file.api, file.tokens[CONTOSO]!, target.admin);
    expect((await check(target.tenantId, CONTOSO)).devices).toEqual([808, 'valid', 801]);
    await revokeConsent(file.api, CONTOSO, target.admin);
    expect(await check(target.tenantId, CONTOSO)).toEqual({
      consent: 'revoked',
      ownershipChecked: false,
      devices: ['valid', 'valid', 801],
    });
    // With consent, ownership is checked as before.
    expect(await check(holder.tenantId, CONTOSO)).toEqual({
      consent: 'active',
      ownershipChecked: true,
      devices: [806, 'valid', 801],
    });
  });
});

describe("an indirect provider and its resellers' batches", () => {
  const RESELLER = 'northwind-reseller';
  const PROVIDER = 'fabrikam-distribution';
  const csrfOf = (html: string) => /name='csrf' value='([^']+)'/.exec(html)?.[1] ?? '';

  /** The reseller's agent uploads a CSV for the tenant and confirms it; the batch page's path. */
  async function resellerUpload(tenantId: string, csv: string): Promise<string> {
    const { cookie } = await portalSignIn(file.api, `agent@${RESELLER}.example`, '/api/portal/upload');
    const page = await file.api.request('GET', '/api/portal/upload', { headers: { cookie } });
    const form = new FormData();
    form.set('csrf', csrfOf(page.text));
    form.set('tenantId', tenantId);
    form.set('file', new Blob([csv], { type: 'text/csv' }), 'devices.csv');
    const checked = await fetch(`${file.host.baseUrl}/api/portal/upload`, {
      method: 'POST',
      headers: { cookie },
      body: form,
      redirect: 'manual',
    });
    const html = await checked.text();
    expect(checked.status).toBe(200);
    const confirmUrl = /action='(\/api\/portal\/upload\/[0-9a-f]+\/confirm)'/.exec(html)?.[1] ?? '';
    const confirmed = await file.api.request('POST', confirmUrl, {
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: csrfOf(html) }).toString(),
    });
    expect(confirmed.status).toBe(303);
    return confirmed.headers.get('location')!;
  }

  it("when the customer revokes the provider, then the provider no longer reads its reseller's batch page or failed rows, and the reseller still does", async () => {
    const tenant = await file.api.newTenant();
    file.tokens[RESELLER] ??= await file.api.partnerToken(RESELLER);
    await giveConsent(file.api, file.tokens[RESELLER], tenant.admin);
    const [pkid] = newPkids(1);
    const batchPage = await resellerUpload(
      tenant.tenantId,
      `Device Serial Number,Windows Product ID,Hardware Hash\r\n,${pkid},\r\n,NOT-A-KEY,\r\n`,
    );
    const provider = (await portalSignIn(file.api, `agent@${PROVIDER}.example`, '/api/portal/customers'))
      .cookie;
    const reseller = (await portalSignIn(file.api, `agent@${RESELLER}.example`, '/api/portal/customers'))
      .cookie;
    const read = async (cookie: string) =>
      Promise.all(
        [batchPage, `${batchPage}/failed.csv`, `${batchPage}/status`].map(async (path) => {
          const res = await file.api.request('GET', path, { headers: { cookie } });
          return { status: res.status, text: res.text };
        }),
      );

    const before = await read(provider);
    expect(before.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(before[0]!.text).toContain(pkid);
    expect(before[1]!.text).toContain('NOT-A-KEY');
    const listing = await file.api.request('GET', `/api/portal/customers/${tenant.tenantId}`, {
      headers: { cookie: provider },
    });
    expect(listing.text).toContain(batchPage);

    await revokeConsent(file.api, PROVIDER, tenant.admin);

    const after = await read(provider);
    expect(after.map((r) => r.status)).toEqual([404, 404, 404]);
    for (const r of after) {
      expect(r.text).not.toContain(pkid);
      expect(r.text).not.toContain('NOT-A-KEY');
    }
    const listed = await file.api.request('GET', `/api/portal/customers/${tenant.tenantId}`, {
      headers: { cookie: provider },
    });
    expect(listed.text).not.toContain(batchPage);
    const waiting = await file.api.request('GET', '/api/portal/customers', { headers: { cookie: provider } });
    expect(waiting.text).not.toContain(batchPage);
    expect((await read(reseller)).map((r) => r.status)).toEqual([200, 200, 200]);
  });
});

describe('client input that used to answer 500', () => {
  it('when a batch body nests arrays 200,000 deep, then 400 JsonNestedTooDeeply and nothing is created; validate answers the same', async () => {
    const tenant = await file.api.newTenant();
    const batchId = newBatchId('deep');
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    for (const [path, body] of [
      [`/api/v1/customers/${tenant.tenantId}/deviceBatches`, `{"batchId":"${batchId}","devices":[${deep}]}`],
      [`/api/v1/customers/${tenant.tenantId}/deviceBatches/validate`, `{"devices":[${deep}]}`],
    ] as const) {
      const res = await file.api.request<Json>('POST', path, {
        token: file.tokens[CONTOSO],
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect([path, res.status, res.body.code]).toEqual([path, 400, 'JsonNestedTooDeeply']);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const get = await file.api.request(
      'GET',
      `/api/v1/customers/${tenant.tenantId}/deviceBatches/${batchId}`,
      {
        token: file.tokens[CONTOSO],
      },
    );
    expect(get.status).toBe(404);
    // A body of ordinary depth is still read.
    const ordinary = await submitBatch(file.api, file.tokens[CONTOSO]!, tenant.tenantId, {
      batchId,
      devices: [{ productKey: newPkids(1)[0] }, [[['not a device']]]],
    });
    expect(ordinary.status).toBe(202);
  });

  it('when a portal upload is not the multipart body its content type names, then 400 MalformedForm', async () => {
    const { cookie } = await portalSignIn(file.api, 'agent@contoso-direct.example', '/api/portal/upload');
    for (const [type, body] of [
      ['multipart/form-data; boundary=----x', 'this is not multipart at all'],
      [
        'multipart/form-data',
        '------x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nabc\r\n------x--\r\n',
      ],
      [
        'multipart/form-data; boundary=----x',
        '------x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\ncut here',
      ],
    ] as const) {
      const res = await file.api.request<Json>('POST', '/api/portal/upload', {
        headers: { cookie, 'content-type': type },
        body,
      });
      expect([type, res.status]).toEqual([type, 400]);
      expect(res.text).toContain('MalformedForm');
    }
  });

  it.each([
    ['a raw slash', 'pkid:1234/5678'],
    ['an encoded slash', 'pkid%3A1234%2F5678'],
    ['a doubly encoded slash', 'pkid%3A1234%252F5678'],
    ['an encoded backslash', 'pkid%3A1234%5C5678'],
    ['a hash sign', 'pkid%3A1234%235678'],
    ['a question mark', 'pkid%3A1234%3F5678'],
    ['a control character', 'pkid%3A1234%015678'],
  ])('when the deviceId to deregister holds %s, then a 4xx problem, never 500', async (_label, deviceId) => {
    const tenant = await file.api.newTenant();
    await giveConsent(file.api, file.tokens[CONTOSO]!, tenant.admin);
    const res = await file.api.request<Json>(
      'DELETE',
      `/api/v1/customers/${tenant.tenantId}/devices/${deviceId}`,
      {
        token: file.tokens[CONTOSO],
      },
    );
    expect([deviceId, res.status >= 400 && res.status < 500]).toEqual([deviceId, true]);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(typeof res.body.code).toBe('string');
  });
});
