import { randomUUID } from 'node:crypto';
import * as df from 'durable-functions';
import type { DurableClient, DurableOrchestrationStatus } from 'durable-functions';
import { installFunctionsCore } from '../../../infra/local/functionsCore/installFunctionsCore';
import { functionRegistry, type Registration } from '../../../infra/local/functionsCore/registry';
import { createInvocationContext } from '../../../infra/local/httpHost';
import {
  startLocalDurableRuntime,
  type LocalDurableRuntime,
  type LocalDurableRuntimeOptions,
} from '../../../infra/local/durable/localDurableRuntime';
import { TableClientFactory } from '../../../shared/adapters/tables/tableClientFactory';
import type * as SampleModuleTypes from '../../support/durableSamples/sampleOrchestrations';

type SampleModule = typeof SampleModuleTypes;

installFunctionsCore();
// Registers the samples through the real df.app.* once the functions-core stand-in is in place.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const samples = require('../../support/durableSamples/sampleOrchestrations') as SampleModule;
export const { SampleOrchestration, SampleActivity, SAMPLE_STARTER } = samples;

export const newTaskHub = () => `t${randomUUID().replace(/-/g, '').slice(0, 16)}`;

export function tableFactory(): TableClientFactory {
  const connectionString = process.env.TEST_STORAGE_CONNECTION;
  if (!connectionString)
    throw new Error('TEST_STORAGE_CONNECTION is not set (integration globalSetup starts Azurite).');
  return new TableClientFactory({ connectionString, allowInsecureHttp: true });
}

export function startRuntime(
  taskHub: string,
  options: Partial<LocalDurableRuntimeOptions> = {},
): Promise<LocalDurableRuntime> {
  return startLocalDurableRuntime({
    registrations: functionRegistry.all(),
    tables: tableFactory(),
    taskHub,
    pollIntervalMs: 200,
    log: (line) => {
      if (process.env.DURABLE_TEST_LOG) console.log(line);
    },
    ...options,
  });
}

export function starterRegistration(): Registration {
  const registration = functionRegistry.get(SAMPLE_STARTER);
  if (!registration) throw new Error(`${SAMPLE_STARTER} is not registered`);
  return registration;
}

/** The standard client, through an InvocationContext whose durableClient input the runtime fills, as httpHost does. */
export function clientFor(runtime: LocalDurableRuntime): DurableClient {
  const context = createInvocationContext(
    starterRegistration(),
    new Map([['durableClient', runtime.clientInputProvider]]),
  );
  return df.getClient(context);
}

export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function statusOf(
  client: DurableClient,
  instanceId: string,
  accept: (status: DurableOrchestrationStatus) => boolean,
  what = 'the orchestration status',
): Promise<DurableOrchestrationStatus> {
  return eventually(() => client.getStatus(instanceId), accept, `${what} of ${instanceId}`);
}

export const finished = (status: DurableOrchestrationStatus) =>
  ['Completed', 'Failed', 'Terminated'].includes(status.runtimeStatus);
