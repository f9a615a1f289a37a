import { DEVICE_INDEX_TABLES, indexTableName } from '../../../shared/adapters/tables/deviceRegistryTable';
import { dropTables } from '../consent/tableFixture';
import { randomBytes, randomUUID } from 'node:crypto';
import * as df from 'durable-functions';
import { odata } from '@azure/data-tables';
import type { LocalDurableRuntime } from '../../../infra/local/durable/localDurableRuntime';
import type { Registration } from '../../../infra/local/functionsCore/registry';
import { functionRegistry } from '../../../infra/local/functionsCore/registry';
import { durableBatchWorkflow } from '../../../shared/adapters/durable/durableBatchWorkflow';
import type { RecordProgressInput } from '../../../shared/adapters/durable/batchOrchestrationContract';
import {
  CHECK_CONSENT_ACTIVITY,
  DEVICE_BATCH_ORCHESTRATION,
  RECORD_PROGRESS_ACTIVITY,
  REGISTER_CHUNK_ACTIVITY,
  RecordProgressInputSchema,
  RegisterChunkInputSchema,
} from '../../../shared/adapters/durable/batchOrchestrationContract';
import { PARALLEL_CHUNKS } from '../../../functions/orchestrations/deviceBatchOrchestration';
import { batchConsentEvents } from '../../../shared/application/batches/batchConsentEvents';
import type { BatchDependencies } from '../../../shared/application/batches/batchDependencies';
import { CHUNK_SIZE } from '../../../shared/application/batches/batchDependencies';
import { listBatchDevices } from '../../../shared/application/batches/readDeviceBatch';
import { submitDeviceBatch } from '../../../shared/application/batches/submitDeviceBatch';
import { acceptInvitation } from '../../../shared/application/consent/acceptInvitation';
import { createInvitation } from '../../../shared/application/invitations/createInvitation';
import { revokePartner } from '../../../shared/application/tenantAdmin/tenantPartners';
import type { BatchRef, BatchStatus, DeviceBatch } from '../../../shared/domain/batches/deviceBatch';
import { batchInstanceId, TERMINAL_STATUSES } from '../../../shared/domain/batches/deviceBatch';
import type { DeviceOutcome } from '../../../shared/domain/batches/stagedDevice';
import type { Services } from '../../../shared/compositionRoot';
import type * as CompositionRoot from '../../../shared/compositionRoot';
import {
  OTHER_TENANT,
  giveConsent,
  hashDevice,
  ownerOf,
  pkidDevice,
  tupleDevice,
} from '../../support/inMemoryBatchPorts';
import { PARTNERS, TENANT_ID, customerUser, partnerClient, tokenOf } from '../../support/inMemoryPorts';
import { clientFor, eventually, newTaskHub, startRuntime } from '../durable/durableHarness';

/**
 * The whole batch, through the real registrations: submitDeviceBatch starts deviceBatchOrchestration
 * on the local durable runtime (in this process, over Azurite), whose activities read their services
 * from shared/compositionRoot, configured here through process.env before they are loaded.
 */
jest.setTimeout(240_000);

const TABLE_PREFIX = `t${randomBytes(5).toString('hex')}`;
process.env.STORAGE_CONNECTION_STRING = process.env.TEST_STORAGE_CONNECTION;
process.env.TABLE_PREFIX = TABLE_PREFIX;
process.env.AUTH_MODE = 'dev';
process.env.CONSENT_DEADLINE = 'P1D';
delete process.env.WEBSITE_INSTANCE_ID;
/* eslint-disable @typescript-eslint/no-require-imports */
require('../../../functions/orchestrations/deviceBatchOrchestration');
require('../../../functions/activities/batchActivities');
const { services } = require('../../../shared/compositionRoot') as typeof CompositionRoot;
/* eslint-enable @typescript-eslint/no-require-imports */

const direct = PARTNERS.direct;

let svc: Services;
let taskHub: string;
const runtimes: LocalDurableRuntime[] = [];

async function start(registrations: Registration[] = functionRegistry.all()): Promise<LocalDurableRuntime> {
  const runtime = await startRuntime(taskHub, { registrations, maxConcurrentActivities: 8 });
  runtimes.push(runtime);
  return runtime;
}

/** The batch use cases' dependencies with the durable client of this runtime, as invocationDeps builds them. */
function depsFor(runtime: LocalDurableRuntime): BatchDependencies {
  const workflow = durableBatchWorkflow(clientFor(runtime));
  return {
    ...svc.background.batchDeps,
    workflow,
    consentEvents: batchConsentEvents(svc.background.batchDeps.batches, workflow),
  };
}

/** Registrations with the chunk activity wrapped (to hold it, or make it crash). */
function withChunkActivity(
  wrap: (inner: Registration['handler']) => Registration['handler'],
): Registration[] {
  return functionRegistry
    .all()
    .map((r) => (r.name === REGISTER_CHUNK_ACTIVITY ? { ...r, handler: wrap(r.handler) } : r));
}

const batchOf = async (ref: BatchRef) => (await svc.background.batchDeps.batches.get(ref))?.value;

function batchReaches(ref: BatchRef, accept: (b: DeviceBatch) => boolean, what: string) {
  return eventually(
    () => batchOf(ref),
    (b) => b !== undefined && accept(b),
    `batch ${ref.batchId} to be ${what}`,
    180_000,
  ) as Promise<DeviceBatch>;
}
const inStatus = (ref: BatchRef, status: BatchStatus) =>
  batchReaches(ref, (b) => b.status === status, status);

async function everyOutcome(ref: BatchRef, chunkCount: number): Promise<DeviceOutcome[]> {
  const all: DeviceOutcome[] = [];
  for (let c = 0; c < chunkCount; c++)
    all.push(...(await svc.background.batchDeps.outcomes.readChunk(ref, c)));
  return all;
}

/** Rows of the global device index that this batch owns. */
async function indexRowsOf(ref: BatchRef): Promise<{ rowKey: string; idx: number }[]> {
  const rows: { rowKey: string; idx: number }[] = [];
  for (let n = 0; n < DEVICE_INDEX_TABLES; n++) {
    const client = await svc.tables.table(indexTableName(svc.tableNames.deviceIndex, n));
    for await (const row of client.listEntities<{ idx: number }>({
      queryOptions: {
        filter: odata`tenantId eq ${ref.tenantId} and partnerId eq ${ref.partnerId} and batchId eq ${ref.batchId}`,
      },
    })) {
      rows.push({ rowKey: String(row.rowKey), idx: row.idx });
    }
  }
  return rows;
}

async function instanceStatus(runtime: LocalDurableRuntime, ref: BatchRef) {
  return clientFor(runtime).getStatus(batchInstanceId(ref));
}

/** The instance once it has completed (it records the batch's final status just before it returns). */
function completedInstance(runtime: LocalDurableRuntime, ref: BatchRef) {
  return eventually(
    () => instanceStatus(runtime, ref),
    (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Completed,
    `instance of batch ${ref.batchId} to complete`,
  );
}

beforeAll(async () => {
  svc = await services();
  expect(svc.tableNames.deviceBatches.startsWith(TABLE_PREFIX)).toBe(true);
  for (const partner of Object.values(PARTNERS)) await svc.partners.upsert(partner);
});

beforeEach(() => {
  taskHub = newTaskHub();
});

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.stop()));
});

afterAll(() => dropTables(svc.tables, svc.tableNames));

describe('device batch orchestration on the local durable runtime', () => {
  it('when a batch arrives before consent and the customer then accepts, then it waits, runs, and finishes with every device accounted for', async () => {
    const runtime = await start();
    const deps = depsFor(runtime);
    // One device is already registered to another tenant, under its tuple; this batch sends its hash.
    const elsewhere = ownerOf(tupleDevice(7, 11));
    await deps.registry.claim([{ keys: elsewhere.keys, owner: elsewhere }]);
    const count = CHUNK_SIZE + 200;
    const devices: unknown[] = Array.from({ length: count }, (_, i) => {
      if (i === 5) return hashDevice(7, 11);
      if (i % 100 === 99) return { productKey: `bad-${i}` };
      return i % 3 === 0 ? tupleDevice(i, 11) : pkidDevice(i, 11);
    });
    devices.push(pkidDevice(1, 11)); // a duplicate of index 1

    const { batch } = await submitDeviceBatch(deps, partnerClient(direct), 'api', TENANT_ID, {
      batchId: 'before-consent',
      devices,
    });
    // Every 100th device is refused, and the duplicate of index 1.
    expect(batch).toMatchObject({ status: 'queued', chunkCount: 2, prefailed: Math.floor(count / 100) + 1 });
    await inStatus(batch, 'awaiting_consent');
    expect((await instanceStatus(runtime, batch)).customStatus).toEqual({ status: 'awaiting_consent' });
    expect(await indexRowsOf(batch)).toEqual([]);

    const { url } = await createInvitation(deps, partnerClient(direct), { kind: 'reseller-relationship' });
    await acceptInvitation(deps, tokenOf(url), customerUser(), {
      consent: true,
      includeDelegatedAdmin: false,
    });

    const done = await batchReaches(batch, (b) => TERMINAL_STATUSES.has(b.status), 'final');
    // The refused at submission, and device 5 held by another tenant (808).
    const failed = batch.prefailed + 1;
    expect(done).toMatchObject({
      status: 'finished_with_errors',
      total: count + 1,
      registered: count + 1 - failed,
      failed,
      processed: count + 1,
    });
    expect(done.startedAt).not.toBeNull();
    expect(done.completedAt).not.toBeNull();
    const status = await completedInstance(runtime, batch);
    expect(status.output).toEqual({
      status: 'finished_with_errors',
      registered: done.registered,
      failed,
    });

    const outcomes = await everyOutcome(batch, 2);
    expect(outcomes.map((o) => o.index)).toEqual(devices.map((_, i) => i));
    expect(outcomes[5]).toMatchObject({ status: 'failed', errorNumber: 808 });
    expect(outcomes[99]).toMatchObject({ status: 'failed', errorNumber: 801 });
    expect(outcomes[count]).toMatchObject({ status: 'failed', errorCode: 'ZtdDeviceDuplicated' });
    expect(outcomes.filter((o) => o.status === 'registered')).toHaveLength(done.registered);

    const rows = await indexRowsOf(batch);
    expect(rows).toHaveLength(done.registered);
    expect(new Set(rows.map((r) => r.idx)).size).toBe(done.registered);

    const failedPage = await listBatchDevices(deps, partnerClient(direct), TENANT_ID, batch.batchId, {
      pageSize: 100,
      status: 'failed',
    });
    expect(failedPage.items).toHaveLength(failed);
    expect(failedPage.continuationToken).toBeNull();
  });

  it('when consent is raised for a batch whose orchestration was never started, then the local engine answers like the extension (404, "No instance with ID") and nothing fails', async () => {
    const runtime = await start();
    const ref: BatchRef = { tenantId: randomUUID(), partnerId: direct.id, batchId: `never-${randomUUID()}` };
    await expect(clientFor(runtime).raiseEvent(batchInstanceId(ref), 'x', {})).rejects.toThrow(
      `No instance with ID '${batchInstanceId(ref)}' found.`,
    );
    await expect(depsFor(runtime).workflow.consentGiven(ref)).resolves.toBeUndefined();
  });

  it('when consent is already active, then the batch runs at once and finishes with every device registered', async () => {
    const runtime = await start();
    const deps = depsFor(runtime);
    await giveConsent(deps, PARTNERS.oem.id);
    const devices = Array.from({ length: 2 * CHUNK_SIZE + 1 }, (_, i) => pkidDevice(i, 12));
    const { batch } = await submitDeviceBatch(deps, partnerClient(PARTNERS.oem), 'api', TENANT_ID, {
      batchId: 'consented',
      devices,
    });
    const done = await batchReaches(batch, (b) => TERMINAL_STATUSES.has(b.status), 'final');
    expect(done).toMatchObject({ status: 'finished', registered: devices.length, failed: 0 });
    expect(await indexRowsOf(batch)).toHaveLength(devices.length);

    // Submitting the same body again is the same batch, and starts nothing new.
    const again = await submitDeviceBatch(deps, partnerClient(PARTNERS.oem), 'api', TENANT_ID, {
      batchId: 'consented',
      devices,
    });
    expect(again).toEqual({ batch: done, created: false });
  });

  it('when the chunk activity crashes after doing its work, then the retry registers nothing twice and every device ends registered once', async () => {
    let crashes = 0;
    const runtime = await start(
      withChunkActivity((inner) => async (input, context) => {
        const result = await inner(input, context);
        if ((input as { chunkNo: number }).chunkNo === 1 && crashes === 0) {
          crashes++;
          throw new Error('the worker died after writing, before reporting');
        }
        return result;
      }),
    );
    const deps = depsFor(runtime);
    await giveConsent(deps, PARTNERS.provider.id);
    const devices = Array.from({ length: 3 * CHUNK_SIZE }, (_, i) =>
      i % 2 ? pkidDevice(i, 13) : tupleDevice(i, 13),
    );
    const { batch } = await submitDeviceBatch(deps, partnerClient(PARTNERS.provider), 'api', TENANT_ID, {
      batchId: 'crash-once',
      devices,
    });
    const done = await batchReaches(batch, (b) => TERMINAL_STATUSES.has(b.status), 'final');
    expect(crashes).toBe(1);
    expect(done).toMatchObject({ status: 'finished', registered: devices.length, failed: 0 });
    const rows = await indexRowsOf(batch);
    expect(rows).toHaveLength(devices.length);
    const outcomes = await everyOutcome(batch, 3);
    expect(outcomes).toHaveLength(devices.length);
    expect(outcomes.every((o) => o.status === 'registered')).toBe(true);
  });

  it('when one chunk fails every attempt after claiming its devices, then that chunk is given back and written failed with ZtdDeviceRegistrationFailed, and the batch still ends finished_with_errors', async () => {
    let attempts = 0;
    const runtime = await start(
      withChunkActivity((inner) => async (input, context) => {
        if ((input as { chunkNo: number }).chunkNo !== 1) return inner(input, context);
        // The worst case: the first attempt claims the chunk's devices and writes their outcomes before
        // it fails; the others fail at once.
        if (++attempts === 1) await inner(input, context);
        throw new Error('the registration of this chunk keeps failing');
      }),
    );
    const deps = depsFor(runtime);
    const partner = { ...direct, id: 'contoso-failing-chunk' };
    await svc.partners.upsert(partner);
    await giveConsent(deps, partner.id);
    const count = 2 * CHUNK_SIZE + 10;
    const refused = CHUNK_SIZE + 7;
    const devices: unknown[] = Array.from({ length: count }, (_, i) =>
      i === refused ? { productKey: 'bad' } : i % 2 ? pkidDevice(i, 17) : tupleDevice(i, 17),
    );
    const { batch } = await submitDeviceBatch(deps, partnerClient(partner), 'api', TENANT_ID, {
      batchId: 'failing-chunk',
      devices,
    });
    expect(batch.chunkCount).toBe(3);

    const done = await batchReaches(batch, (b) => TERMINAL_STATUSES.has(b.status), 'final');
    expect(attempts).toBe(5);
    const registered = count - CHUNK_SIZE;
    expect(done).toMatchObject({
      status: 'finished_with_errors',
      total: count,
      registered,
      failed: CHUNK_SIZE,
      processed: count,
    });
    expect((await completedInstance(runtime, batch)).output).toEqual({
      status: 'finished_with_errors',
      registered,
      failed: CHUNK_SIZE,
    });

    const failedChunk = await svc.background.batchDeps.outcomes.readChunk(batch, 1);
    expect(failedChunk.map((o) => o.index)).toEqual(
      Array.from({ length: CHUNK_SIZE }, (_, i) => CHUNK_SIZE + i),
    );
    expect(failedChunk.every((o) => o.status === 'failed')).toBe(true);
    const errors = new Map<string | null, number>();
    for (const o of failedChunk) errors.set(o.errorCode, (errors.get(o.errorCode) ?? 0) + 1);
    expect(Object.fromEntries(errors)).toEqual({
      ZtdDeviceRegistrationFailed: CHUNK_SIZE - 1,
      InvalidZtdRequestBody: 1,
    });
    expect(failedChunk[refused - CHUNK_SIZE]).toMatchObject({
      errorCode: 'InvalidZtdRequestBody',
      errorNumber: 801,
    });
    expect(failedChunk[0]?.errorDescription).toMatch(/Submit the device again/);

    // None of its keys is held; the other two chunks' devices are registered once each.
    await runtime.idle();
    const rows = await indexRowsOf(batch);
    expect(rows.filter((r) => r.idx >= CHUNK_SIZE && r.idx < 2 * CHUNK_SIZE)).toEqual([]);
    expect(rows).toHaveLength(registered);
    const others = [
      ...(await svc.background.batchDeps.outcomes.readChunk(batch, 0)),
      ...(await svc.background.batchDeps.outcomes.readChunk(batch, 2)),
    ];
    expect(others).toHaveLength(registered);
    expect(others.every((o) => o.status === 'registered')).toBe(true);

    const failedPage = await listBatchDevices(deps, partnerClient(partner), TENANT_ID, batch.batchId, {
      pageSize: 10,
      status: 'failed',
    });
    expect(failedPage.items[0]).toMatchObject({
      index: CHUNK_SIZE,
      errorCode: 'ZtdDeviceRegistrationFailed',
    });
  });

  it('when a batch has more chunks than slots, then on the local runtime every chunk runs once, progress is recorded in order with growing counts, and the batch finishes', async () => {
    // Only the orchestration is real here: the activities answer at once, so many chunks are cheap.
    const chunkCount = 3 * PARALLEL_CHUNKS + 2;
    const ran: number[] = [];
    const recorded: RecordProgressInput[] = [];
    const handlers: Record<string, Registration['handler']> = {
      [CHECK_CONSENT_ACTIVITY]: () => Promise.resolve('active'),
      [REGISTER_CHUNK_ACTIVITY]: (input) => {
        const { chunkNo } = RegisterChunkInputSchema.parse(input);
        ran.push(chunkNo);
        return Promise.resolve({ registered: 100 - (chunkNo % 3), failed: chunkNo % 3, canceled: false });
      },
      [RECORD_PROGRESS_ACTIVITY]: (input) => {
        const update = RecordProgressInputSchema.parse(input);
        recorded.push(update);
        return Promise.resolve(update.status);
      },
    };
    const runtime = await start(
      functionRegistry.all().map((r) => (handlers[r.name] ? { ...r, handler: handlers[r.name]! } : r)),
    );
    const ref = { tenantId: TENANT_ID, partnerId: direct.id, batchId: 'more-chunks-than-slots' };
    await clientFor(runtime).startNew(DEVICE_BATCH_ORCHESTRATION, {
      instanceId: batchInstanceId(ref),
      input: { ...ref, chunkCount, deadline: '2099-01-01T00:00:00.000Z' },
    });

    const failed = Array.from({ length: chunkCount }, (_, chunkNo) => chunkNo % 3).reduce((a, b) => a + b, 0);
    const registered = 100 * chunkCount - failed;
    expect((await completedInstance(runtime, ref)).output).toEqual({
      status: 'finished_with_errors',
      registered,
      failed,
    });
    expect([...ran].sort((a, b) => a - b)).toEqual([...Array(chunkCount).keys()]);
    const processing = recorded.filter((r) => r.status === 'processing');
    expect(processing.map((r) => (r.registered ?? 0) + (r.failed ?? 0))).toEqual(
      Array.from({ length: chunkCount + 1 }, (_, i) => 100 * i),
    );
    expect(recorded.at(-1)).toMatchObject({ status: 'finished_with_errors', registered, failed });
  });

  it('when the runtime stops in the middle of a chunk and a new one starts on the same task hub, then the batch finishes and every device is registered exactly once', async () => {
    // Never settles: the first runtime's activity is abandoned, as a dead worker's would be.
    const held = new Promise<void>(() => undefined);
    let reachedHold!: () => void;
    const reached = new Promise<void>((resolve) => (reachedHold = resolve));
    const first = await start(
      withChunkActivity((inner) => async (input, context) => {
        const result = await inner(input, context);
        if ((input as { chunkNo: number }).chunkNo === 2) {
          // The chunk's registrations are written; the process "dies" before it reports.
          reachedHold();
          await held;
        }
        return result;
      }),
    );
    const deps = depsFor(first);
    const partner = { ...direct, id: 'contoso-restart' };
    await svc.partners.upsert(partner);
    await giveConsent(deps, partner.id);
    const devices = Array.from({ length: 4 * CHUNK_SIZE - 300 }, (_, i) => pkidDevice(i, 14));
    const { batch } = await submitDeviceBatch(deps, partnerClient(partner), 'api', TENANT_ID, {
      batchId: 'restart',
      devices,
    });
    await reached;
    await first.stop();
    runtimes.splice(runtimes.indexOf(first), 1);

    const second = await start();
    const done = await batchReaches(batch, (b) => TERMINAL_STATUSES.has(b.status), 'final');
    expect(done).toMatchObject({ status: 'finished', registered: devices.length, failed: 0 });
    expect((await completedInstance(second, batch)).output).toMatchObject({ status: 'finished' });
    const rows = await indexRowsOf(batch);
    expect(rows).toHaveLength(devices.length);
    expect(new Set(rows.map((r) => r.idx)).size).toBe(devices.length);
    const outcomes = await everyOutcome(batch, 4);
    expect(outcomes.map((o) => o.index)).toEqual(devices.map((_, i) => i));
    expect(outcomes.every((o) => o.status === 'registered')).toBe(true);
  });

  it('when the customer revokes consent while a chunk is running, then the batch is canceled and that chunk registers nothing', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const atGate = new Promise<void>((resolve) => (arrived = resolve));
    const runtime = await start(
      withChunkActivity((inner) => async (input, context) => {
        arrived();
        await gate;
        return inner(input, context);
      }),
    );
    const deps = depsFor(runtime);
    const partner = { ...direct, id: 'contoso-revoked' };
    await svc.partners.upsert(partner);
    const { url } = await createInvitation(deps, partnerClient(partner), { kind: 'reseller-relationship' });
    await acceptInvitation(deps, tokenOf(url), customerUser(), {
      consent: true,
      includeDelegatedAdmin: false,
    });
    const { batch } = await submitDeviceBatch(deps, partnerClient(partner), 'api', TENANT_ID, {
      batchId: 'revoked-midway',
      devices: Array.from({ length: 10 }, (_, i) => pkidDevice(i, 15)),
    });
    await atGate;
    await revokePartner(deps, customerUser(), partner.id);
    release();

    const done = await batchReaches(batch, (b) => TERMINAL_STATUSES.has(b.status), 'final');
    expect(done).toMatchObject({ status: 'canceled', registered: 0 });
    const status = await completedInstance(runtime, batch);
    expect(status.output).toMatchObject({ status: 'canceled' });
    // The held chunk ran after the revocation: it found no consent and registered nothing.
    await runtime.idle();
    expect(await indexRowsOf(batch)).toEqual([]);
  });

  it('when consent does not come before the deadline, then the batch expires without registering anything', async () => {
    const runtime = await start();
    const deps = { ...depsFor(runtime), consentDeadline: 'PT2S' };
    const { batch } = await submitDeviceBatch(deps, partnerClient(PARTNERS.provider), 'api', OTHER_TENANT, {
      batchId: 'too-late',
      devices: [pkidDevice(1, 16)],
    });
    const done = await inStatus(batch, 'expired');
    expect(done.completedAt).not.toBeNull();
    expect(await indexRowsOf(batch)).toEqual([]);
    expect((await completedInstance(runtime, batch)).output).toEqual({ status: 'expired' });
  });
});
