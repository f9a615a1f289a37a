import { CHUNK_SIZE } from '../../../shared/application/batches/batchDependencies';
import { submitDeviceBatch } from '../../../shared/application/batches/submitDeviceBatch';
import { VersionConflict } from '../../../shared/application/ports/versioned';
import { registerChunk } from '../../../shared/application/batches/registerChunk';
import type { BatchRef, DeviceBatch } from '../../../shared/domain/batches/deviceBatch';
import type { InMemoryBatchWorld } from '../../support/inMemoryBatchPorts';
import {
  giveConsent,
  inMemoryBatchWorld,
  pkidDevice,
  refusal,
  tupleDevice,
} from '../../support/inMemoryBatchPorts';
import { PARTNERS, TENANT_ID, partnerClient } from '../../support/inMemoryPorts';
import type { Partner } from '../../../shared/domain/partners/partner';
import { buildHardwareHash } from '../../support/hardwareHashes';

const devices = (count: number, series = 0) => Array.from({ length: count }, (_, i) => pkidDevice(i, series));

function submit(
  world: InMemoryBatchWorld,
  body: { batchId: string; devices: unknown[] },
  options: { partner?: Partner; channel?: 'api' | 'portal'; tenantId?: string } = {},
) {
  return submitDeviceBatch(
    world.batchDeps,
    partnerClient(options.partner ?? PARTNERS.direct),
    options.channel ?? 'api',
    options.tenantId ?? TENANT_ID,
    body,
  );
}

describe('submitDeviceBatch', () => {
  it('when a partner submits devices, then the batch is stored queued with its counts, staged, started once and audited', async () => {
    const world = inMemoryBatchWorld();
    const { batch, created } = await submit(world, { batchId: 'b1', devices: devices(3) });

    expect(created).toBe(true);
    expect(batch).toMatchObject({
      tenantId: TENANT_ID,
      partnerId: PARTNERS.direct.id,
      batchId: 'b1',
      status: 'queued',
      total: 3,
      prefailed: 0,
      registered: 0,
      failed: 0,
      processed: 0,
      chunkCount: 1,
      createdAt: '2025-03-01T10:00:00.000Z',
      startedAt: null,
      completedAt: null,
    });
    expect(world.batches.peek(batch)).toEqual(batch);
    expect(world.staging.chunksOf(batch)).toEqual([devices(3).map((entry, index) => ({ index, entry }))]);
    expect(world.workflow.calls).toEqual([
      {
        kind: 'ensureStarted',
        ref: { tenantId: TENANT_ID, partnerId: PARTNERS.direct.id, batchId: 'b1' },
        chunkCount: 1,
        deadline: batch.consentDeadline,
      },
    ]);
    expect(world.audit.ofType('DeviceBatchSubmitted')).toEqual([
      expect.objectContaining({
        partnerId: PARTNERS.direct.id,
        tenantId: TENANT_ID,
        details: { batchId: 'b1', total: 3, prefailed: 0, channel: 'api' },
      }),
    ]);
  });

  it('when the consent deadline is configured, then the batch waits for consent that long from its submission', async () => {
    const fortnight = inMemoryBatchWorld();
    const { batch } = await submit(fortnight, { batchId: 'b1', devices: devices(1) });
    expect(batch.consentDeadline).toBe('2025-03-15T10:00:00.000Z');

    const short = inMemoryBatchWorld({ consentDeadline: 'PT30S' });
    short.clock.set('2025-06-01T08:00:00.000Z');
    const { batch: quick } = await submit(short, { batchId: 'b1', devices: devices(1) });
    expect(quick.consentDeadline).toBe('2025-06-01T08:00:30.000Z');
    expect(short.workflow.calls[0]).toMatchObject({ deadline: '2025-06-01T08:00:30.000Z' });
  });

  it('when the same body is submitted again under the same batchId, then it is the same batch and the orchestration is ensured again', async () => {
    const world = inMemoryBatchWorld();
    const body = { batchId: 'b1', devices: devices(5) };
    const first = await submit(world, body);
    world.clock.advanceDays(1);
    const again = await submit(world, structuredClone(body));

    expect(again.created).toBe(false);
    expect(again.batch).toEqual(first.batch);
    expect(world.batches.size).toBe(1);
    expect(world.workflow.ofKind('ensureStarted')).toHaveLength(2);
    expect(world.workflow.calls[1]).toEqual(world.workflow.calls[0]);
    expect(world.audit.ofType('DeviceBatchSubmitted')).toHaveLength(1);
  });

  it('when the same body is submitted again after the batch reached a final status, then the orchestration is not started again', async () => {
    const world = inMemoryBatchWorld();
    const body = { batchId: 'b1', devices: devices(2) };
    const { batch } = await submit(world, body);
    for (const status of ['finished', 'finished_with_errors', 'expired', 'canceled'] as const) {
      world.batches.put({ ...batch, status });
      const again = await submit(world, body);
      expect(again).toEqual({ batch: { ...batch, status }, created: false });
    }
    expect(world.workflow.ofKind('ensureStarted')).toHaveLength(1);
  });

  it('when another body is submitted under a used batchId, then it is refused with 409 BatchIdConflict and nothing changes', async () => {
    const world = inMemoryBatchWorld();
    const { batch } = await submit(world, { batchId: 'b1', devices: devices(2) });
    const staged = world.staging.chunksOf(batch);

    const error = await refusal(submit(world, { batchId: 'b1', devices: devices(3) }));
    expect(error.kind).toBe('conflict');
    expect(error.code).toBe('BatchIdConflict');
    expect(error.message).toMatch(/new batchId/);
    expect(world.batches.peek(batch)).toEqual(batch);
    expect(world.staging.chunksOf(batch)).toEqual(staged);
    expect(world.workflow.calls).toHaveLength(1);

    // The same devices in another order are another body too.
    const reordered = await refusal(submit(world, { batchId: 'b1', devices: devices(2).reverse() }));
    expect(reordered.code).toBe('BatchIdConflict');
  });

  it('when the same batchId is used by another partner or for another tenant, then it is a separate batch', async () => {
    const world = inMemoryBatchWorld();
    await submit(world, { batchId: 'b1', devices: devices(2) });
    const other = await submit(world, { batchId: 'b1', devices: devices(3) }, { partner: PARTNERS.oem });
    const elsewhere = await submit(
      world,
      { batchId: 'b1', devices: devices(4) },
      { tenantId: '9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94' },
    );
    expect([other.created, elsewhere.created]).toEqual([true, true]);
    expect(world.batches.size).toBe(3);
  });

  it('when an indirect reseller submits through the API, then it is refused with 403 ResellerMustUsePortal and nothing is written', async () => {
    const world = inMemoryBatchWorld();
    const error = await refusal(
      submit(world, { batchId: 'b1', devices: devices(2) }, { partner: PARTNERS.reseller }),
    );
    expect(error.kind).toBe('forbidden');
    expect(error.code).toBe('ResellerMustUsePortal');
    expect(world.batches.size).toBe(0);
    expect(world.staging.writeCalls).toBe(0);
    expect(world.workflow.calls).toEqual([]);
  });

  it('when an indirect reseller uploads through the portal, then its batch is accepted', async () => {
    const world = inMemoryBatchWorld();
    const { batch, created } = await submit(
      world,
      { batchId: 'csv-1', devices: devices(2) },
      { partner: PARTNERS.reseller, channel: 'portal' },
    );
    expect(created).toBe(true);
    expect(batch.partnerId).toBe(PARTNERS.reseller.id);
    expect(world.audit.ofType('DeviceBatchSubmitted')[0]?.details).toMatchObject({ channel: 'portal' });
  });

  it('when the caller names a partner that is not registered, then it is refused and nothing is written', async () => {
    const world = inMemoryBatchWorld();
    const error = await refusal(
      submitDeviceBatch(
        world.batchDeps,
        { kind: 'partner-client', partnerId: 'nobody', clientId: 'x' },
        'api',
        TENANT_ID,
        { batchId: 'b1', devices: devices(1) },
      ),
    );
    expect(error.code).toBe('UnknownPartner');
    expect(world.batches.size).toBe(0);
  });

  it('when devices are malformed, unidentifiable or repeated, then they are staged with their error and counted as prefailed', async () => {
    const world = inMemoryBatchWorld();
    const good = pkidDevice(1);
    const body = {
      batchId: 'mixed',
      devices: [
        good,
        { productKey: '12345' }, // 801: not a 13-digit PKID
        { hardwareHash: buildHardwareHash({ serialNumber: 'X' }).slice(0, 1000) }, // 802: cut short
        { serialNumber: 'SN-1', modelName: 'M' }, // 803
        { ...good }, // duplicate of index 0
        'not a device', // 801
        tupleDevice(2),
      ],
    };
    const { batch } = await submit(world, body);
    expect(batch.total).toBe(7);
    expect(batch.prefailed).toBe(5);

    const [chunk] = world.staging.chunksOf(batch);
    const errors = chunk!.map((s) => [s.index, s.error?.errorCode ?? null, s.error?.errorNumber ?? null]);
    expect(errors).toEqual([
      [0, null, null],
      [1, 'InvalidZtdRequestBody', 801],
      [2, 'InvalidZtdHardwareHash', 802],
      [3, 'MissingZtdSerialNumberAndProductKey', 803],
      [4, 'ZtdDeviceDuplicated', null],
      [5, 'InvalidZtdRequestBody', 801],
      [6, null, null],
    ]);
    expect(chunk![4]!.error!.errorDescription).toMatch(/index 0/);
    // Refused devices keep their known fields; what is not a device keeps nothing.
    expect(chunk!.map((s) => s.entry)).toEqual(body.devices.map((d) => (typeof d === 'string' ? {} : d)));
  });

  it('when a refused device is of any size, then what is staged of it keeps its known fields within their limits', async () => {
    const world = inMemoryBatchWorld();
    const huge = {
      hardwareHash: 'A'.repeat(1_000_000),
      serialNumber: 'S'.repeat(10_000),
      groupTag: 'Sales',
      extra: 'x'.repeat(100_000),
    };
    const { batch } = await submit(world, { batchId: 'huge', devices: [huge, pkidDevice(1)] });
    expect(batch.prefailed).toBe(1);

    const [chunk] = world.staging.chunksOf(batch);
    expect(chunk![0]!.entry).toEqual({ serialNumber: 'S'.repeat(128), groupTag: 'Sales' });
    expect(chunk![0]!.error?.errorNumber).toBe(801);
    expect(chunk![1]!.entry).toEqual(pkidDevice(1));
  });

  it(`when a submission holds more than ${CHUNK_SIZE} devices, then it is staged in chunks of ${CHUNK_SIZE} with global indexes`, async () => {
    const world = inMemoryBatchWorld();
    const count = 2 * CHUNK_SIZE + 500;
    const { batch } = await submit(world, { batchId: 'big', devices: devices(count) });
    expect(batch.chunkCount).toBe(3);
    const chunks = world.staging.chunksOf(batch);
    expect(chunks.map((c) => c.length)).toEqual([CHUNK_SIZE, CHUNK_SIZE, 500]);
    expect(chunks.flat().map((s) => s.index)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(chunks[1]![0]).toEqual({ index: CHUNK_SIZE, entry: pkidDevice(CHUNK_SIZE) });
    expect(world.workflow.calls[0]).toMatchObject({ chunkCount: 3 });
  });

  it('when a submission holds exactly one chunk of devices or one more, then the chunk count is 1 or 2', async () => {
    const world = inMemoryBatchWorld();
    const exact = await submit(world, { batchId: 'exact', devices: devices(CHUNK_SIZE) });
    const oneMore = await submit(world, { batchId: 'one-more', devices: devices(CHUNK_SIZE + 1, 1) });
    expect(exact.batch.chunkCount).toBe(1);
    expect(oneMore.batch.chunkCount).toBe(2);
    expect(world.staging.chunksOf(oneMore.batch)[1]).toEqual([
      { index: CHUNK_SIZE, entry: pkidDevice(CHUNK_SIZE, 1) },
    ]);
  });

  it('when the same submission arrives twice at once and the other one creates the batch first, then this one returns that batch', async () => {
    const world = inMemoryBatchWorld();
    const body = { batchId: 'race', devices: devices(2) };
    let winner: DeviceBatch | undefined;
    const create = world.batches.create.bind(world.batches);
    world.batches.create = async (batch) => {
      // The concurrent request wins between our read and our insert.
      winner = { ...batch, createdAt: '2025-03-01T09:59:59.000Z' };
      await create(winner);
      throw new VersionConflict('batch');
    };
    const result = await submit(world, body);
    expect(result).toEqual({ batch: winner, created: false });
    expect(world.workflow.ofKind('ensureStarted')).toHaveLength(1);
    // The batch is still queued, so its audit is recorded here too: under the batch's own ID and time,
    // so that the winner's record and this one are one event.
    expect(world.audit.ofType('DeviceBatchSubmitted')).toEqual([
      expect.objectContaining({
        at: '2025-03-01T09:59:59.000Z',
        details: expect.objectContaining({ total: 2 }),
      }),
    ]);
  });
});

/**
 * Holds each arriving call until `count` have arrived, then lets them go in the order `release` says.
 * A call arrives as the caller names it (by default its place in the arrival order): submissions
 * validate in slices, so a smaller body may reach the gate before a larger one sent first.
 */
function gate(count: number) {
  const waiting = new Map<number, () => void>();
  let opened: (() => void) | undefined;
  const allHere = new Promise<void>((resolve) => (opened = resolve));
  return {
    arrive(name = waiting.size): Promise<number> {
      const turn = new Promise<number>((resolve) => waiting.set(name, () => resolve(name)));
      if (waiting.size === count) opened!();
      return turn;
    },
    async release(order: readonly number[]) {
      await allHere;
      for (const i of order) {
        waiting.get(i)!();
        // Let the released call run to its next wait before the next one goes.
        for (let tick = 0; tick < 20; tick++) await Promise.resolve();
      }
    },
  };
}

/** The staged devices of the batch as its row names them, flattened. */
const stagedEntries = (world: InMemoryBatchWorld, ref: BatchRef) => {
  const batch = world.batches.peek(ref)!;
  return world.staging.chunksOf(batch).flat();
};

describe('submitDeviceBatch: one batchId, two bodies at once', () => {
  const body = (series: number, count: number) => ({ batchId: 'same', devices: devices(count, series) });
  const ref = { tenantId: TENANT_ID, partnerId: PARTNERS.direct.id, batchId: 'same' };

  it.each([
    ['the first to stage inserts first', [0, 1]],
    ['the second to stage inserts first', [1, 0]],
  ])(
    'when both read no batch and both stage before either inserts (%s), then one body is the whole batch, the other is 409 and leaves nothing staged',
    async (_label, order) => {
      const world = inMemoryBatchWorld();
      const bodies = [body(1, CHUNK_SIZE + 3), body(2, CHUNK_SIZE - 5)];
      const staged = gate(2);
      const create = world.batches.create.bind(world.batches);
      world.batches.create = async (batch) => {
        await staged.arrive(bodies.findIndex((b) => b.devices.length === batch.total));
        return create(batch);
      };
      const answers = bodies.map((b) =>
        submit(world, b).then(
          (r) => ({ ok: true as const, batch: r.batch }),
          (e: unknown) => ({ ok: false as const, error: e }),
        ),
      );
      await staged.release(order);
      const settled = await Promise.all(answers);

      const winnerNo = order[0]!;
      const loserNo = order[1]!;
      expect(settled[winnerNo]).toMatchObject({ ok: true });
      const lost = settled[loserNo]!;
      expect(lost.ok).toBe(false);
      expect(!lost.ok && (lost.error as { code?: string }).code).toBe('BatchIdConflict');

      const winner = bodies[winnerNo]!.devices;
      const batch = world.batches.peek(ref)!;
      expect([batch.total, batch.chunkCount]).toEqual([winner.length, Math.ceil(winner.length / CHUNK_SIZE)]);
      expect(stagedEntries(world, ref).map((s) => s.entry)).toEqual(winner);
      expect(world.staging.submissions).toBe(1);
      expect(world.workflow.ofKind('ensureStarted')).toHaveLength(1);
      expect(world.audit.ofType('DeviceBatchSubmitted').map((e) => e.details.total)).toEqual([winner.length]);

      // What the orchestration registers is the winner's devices, every one of them.
      await giveConsent(world, PARTNERS.direct.id);
      let registered = 0;
      for (let chunkNo = 0; chunkNo < batch.chunkCount; chunkNo++)
        registered += (await registerChunk(world.batchDeps, ref, chunkNo)).registered;
      expect(registered).toBe(winner.length);
      const held = new Set(world.registry.entries().map(([, owner]) => owner.deviceId));
      expect(held).toEqual(new Set(winner.map((d) => `pkid:${d.productKey}`)));
    },
  );

  it('when the same body arrives twice and both stage before either inserts, then there is one batch, audited once and started', async () => {
    const world = inMemoryBatchWorld();
    const staged = gate(2);
    const create = world.batches.create.bind(world.batches);
    world.batches.create = async (batch) => {
      await staged.arrive();
      return create(batch);
    };
    const answers = [body(1, 10), body(1, 10)].map((b) => submit(world, b));
    await staged.release([1, 0]);
    const [a, b] = await Promise.all(answers);
    expect([a!.created, b!.created].sort()).toEqual([false, true]);
    expect(a!.batch).toEqual(b!.batch);
    expect(stagedEntries(world, ref).map((s) => s.entry)).toEqual(body(1, 10).devices);
    expect(world.audit.ofType('DeviceBatchSubmitted')).toHaveLength(1);
    expect(world.workflow.ofKind('ensureStarted').length).toBeGreaterThanOrEqual(1);
  });
});

describe('submitDeviceBatch: a crash at each step, then the same body again', () => {
  const crash = () => new Error('the host died here');
  /** The next call of `port[method]` fails as if the host died there; later calls run as before. */
  function crashOnce<P extends object, M extends keyof P>(port: P, method: M): void {
    const original = port[method];
    port[method] = (() => {
      port[method] = original;
      return Promise.reject(crash());
    }) as P[M];
  }
  const body = { batchId: 'crashy', devices: devices(CHUNK_SIZE + 2, 3) };
  const ref = { tenantId: TENANT_ID, partnerId: PARTNERS.direct.id, batchId: 'crashy' };

  /** After the retry: one batch of the whole body, staged whole, audited once, its orchestration started. */
  function expectWhole(world: InMemoryBatchWorld) {
    const batch = world.batches.peek(ref)!;
    expect(batch).toMatchObject({ status: 'queued', total: body.devices.length, chunkCount: 2 });
    expect(stagedEntries(world, ref).map((s) => s.entry)).toEqual(body.devices);
    expect(world.audit.ofType('DeviceBatchSubmitted')).toHaveLength(1);
    expect(world.workflow.ofKind('ensureStarted').at(-1)).toMatchObject({ ref, chunkCount: 2 });
  }

  it('when the host dies part-way through staging, then no batch exists, and the retry stages the whole body and creates it', async () => {
    const world = inMemoryBatchWorld();
    const writeChunks = world.staging.writeChunks.bind(world.staging);
    world.staging.writeChunks = async (submission, chunks) => {
      world.staging.writeChunks = writeChunks;
      await writeChunks(submission, chunks.slice(0, 1));
      throw crash();
    };
    await expect(submit(world, body)).rejects.toThrow('the host died here');
    expect(world.batches.size).toBe(0);
    expect(world.workflow.calls).toEqual([]);

    const retry = await submit(world, structuredClone(body));
    expect(retry.created).toBe(true);
    expectWhole(world);
  });

  it('when the host dies after staging and before the batch row, then the retry creates the batch from the same staging', async () => {
    const world = inMemoryBatchWorld();
    crashOnce(world.batches, 'create');
    await expect(submit(world, body)).rejects.toThrow('the host died here');
    expect(world.batches.size).toBe(0);

    expect((await submit(world, structuredClone(body))).created).toBe(true);
    expectWhole(world);
    expect(world.staging.submissions).toBe(1);
  });

  it('when the host dies after staging and another body takes the batchId, then that body is the batch and the retry is 409', async () => {
    const world = inMemoryBatchWorld();
    crashOnce(world.batches, 'create');
    await expect(submit(world, body)).rejects.toThrow('the host died here');
    const other = { batchId: 'crashy', devices: devices(7, 4) };
    expect((await submit(world, other)).created).toBe(true);

    expect((await refusal(submit(world, structuredClone(body)))).code).toBe('BatchIdConflict');
    expect(world.batches.peek(ref)).toMatchObject({ total: 7, chunkCount: 1 });
    expect(stagedEntries(world, ref).map((s) => s.entry)).toEqual(other.devices);
  });

  it('when the host dies after the batch row and before its audit, then the retry audits it once and starts it', async () => {
    const world = inMemoryBatchWorld();
    crashOnce(world.audit, 'append');
    await expect(submit(world, body)).rejects.toThrow('the host died here');
    expect(world.batches.size).toBe(1);
    expect(world.workflow.calls).toEqual([]);

    world.clock.advanceDays(1);
    const retry = await submit(world, structuredClone(body));
    expect(retry.created).toBe(false);
    expectWhole(world);
    // The event keeps the batch's time, not the retry's.
    expect(world.audit.ofType('DeviceBatchSubmitted')[0]!.at).toBe(retry.batch.createdAt);
  });

  it('when the host dies after the audit and before the orchestration starts, then the retry starts it and the audit stays one event', async () => {
    const world = inMemoryBatchWorld();
    crashOnce(world.workflow, 'ensureStarted');
    await expect(submit(world, body)).rejects.toThrow('the host died here');
    expect(world.audit.ofType('DeviceBatchSubmitted')).toHaveLength(1);

    await submit(world, structuredClone(body));
    expectWhole(world);
    expect(world.workflow.ofKind('ensureStarted')).toHaveLength(1);
  });

  it('when a losing body dies while removing what it staged, then its retry is still 409 and the batch reads only its own devices', async () => {
    const world = inMemoryBatchWorld();
    const winner = { batchId: 'crashy', devices: devices(5, 5) };
    const create = world.batches.create.bind(world.batches);
    world.batches.create = async (batch) => {
      // The winner inserts between this body's read and its insert.
      world.batches.create = create;
      await submit(world, winner);
      return create(batch);
    };
    world.staging.discard = () => Promise.reject(crash());
    await expect(submit(world, body)).rejects.toThrow('the host died here');

    expect((await refusal(submit(world, structuredClone(body)))).code).toBe('BatchIdConflict');
    expect(stagedEntries(world, ref).map((s) => s.entry)).toEqual(winner.devices);
    expect(world.batches.peek(ref)).toMatchObject({ total: 5 });
  });
});
