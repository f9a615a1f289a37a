import type { BatchDependencies } from '../../shared/application/batches/batchDependencies';
import { submitDeviceBatch } from '../../shared/application/batches/submitDeviceBatch';
import type {
  BatchRepository,
  DeviceOutcomeStore,
  DeviceStaging,
} from '../../shared/application/ports/batchRepository';
import type { BatchWorkflow } from '../../shared/application/ports/batchWorkflow';
import type {
  ClaimResult,
  DeviceClaim,
  DeviceOwner,
  DeviceRegistry,
} from '../../shared/application/ports/deviceRegistry';
import { sameOwner } from '../../shared/application/ports/deviceRegistry';
import type { RelationshipRepository } from '../../shared/application/ports/relationshipRepository';
import type { Versioned } from '../../shared/application/ports/versioned';
import { VersionConflict } from '../../shared/application/ports/versioned';
import type { BatchRef, DeviceBatch, SubmissionRef } from '../../shared/domain/batches/deviceBatch';
import { TERMINAL_STATUSES } from '../../shared/domain/batches/deviceBatch';
import type { DeviceOutcome, StagedDevice } from '../../shared/domain/batches/stagedDevice';
import { DomainError } from '../../shared/domain/domainError';
import { validateDevice } from '../../shared/domain/devices';
import type { Relationship } from '../../shared/domain/relationships/relationship';
import type { InMemoryWorld } from './inMemoryPorts';
import { PARTNERS, TENANT_DOMAIN, TENANT_ID, inMemoryWorld, partnerClient } from './inMemoryPorts';
import { buildHardwareHash } from './hardwareHashes';

/**
 * In-memory stand-ins for the device-batch ports, with the table adapters' semantics: a batch is a
 * keyed insert and ETag-guarded replace (VersionConflict), staging and outcomes are overwritten in
 * place, the registry claims all of a device's keys or none, and the workflow records what it was
 * asked to do. Every read returns a copy. Built on the consent fakes of inMemoryPorts.ts.
 */
const copy = <T>(value: T): T => structuredClone(value);
const refKey = (ref: BatchRef) => `${ref.tenantId}\u0000${ref.partnerId}\u0000${ref.batchId}`;

export class InMemoryBatchRepository implements BatchRepository {
  readonly #rows = new Map<string, { value: DeviceBatch; version: number }>();
  #nextVersion = 1;
  /** Every successful write, in order (create and replace), for assertions on history. */
  readonly writes: DeviceBatch[] = [];

  create(batch: DeviceBatch): Promise<void> {
    const key = refKey(batch);
    if (this.#rows.has(key)) return Promise.reject(new VersionConflict('batch'));
    this.#rows.set(key, { value: copy(batch), version: this.#nextVersion++ });
    this.writes.push(copy(batch));
    return Promise.resolve();
  }

  get(ref: BatchRef): Promise<Versioned<DeviceBatch> | undefined> {
    const row = this.#rows.get(refKey(ref));
    return Promise.resolve(row && { value: copy(row.value), version: `W/"${row.version}"` });
  }

  replace(batch: DeviceBatch, version: string): Promise<void> {
    const key = refKey(batch);
    const row = this.#rows.get(key);
    if (!row || `W/"${row.version}"` !== version) return Promise.reject(new VersionConflict('batch'));
    this.#rows.set(key, { value: copy(batch), version: this.#nextVersion++ });
    this.writes.push(copy(batch));
    return Promise.resolve();
  }

  async listOpen(tenantId: string, partnerId: string): Promise<DeviceBatch[]> {
    return (await this.listByPartner(tenantId, partnerId)).filter((b) => !TERMINAL_STATUSES.has(b.status));
  }

  listByPartner(tenantId: string, partnerId: string): Promise<DeviceBatch[]> {
    return Promise.resolve(
      [...this.#rows.values()]
        .map((row) => copy(row.value))
        .filter((b) => b.tenantId === tenantId && b.partnerId === partnerId),
    );
  }

  tenantsWithBatches(partnerId: string): Promise<string[]> {
    const tenants = [...this.#rows.values()].filter((r) => r.value.partnerId === partnerId);
    return Promise.resolve([...new Set(tenants.map((r) => r.value.tenantId))]);
  }

  /** The stored batch, for assertions (undefined when absent). */
  peek(ref: BatchRef): DeviceBatch | undefined {
    const row = this.#rows.get(refKey(ref));
    return row && copy(row.value);
  }

  /** Writes a batch as it is, bypassing versions (test setup). */
  put(batch: DeviceBatch): void {
    this.#rows.set(refKey(batch), { value: copy(batch), version: this.#nextVersion++ });
  }

  get size(): number {
    return this.#rows.size;
  }
}

/** Staged chunks, one set per submission (batch and body fingerprint), as the table adapter keeps them. */
export class InMemoryDeviceStaging implements DeviceStaging {
  readonly #chunks = new Map<string, StagedDevice[][]>();
  writeCalls = 0;

  writeChunks(submission: SubmissionRef, chunks: readonly (readonly StagedDevice[])[]): Promise<void> {
    this.writeCalls++;
    const existing = this.#chunks.get(submissionKey(submission)) ?? [];
    chunks.forEach((chunk, chunkNo) => (existing[chunkNo] = copy([...chunk])));
    this.#chunks.set(submissionKey(submission), existing);
    return Promise.resolve();
  }

  readChunk(submission: SubmissionRef, chunkNo: number): Promise<StagedDevice[]> {
    return Promise.resolve(copy(this.#chunks.get(submissionKey(submission))?.[chunkNo] ?? []));
  }

  discard(submission: SubmissionRef): Promise<void> {
    this.#chunks.delete(submissionKey(submission));
    return Promise.resolve();
  }

  /** Every chunk of a submission (a batch) as staged, for assertions. */
  chunksOf(submission: SubmissionRef): StagedDevice[][] {
    return copy(this.#chunks.get(submissionKey(submission)) ?? []);
  }

  /** How many submissions have something staged (kept or not), for assertions. */
  get submissions(): number {
    return this.#chunks.size;
  }
}

const submissionKey = (s: SubmissionRef) => `${refKey(s)}\u0000${s.fingerprint}`;

export class InMemoryDeviceOutcomes implements DeviceOutcomeStore {
  readonly #chunks = new Map<string, Map<number, DeviceOutcome>>();
  readonly deregistered: { ref: BatchRef; chunkNo: number; index: number; at: string }[] = [];
  writeCalls = 0;

  writeChunk(ref: BatchRef, chunkNo: number, outcomes: readonly DeviceOutcome[]): Promise<void> {
    this.writeCalls++;
    const key = `${refKey(ref)}\u0000${chunkNo}`;
    const rows = this.#chunks.get(key) ?? new Map<number, DeviceOutcome>();
    for (const outcome of outcomes) rows.set(outcome.index, copy(outcome));
    this.#chunks.set(key, rows);
    return Promise.resolve();
  }

  readChunk(ref: BatchRef, chunkNo: number): Promise<DeviceOutcome[]> {
    const rows = this.#chunks.get(`${refKey(ref)}\u0000${chunkNo}`);
    const at = (index: number) =>
      this.deregistered.find(
        (d) => refKey(d.ref) === refKey(ref) && d.chunkNo === chunkNo && d.index === index,
      )?.at;
    return Promise.resolve(
      rows
        ? [...rows.values()]
            .sort((a, b) => a.index - b.index)
            .map((o) => {
              const deregisteredAt = at(o.index);
              return deregisteredAt === undefined ? copy(o) : { ...copy(o), deregisteredAt };
            })
        : [],
    );
  }

  clearChunk(ref: BatchRef, chunkNo: number): Promise<void> {
    this.#chunks.delete(`${refKey(ref)}\u0000${chunkNo}`);
    return Promise.resolve();
  }

  markDeregistered(ref: BatchRef, chunkNo: number, index: number, at: string): Promise<void> {
    const rows = this.#chunks.get(`${refKey(ref)}\u0000${chunkNo}`);
    if (!rows?.has(index)) return Promise.reject(new Error(`No outcome ${chunkNo}/${index} to mark`));
    this.deregistered.push({ ref: pickRef(ref), chunkNo, index, at });
    return Promise.resolve();
  }
}

/**
 * The global device index with the table adapter's claim rules: a device's keys are taken in sorted
 * order, all or none; a key held by the same owner (a retried claim) counts as taken.
 */
export class InMemoryDeviceRegistry implements DeviceRegistry {
  readonly #keys = new Map<string, DeviceOwner>();

  claim(claims: readonly DeviceClaim[]): Promise<ClaimResult[]> {
    return Promise.resolve(claims.map((claim) => this.#claimOne(claim)));
  }

  find(key: string): Promise<DeviceOwner | undefined> {
    const owner = this.#keys.get(key);
    return Promise.resolve(owner && copy(owner));
  }

  async findMany(keys: readonly string[]): Promise<Map<string, DeviceOwner>> {
    const found = new Map<string, DeviceOwner>();
    for (const key of new Set(keys)) {
      const owner = await this.find(key);
      if (owner) found.set(key, owner);
    }
    return found;
  }

  release(owner: DeviceOwner): Promise<void> {
    for (const key of owner.keys) {
      const held = this.#keys.get(key);
      if (held && sameOwner(held, owner)) this.#keys.delete(key);
    }
    return Promise.resolve();
  }

  /** Registers a device directly (test setup): all its keys, or only `keys` (a claim cut short). */
  seed(owner: DeviceOwner, keys: readonly string[] = owner.keys): void {
    for (const key of keys) this.#keys.set(key, ownerRow(owner));
  }

  /** Every key and its owner, for assertions. */
  entries(): [string, DeviceOwner][] {
    return [...this.#keys.entries()].map(([k, v]) => [k, copy(v)]);
  }

  get size(): number {
    return this.#keys.size;
  }

  #claimOne(claim: DeviceClaim): ClaimResult {
    const keys = [...claim.keys].sort();
    for (const key of keys) {
      const held = this.#keys.get(key);
      if (!held) {
        this.#keys.set(key, ownerRow(claim.owner));
        continue;
      }
      if (sameOwner(held, claim.owner)) continue;
      for (const other of keys) {
        const mine = this.#keys.get(other);
        if (other !== key && mine && sameOwner(mine, claim.owner)) this.#keys.delete(other);
      }
      return { claimed: false, owner: copy(held) };
    }
    return { claimed: true };
  }
}

/** What the index row keeps of an owner (as the table adapter does): the owner's fields and no more. */
const ownerRow = (o: DeviceOwner): DeviceOwner => ({
  tenantId: o.tenantId,
  partnerId: o.partnerId,
  batchId: o.batchId,
  index: o.index,
  chunkNo: o.chunkNo,
  deviceId: o.deviceId,
  keys: [...o.keys],
  registeredAt: o.registeredAt,
});

export type WorkflowCall =
  | {
      readonly kind: 'ensureStarted';
      readonly ref: BatchRef;
      readonly chunkCount: number;
      readonly deadline: string;
    }
  | { readonly kind: 'consentGiven' | 'consentRevoked'; readonly ref: BatchRef };

/** Records what the use cases asked of the orchestration. */
export class RecordingBatchWorkflow implements BatchWorkflow {
  readonly calls: WorkflowCall[] = [];

  ensureStarted(ref: BatchRef, input: { chunkCount: number; deadline: string }): Promise<void> {
    this.calls.push({ kind: 'ensureStarted', ref: pickRef(ref), ...input });
    return Promise.resolve();
  }

  consentGiven(ref: BatchRef): Promise<void> {
    this.calls.push({ kind: 'consentGiven', ref: pickRef(ref) });
    return Promise.resolve();
  }

  consentRevoked(ref: BatchRef): Promise<void> {
    this.calls.push({ kind: 'consentRevoked', ref: pickRef(ref) });
    return Promise.resolve();
  }

  ofKind(kind: WorkflowCall['kind']): WorkflowCall[] {
    return this.calls.filter((c) => c.kind === kind);
  }
}

const pickRef = (ref: BatchRef): BatchRef => ({
  tenantId: ref.tenantId,
  partnerId: ref.partnerId,
  batchId: ref.batchId,
});

export interface InMemoryBatchWorld extends InMemoryWorld {
  readonly batchDeps: BatchDependencies;
  readonly batches: InMemoryBatchRepository;
  readonly staging: InMemoryDeviceStaging;
  readonly outcomes: InMemoryDeviceOutcomes;
  readonly registry: InMemoryDeviceRegistry;
  readonly workflow: RecordingBatchWorkflow;
}

export function inMemoryBatchWorld(options: { consentDeadline?: string } = {}): InMemoryBatchWorld {
  const world = inMemoryWorld();
  const batches = new InMemoryBatchRepository();
  const staging = new InMemoryDeviceStaging();
  const outcomes = new InMemoryDeviceOutcomes();
  const registry = new InMemoryDeviceRegistry();
  const workflow = new RecordingBatchWorkflow();
  const batchDeps: BatchDependencies = {
    ...world.deps,
    batches,
    staging,
    outcomes,
    registry,
    workflow,
    consentDeadline: options.consentDeadline ?? 'P14D',
  };
  return { ...world, batchDeps, batches, staging, outcomes, registry, workflow };
}

/** Writes a relationship between a partner and the test tenant (consent given, or revoked). */
/** Submits `devices` through the API use case as the direct partner, for TENANT_ID; the batch's ref. */
export async function submittedBatch(
  world: InMemoryBatchWorld,
  devices: unknown[],
  batchId = 'b1',
): Promise<BatchRef> {
  const body = { batchId, devices };
  return (await submitDeviceBatch(world.batchDeps, partnerClient(PARTNERS.direct), 'api', TENANT_ID, body))
    .batch;
}

export async function giveConsent(
  world: { readonly relationships: RelationshipRepository },
  partnerId: string,
  options: { tenantId?: string; status?: Relationship['status']; viaResellerIds?: string[] } = {},
): Promise<void> {
  const tenantId = options.tenantId ?? TENANT_ID;
  const status = options.status ?? 'active';
  const relationship: Relationship = {
    partnerId,
    tenantId,
    domain: TENANT_DOMAIN,
    relationship: 'reseller',
    authorization: 'direct',
    status,
    delegatedAdmin: null,
    acceptedAt: '2025-03-01T09:00:00.000Z',
    acceptedBy: `admin@${TENANT_DOMAIN}`,
    revokedAt: status === 'revoked' ? '2025-03-01T09:30:00.000Z' : null,
    invitationId: null,
    viaResellerIds: options.viaResellerIds ?? [],
  };
  const found = await world.relationships.get(partnerId, tenantId);
  if (found) await world.relationships.replace(relationship, found.version);
  else await world.relationships.create(relationship);
}

/** The refusal a use case rejects with (failing the test when it resolves or throws anything else). */
export async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

// ---------------------------------------------------------------------------------------------------
// Device fixtures: distinct, valid devices of each identifier form, by number.

/** A tenant other than the test tenant, which devices may already be registered to. */
export const OTHER_TENANT = '9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94';

/** An owner as another batch would have registered the device (by default: another tenant's OEM). */
export function ownerOf(device: unknown, where: Partial<DeviceOwner> = {}): DeviceOwner {
  const checked = validateDevice(device);
  if (checked.status !== 'valid') throw new Error('fixture device is invalid');
  return {
    tenantId: OTHER_TENANT,
    partnerId: PARTNERS.oem.id,
    batchId: 'earlier',
    index: 0,
    chunkNo: 0,
    deviceId: checked.device.deviceId,
    keys: checked.device.keys,
    registeredAt: '2025-01-01T00:00:00.000Z',
    ...where,
  };
}

/** A valid 13-digit product key ID, distinct per `n` (and per `series`). */
export const pkid = (n: number, series = 0): string => String(1_000_000_000_000 + series * 100_000_000 + n);

export const pkidDevice = (n: number, series = 0) => ({ productKey: pkid(n, series) });

export const tupleDevice = (n: number, series = 0) => ({
  serialNumber: `SN-${series}-${String(n).padStart(6, '0')}`,
  oemManufacturerName: 'Contoso Devices',
  modelName: 'Surface Laptop 7',
});

/**
 * A hardware-hash device holding the same serial, manufacturer and model as `tupleDevice(n)`: a
 * real-layout hash, 3,000 bytes decoded (4,000 base64 characters) as Get-WindowsAutopilotInfo writes.
 */
export function hashDevice(n: number, series = 0): { hardwareHash: string } {
  const tuple = tupleDevice(n, series);
  return {
    hardwareHash: buildHardwareHash({
      serialNumber: tuple.serialNumber,
      manufacturer: tuple.oemManufacturerName,
      model: tuple.modelName,
    }),
  };
}
