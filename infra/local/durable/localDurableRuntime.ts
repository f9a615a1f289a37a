import { randomUUID } from 'node:crypto';
import type { TableClientFactory } from '../../../shared/adapters/tables/tableClientFactory';
import { isConflict, isPreconditionFailed } from '../../../shared/adapters/tables/tableErrors';
import type { Registration } from '../functionsCore/registry';
import { createInvocationContext, type ExtraInputProvider } from '../httpHost';
import { executeActivity } from './activityExecutor';
import { ActivityPool, type ActivityCompletion } from './activityPool';
import { durableClientBindingData, managementPayload, type DurableClientBindingData } from './clientBinding';
import {
  startDurableHttpApi,
  type DurableOperations,
  type InstanceCommandResult,
  type InstanceFilter,
  type StartResult,
  type StatusBody,
  type StatusOptions,
} from './durableHttpApi';
import { DueTimers } from './dueTimers';
import { eventTypeName, historyEvents, HistoryEventType } from './historyEvents';
import type { HistoryRecord } from './historyRecord';
import { HistoryConflictError, HistoryStore } from './historyStore';
import { InstanceStore, isTerminal, type InstanceRecord } from './instanceStore';
import { newLiveInstance, type LiveInstance } from './liveInstance';
import { MessageStore, messageIds, type EventMessage, type Message } from './messageStore';
import { parseJson, planEpisode, selectBatch } from './episodePlanner';
import type { OrchestratorHandler, TimerLimits } from './orchestrationReplay';
import { reconcile, startMessage } from './recovery';
import { ScheduleIndex } from './scheduleIndex';
import { WorkTracker } from './workTracker';

export interface LocalDurableRuntimeOptions {
  registrations: readonly Registration[];
  tables: TableClientFactory;
  /** Letters and digits only; prefix of this runtime's tables. */
  taskHub: string;
  maxConcurrentActivities?: number;
  maxConcurrentOrchestrations?: number;
  /**
   * The extension's long-timer limits (replay schema V3 and later); Azure Storage's 6 and 3 days when not given.
   * Tests shorten them so that long-timer paths run in seconds.
   */
  timerLimits?: TimerLimits;
  /** Fallback scan for due work this process was not told about (timers after a restart, other writers). */
  pollIntervalMs?: number;
  log?: (line: string) => void;
}

export interface LocalDurableRuntime {
  readonly rpcBaseUrl: string;
  /** The `durableClient` binding's value (plain data: a thread of its own can hand it over). */
  readonly binding: DurableClientBindingData;
  readonly clientInputProvider: ExtraInputProvider;
  /** Resolves when nothing is runnable right now (no ready work items); for tests. */
  idle(): Promise<void>;
  /** Stops polling and the HTTP server; in-flight work is abandoned, not lost. */
  stop(): Promise<void>;
}

export async function startLocalDurableRuntime(
  options: LocalDurableRuntimeOptions,
): Promise<LocalDurableRuntime> {
  if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(options.taskHub)) {
    throw new Error(
      `Task hub name "${options.taskHub}" must be 3-45 letters or digits, starting with a letter (it prefixes table names).`,
    );
  }
  const runtime = new DurableRuntime(options);
  await runtime.start();
  return {
    rpcBaseUrl: runtime.bindingData().rpcBaseUrl,
    binding: runtime.bindingData(),
    clientInputProvider: () => runtime.bindingData(),
    idle: () => runtime.idle(),
    stop: () => runtime.stop(),
  };
}

/** The poll leaves alone messages younger than this: their writer may be about to hand them over. */
const POLL_GRACE_MS = 2_000;

/**
 * Drives orchestrations and activities in this process. Work is handed over in memory as soon as it
 * is written (an event raised reaches its waiting orchestration in one episode, without waiting for
 * a poll); the tables hold the same work durably so that a new runtime on the same task hub picks
 * up where a stopped one left off.
 */
class DurableRuntime implements DurableOperations {
  readonly taskHub: string;
  readonly #options: LocalDurableRuntimeOptions;
  readonly #log: (line: string) => void;
  readonly #history: HistoryStore;
  readonly #instances: InstanceStore;
  readonly #messages: MessageStore;
  readonly #orchestrators = new Map<string, Registration>();
  readonly #activities = new Map<string, Registration>();
  readonly #providers: ReadonlyMap<string, ExtraInputProvider>;
  readonly #maxOrchestrations: number;
  readonly #tracker = new WorkTracker();
  readonly #pool: ActivityPool;
  readonly #timers = new DueTimers();

  readonly #live = new Map<string, LiveInstance>();
  readonly #loads = new Map<string, Promise<LiveInstance | undefined>>();
  readonly #ready: string[] = [];
  readonly #queued = new Set<string>();
  readonly #running = new Set<string>();
  #binding: DurableClientBindingData | undefined;
  #closeApi: (() => Promise<void>) | undefined;
  #poller: NodeJS.Timeout | undefined;
  #polling = false;
  #stopped = false;

  constructor(options: LocalDurableRuntimeOptions) {
    this.#options = options;
    this.taskHub = options.taskHub;
    this.#log = options.log ?? (() => undefined);
    this.#history = new HistoryStore(options.tables, `${options.taskHub}History`);
    this.#instances = new InstanceStore(options.tables, `${options.taskHub}Instances`);
    this.#messages = new MessageStore(options.tables, `${options.taskHub}Messages`);
    for (const registration of options.registrations) {
      const type = registration.trigger.type;
      if (type === 'orchestrationTrigger') this.#orchestrators.set(registration.name, registration);
      if (type === 'activityTrigger') this.#activities.set(registration.name, registration);
    }
    this.#providers = new Map<string, ExtraInputProvider>([['durableClient', () => this.bindingData()]]);
    this.#maxOrchestrations = Math.max(1, options.maxConcurrentOrchestrations ?? 4);
    this.#pool = new ActivityPool({
      maxConcurrent: Math.max(1, options.maxConcurrentActivities ?? 16),
      run: (work) =>
        executeActivity(work, this.#activities.get(work.name), (r) =>
          createInvocationContext(r, this.#providers, this.#log),
        ),
      write: (instanceId, completions) => this.#writeCompletions(instanceId, completions),
      deliver: (result) => this.#deliver(result),
      writes: this.#tracker,
      log: this.#log,
    });
  }

  bindingData(): DurableClientBindingData {
    if (!this.#binding) throw new Error('The local durable runtime has not started.');
    return this.#binding;
  }

  async start(): Promise<void> {
    const api = await startDurableHttpApi(this, this.#log);
    this.#closeApi = () => api.close();
    this.#binding = durableClientBindingData(api.origin, this.taskHub);
    const active = await this.#instances.list({ runtimeStatus: ['Pending', 'Running'] });
    for (const record of active) this.#background(() => this.#load(record.instanceId));
    this.#poller = setInterval(() => this.#poll(), this.#options.pollIntervalMs ?? 1000);
    this.#poller.unref();
  }

  async idle(): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      await Promise.all([this.#tracker.whenQuiet(), this.#pool.whenQuiet()]);
      if (!this.#hasRunnableWork()) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#poller) clearInterval(this.#poller);
    this.#pool.stop();
    this.#timers.clear();
    await this.#closeApi?.();
    await this.#tracker.settle();
  }

  #background(work: () => Promise<unknown>): void {
    void this.#tracker.track(work, (error) => this.#log(`durable: ${describe(error)}`));
  }

  // ---- durable client operations (served by durableHttpApi) ----

  async startNew(
    name: string,
    instanceId: string | undefined,
    inputJson: string | undefined,
  ): Promise<StartResult> {
    if (!this.#orchestrators.has(name))
      return { kind: 'unknownOrchestrator', known: [...this.#orchestrators.keys()] };
    const id = instanceId ?? randomUUID().replace(/-/g, '');
    const existing = await this.#instances.get(id);
    // As the extension: a finished instance may be started again, a pending or running one not.
    if (existing && !isTerminal(existing.record.runtimeStatus)) {
      return { kind: 'alreadyRunning', status: existing.record.runtimeStatus };
    }
    const now = new Date().toISOString();
    const record: InstanceRecord = {
      instanceId: id,
      name,
      executionId: randomUUID(),
      runtimeStatus: 'Pending',
      ...(inputJson === undefined ? {} : { input: inputJson }),
      createdTime: now,
      lastUpdatedTime: now,
    };
    if (existing) {
      this.#unload(id);
      await this.#history.deleteInstance(id);
      await this.#messages.deleteInstance(id);
    }
    try {
      await this.#instances.put(record, existing ? { etag: existing.etag } : 'absent');
    } catch (error) {
      if (!isConflict(error) && !isPreconditionFailed(error)) throw error;
      const now = await this.#instances.get(id);
      return { kind: 'alreadyRunning', status: now?.record.runtimeStatus ?? 'Pending' };
    }
    const start = startMessage(record, new Date());
    await this.#messages.apply(id, { put: [start] });
    this.#live.set(id, newLiveInstance(record));
    this.#deliver(start);
    return { kind: 'started', instanceId: id };
  }

  raiseEvent(
    instanceId: string,
    eventName: string,
    dataJson: string | undefined,
  ): Promise<InstanceCommandResult> {
    const now = new Date();
    return this.#sendToInstance(instanceId, {
      kind: 'event',
      instanceId,
      id: messageIds.raised(now.getTime(), randomUUID()),
      visibleAt: now.getTime(),
      enqueuedAt: now.getTime(),
      event: historyEvents.eventRaised(now, eventName, dataJson),
    });
  }

  terminate(instanceId: string, reason: string): Promise<InstanceCommandResult> {
    const now = new Date();
    return this.#sendToInstance(instanceId, {
      kind: 'event',
      instanceId,
      id: messageIds.terminate(randomUUID()),
      visibleAt: now.getTime(),
      enqueuedAt: now.getTime(),
      event: historyEvents.executionTerminated(now, reason),
    });
  }

  async getStatus(instanceId: string, options: StatusOptions): Promise<StatusBody | undefined> {
    const found = await this.#instances.get(instanceId);
    if (!found) return undefined;
    const body = statusBody(found.record, options);
    if (!options.showHistory) return body;
    const live = this.#live.get(instanceId);
    const history =
      live && live.record.executionId === found.record.executionId
        ? live.history
        : (await this.#history.load(instanceId, found.record.executionId)).records;
    return { ...body, history: readableHistory(history, options.showHistoryOutput) };
  }

  async listStatus(filter: InstanceFilter, options: StatusOptions): Promise<StatusBody[]> {
    const records = await this.#instances.list(filter);
    return records.map((record) => statusBody(record, options));
  }

  async purge(instanceId: string): Promise<boolean> {
    this.#unload(instanceId);
    await this.#history.deleteInstance(instanceId);
    await this.#messages.deleteInstance(instanceId);
    return this.#instances.delete(instanceId);
  }

  async purgeBy(filter: InstanceFilter): Promise<number> {
    let count = 0;
    for (const record of await this.#instances.list(filter)) if (await this.purge(record.instanceId)) count++;
    return count;
  }

  managementPayload(instanceId: string): Record<string, string> {
    return managementPayload(this.bindingData(), instanceId);
  }

  async #sendToInstance(instanceId: string, message: EventMessage): Promise<InstanceCommandResult> {
    const record = this.#live.get(instanceId)?.record ?? (await this.#instances.get(instanceId))?.record;
    if (!record) return 'notFound';
    if (isTerminal(record.runtimeStatus)) return 'gone';
    await this.#messages.apply(instanceId, { put: [message] });
    this.#deliver(message);
    return 'accepted';
  }

  // ---- orchestration episodes ----

  #schedule(instanceId: string): void {
    if (this.#stopped || this.#queued.has(instanceId)) return;
    this.#queued.add(instanceId);
    this.#ready.push(instanceId);
    this.#pump();
  }

  #pump(): void {
    while (!this.#stopped && this.#running.size < this.#maxOrchestrations) {
      const position = this.#ready.findIndex((id) => !this.#running.has(id));
      if (position < 0) return;
      const [instanceId] = this.#ready.splice(position, 1);
      if (instanceId === undefined) return;
      this.#queued.delete(instanceId);
      this.#running.add(instanceId);
      void this.#tracker
        .track(
          () => this.#runEpisode(instanceId),
          (error) => this.#episodeFailed(instanceId, error),
        )
        .finally(() => {
          this.#running.delete(instanceId);
          if (this.#hasDueMessages(instanceId)) this.#schedule(instanceId);
          this.#pump();
        });
    }
  }

  async #runEpisode(instanceId: string): Promise<void> {
    const live = this.#live.get(instanceId) ?? (await this.#load(instanceId));
    if (!live || this.#stopped) return;
    if (isTerminal(live.record.runtimeStatus)) {
      // Late results and timers of a finished instance: nothing replays them.
      const leftovers = [...live.pending.keys()];
      if (leftovers.length > 0) await this.#messages.apply(instanceId, { remove: leftovers });
      for (const id of leftovers) this.#forgetMessage(live, id);
      return;
    }
    const now = new Date();
    const batch = selectBatch(live, now.getTime());
    if (batch.length === 0) return;
    const registration = this.#orchestrators.get(live.record.name);
    const handler: OrchestratorHandler = registration
      ? registration.handler
      : () => {
          throw new Error(`The orchestrator function "${live.record.name}" is not registered in this app.`);
        };
    const context = createInvocationContext(
      registration ?? unregistered(live.record.name),
      this.#providers,
      this.#log,
    );
    const plan = await planEpisode({
      live,
      batch,
      handler,
      context,
      now,
      outstandingActivityIds: this.#pool.outstanding(instanceId),
      ...(this.#options.timerLimits ? { limits: this.#options.timerLimits } : {}),
    });
    try {
      await this.#history.append(instanceId, live.record.executionId, live.history.length, plan.appended);
    } catch (error) {
      if (!(error instanceof HistoryConflictError)) throw error;
      // Someone else wrote this instance's history: forget what we hold and replay from storage.
      this.#log(`durable: ${error.message} Reloading it.`);
      this.#unload(instanceId);
      this.#schedule(instanceId);
      return;
    }
    if (this.#stopped) return;
    await this.#messages.apply(instanceId, { put: plan.created, remove: plan.removed });
    await this.#instances.save(plan.record);

    for (const record of plan.appended) {
      live.history.push(record);
      live.index.add(record);
      if (record.messageId) live.consumed.add(record.messageId);
    }
    for (const id of plan.removed) this.#forgetMessage(live, id);
    live.record = plan.record;
    if (plan.newExecution) {
      live.history = [];
      live.consumed = new Set();
      live.index = new ScheduleIndex([]);
    }
    if (isTerminal(plan.record.runtimeStatus))
      this.#log(`durable: ${instanceId} ${plan.record.runtimeStatus}`);
    for (const message of plan.created) this.#dispatch(message);
  }

  #episodeFailed(instanceId: string, error: unknown): void {
    this.#log(`durable: episode of ${instanceId} failed, retrying from storage: ${describe(error)}`);
    this.#unload(instanceId);
    if (this.#stopped) return;
    const retry = setTimeout(() => this.#schedule(instanceId), this.#options.pollIntervalMs ?? 1000);
    retry.unref();
  }

  // ---- loading and recovery ----

  #load(instanceId: string): Promise<LiveInstance | undefined> {
    const loading = this.#loads.get(instanceId);
    if (loading) return loading;
    const promise = this.#loadFromStorage(instanceId).finally(() => this.#loads.delete(instanceId));
    this.#loads.set(instanceId, promise);
    return promise;
  }

  async #loadFromStorage(instanceId: string): Promise<LiveInstance | undefined> {
    const found = await this.#instances.get(instanceId);
    const messages = await this.#messages.loadInstance(instanceId);
    if (!found || isTerminal(found.record.runtimeStatus)) {
      if (messages.length > 0) await this.#messages.apply(instanceId, { remove: messages.map((m) => m.id) });
      if (!found) return undefined;
      const live = newLiveInstance(found.record);
      this.#live.set(instanceId, live);
      return live;
    }
    const loaded = await this.#history.load(instanceId, found.record.executionId);
    if (loaded.uncommittedRowKeys.length > 0)
      await this.#history.deleteRows(instanceId, loaded.uncommittedRowKeys);
    const fixed = reconcile(found.record, loaded.records, messages, new Date());
    await this.#messages.apply(instanceId, { put: fixed.put, remove: fixed.remove });
    if (fixed.record !== found.record) await this.#instances.save(fixed.record);
    if (this.#stopped) return undefined;
    const live = newLiveInstance(fixed.record, fixed.history);
    this.#live.set(instanceId, live);
    for (const message of [...fixed.keep, ...fixed.put]) this.#dispatch(message);
    if (this.#hasDueMessages(instanceId)) this.#schedule(instanceId);
    return live;
  }

  #unload(instanceId: string): void {
    const live = this.#live.get(instanceId);
    if (live) for (const id of [...live.pending.keys()]) this.#forgetMessage(live, id);
    this.#live.delete(instanceId);
    this.#timers.cancelInstance(instanceId);
    this.#pool.forgetInstance(instanceId);
  }

  /** The fallback: due messages in storage that this process does not hold (restart, other writers). */
  #poll(): void {
    if (this.#polling || this.#stopped) return;
    this.#polling = true;
    void this.#tracker
      .track(
        async () => {
          const keys = await this.#messages.dueKeys(Date.now(), Date.now() - POLL_GRACE_MS);
          const unknown = new Set<string>();
          for (const { instanceId, id } of keys) {
            const live = this.#live.get(instanceId);
            const known =
              live !== undefined &&
              (live.pending.has(id) || live.consumed.has(id) || this.#pool.isKnown(instanceId, id));
            if (!known && !this.#loads.has(instanceId) && !this.#running.has(instanceId))
              unknown.add(instanceId);
          }
          for (const instanceId of unknown) {
            this.#unload(instanceId);
            await this.#load(instanceId);
          }
        },
        (error) => this.#log(`durable: poll failed: ${describe(error)}`),
      )
      .finally(() => (this.#polling = false));
  }

  // ---- messages in memory ----

  #dispatch(message: Message): void {
    if (message.kind === 'activity') this.#pool.enqueue(message);
    else this.#deliver(message);
  }

  #deliver(message: EventMessage): void {
    if (this.#stopped) return;
    const live = this.#live.get(message.instanceId);
    if (!live) {
      this.#schedule(message.instanceId);
      return;
    }
    live.pending.set(message.id, message);
    if (message.visibleAt <= Date.now()) {
      this.#schedule(message.instanceId);
      return;
    }
    this.#timers.arm(message.instanceId, message.id, message.visibleAt, () => {
      if (live.pending.get(message.id) === message) this.#deliver(message);
    });
  }

  #forgetMessage(live: LiveInstance, id: string): void {
    live.pending.delete(id);
    this.#timers.cancel(live.record.instanceId, id);
    this.#pool.forget(live.record.instanceId, id);
  }

  #hasDueMessages(instanceId: string): boolean {
    const live = this.#live.get(instanceId);
    if (!live) return false;
    const now = Date.now();
    for (const message of live.pending.values())
      if (message.visibleAt <= now && !live.consumed.has(message.id)) return true;
    return false;
  }

  #hasRunnableWork(): boolean {
    if (this.#ready.length > 0 || this.#running.size > 0 || this.#loads.size > 0) return true;
    if (this.#pool.busy) return true;
    for (const instanceId of this.#live.keys()) if (this.#hasDueMessages(instanceId)) return true;
    return false;
  }

  // ---- activity results ----

  /**
   * Results are written in transactions of the instance's partition (the result upserted and the
   * work item deleted together); results of a finished or replaced execution are only deleted.
   */
  async #writeCompletions(
    instanceId: string,
    completions: readonly ActivityCompletion[],
  ): Promise<EventMessage[]> {
    const live = this.#live.get(instanceId);
    const wanted = completions
      .map(({ result }) => result)
      .filter(
        (result) =>
          !live || (!isTerminal(live.record.runtimeStatus) && result.executionId === live.record.executionId),
      );
    await this.#messages.apply(instanceId, {
      put: wanted,
      remove: completions.map(({ work }) => work.id),
    });
    return wanted;
  }
}

function unregistered(name: string): Registration {
  return {
    name,
    metadata: { name, bindings: {} },
    handler: () => undefined,
    trigger: { type: 'orchestrationTrigger', direction: 'in', name: 'context' },
  };
}

function statusBody(record: InstanceRecord, options: StatusOptions): StatusBody {
  return {
    name: record.name,
    instanceId: record.instanceId,
    createdTime: record.createdTime,
    lastUpdatedTime: record.lastUpdatedTime,
    input: options.showInput ? (parseJson(record.input) ?? null) : null,
    output: parseJson(record.output) ?? null,
    runtimeStatus: record.runtimeStatus,
    customStatus: parseJson(record.customStatus) ?? null,
  };
}

/** The condensed history the extension's status API shows: no episode markers, type names spelled out. */
function readableHistory(history: readonly HistoryRecord[], showOutput: boolean): unknown[] {
  const hidden: number[] = [HistoryEventType.OrchestratorStarted, HistoryEventType.OrchestratorCompleted];
  return history
    .map((r) => r.event)
    .filter((event) => !hidden.includes(event.EventType))
    .map((event) => {
      const { EventType, IsPlayed: _played, ...fields } = event as typeof event & Record<string, unknown>;
      const shown: Record<string, unknown> = { EventType: eventTypeName(EventType), ...fields };
      if (!showOutput) delete shown.Result;
      return shown;
    });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
