import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { isConflict } from '../../../shared/adapters/tables/tableErrors';
import { sampleProbe } from './sampleProbe';

/**
 * Orchestrations and activities for the local durable runtime's tests, registered through the real
 * `df.app.*` (so through `@azure/functions-core`, as the local host's are).
 */
export const SampleActivity = {
  sayHello: 'sampleSayHello',
  countItem: 'sampleCountItem',
  flaky: 'sampleFlaky',
  writeItem: 'sampleWriteItem',
  stepA: 'sampleStepA',
  stepB: 'sampleStepB',
} as const;

export const SampleOrchestration = {
  sequence: 'sampleSequence',
  fanOut: 'sampleFanOut',
  retry: 'sampleRetry',
  timer: 'sampleTimer',
  waitForEvent: 'sampleWaitForEvent',
  consentRace: 'sampleConsentRace',
  evolving: 'sampleEvolving',
  evolvingChanged: 'sampleEvolvingChanged',
  writeAll: 'sampleWriteAll',
  countdown: 'sampleCountdown',
} as const;

/** An HTTP function with a durable client input, as product functions start orchestrations. */
export const SAMPLE_STARTER = 'sampleStarter';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

df.app.activity(SampleActivity.sayHello, { handler: (name: string) => `Hello ${name}` });

df.app.activity(SampleActivity.countItem, {
  handler: async (item: number) => {
    sampleProbe.running++;
    sampleProbe.maxRunning = Math.max(sampleProbe.maxRunning, sampleProbe.running);
    await sleep(2);
    sampleProbe.running--;
    return item * 2;
  },
});

df.app.activity(SampleActivity.flaky, {
  handler: (input: { key: string; failures: number }) => {
    const attempt = sampleProbe.countAttempt(input.key);
    if (attempt <= input.failures) throw new Error(`attempt ${attempt} of ${input.key} failed on purpose`);
    return `succeeded on attempt ${attempt}`;
  },
});

df.app.activity(SampleActivity.writeItem, {
  handler: async (item: number) => {
    sampleProbe.countAttempt(`write-${item}`);
    await sleep(sampleProbe.writeDelayMs);
    const target = sampleProbe.sideEffects;
    if (!target) throw new Error('sampleProbe.sideEffects is not set');
    try {
      await target.table.createEntity({ partitionKey: target.runId, rowKey: String(item).padStart(6, '0') });
    } catch (error) {
      // Keyed insert: a re-run of the same item (at-least-once delivery) finds its row already there.
      if (!isConflict(error)) throw error;
    }
    return item;
  },
});

df.app.activity(SampleActivity.stepA, { handler: () => 'A' });
df.app.activity(SampleActivity.stepB, { handler: () => 'B' });

df.app.orchestration(SampleOrchestration.sequence, function* (context: OrchestrationContext) {
  const cities = context.df.getInput<string[] | undefined>() ?? ['Tokyo', 'Seattle', 'London'];
  const greetings: unknown[] = [];
  for (const city of cities) greetings.push(yield context.df.callActivity(SampleActivity.sayHello, city));
  return greetings;
});

df.app.orchestration(SampleOrchestration.fanOut, function* (context: OrchestrationContext) {
  const { count } = context.df.getInput<{ count: number }>();
  const tasks = Array.from({ length: count }, (_, i) => context.df.callActivity(SampleActivity.countItem, i));
  const results = (yield context.df.Task.all(tasks)) as number[];
  return { count: results.length, sum: results.reduce((a, b) => a + b, 0) };
});

df.app.orchestration(SampleOrchestration.retry, function* (context: OrchestrationContext) {
  const input = context.df.getInput<{ key: string; failures: number; maxAttempts: number }>();
  const options = new df.RetryOptions(50, input.maxAttempts);
  options.backoffCoefficient = 1.5;
  try {
    const result: unknown = yield context.df.callActivityWithRetry(SampleActivity.flaky, options, {
      key: input.key,
      failures: input.failures,
    });
    return { ok: result };
  } catch (error) {
    return { gaveUp: error instanceof Error ? error.message : String(error) };
  }
});

df.app.orchestration(SampleOrchestration.timer, function* (context: OrchestrationContext) {
  const { delayMs } = context.df.getInput<{ delayMs: number }>();
  const startedAt = context.df.currentUtcDateTime.getTime();
  yield context.df.createTimer(new Date(startedAt + delayMs));
  return { startedAt, resumedAt: context.df.currentUtcDateTime.getTime() };
});

df.app.orchestration(SampleOrchestration.waitForEvent, function* (context: OrchestrationContext) {
  context.df.setCustomStatus({ stage: 'waiting for approval' });
  const approval: unknown = yield context.df.waitForExternalEvent('approval');
  context.df.setCustomStatus({ stage: 'approved' });
  return { approval };
});

/** The product's main pattern: wait for consent, raced against a deadline; cancel the loser timer. */
df.app.orchestration(SampleOrchestration.consentRace, function* (context: OrchestrationContext) {
  const { deadlineMs } = context.df.getInput<{ deadlineMs: number }>();
  const deadline = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + deadlineMs));
  const consent = context.df.waitForExternalEvent('consent');
  context.df.setCustomStatus('awaiting_consent');
  const winner: unknown = yield context.df.Task.any([consent, deadline]);
  if (winner === consent) {
    deadline.cancel();
    context.df.setCustomStatus('consented');
    return { outcome: 'consented', by: consent.result };
  }
  context.df.setCustomStatus('expired');
  return { outcome: 'expired' };
});

/** Version 1: step A, then wait for "go", then step B. */
function* evolvingV1(context: OrchestrationContext): Generator<df.Task, unknown, unknown> {
  context.df.setCustomStatus('waiting');
  const a = yield context.df.callActivity(SampleActivity.stepA);
  yield context.df.waitForExternalEvent('go');
  const b = yield context.df.callActivity(SampleActivity.stepB);
  return [a, b];
}

/** Version 2, deployed while version 1 instances wait: calls step B where version 1 called step A. */
function* evolvingV2(context: OrchestrationContext): Generator<df.Task, unknown, unknown> {
  const b = yield context.df.callActivity(SampleActivity.stepB);
  yield context.df.waitForExternalEvent('go');
  return [b];
}

df.app.orchestration(SampleOrchestration.evolving, evolvingV1 as OrchestrationHandler);
df.app.orchestration(SampleOrchestration.evolvingChanged, evolvingV2 as OrchestrationHandler);

df.app.orchestration(SampleOrchestration.writeAll, function* (context: OrchestrationContext) {
  const { count } = context.df.getInput<{ count: number }>();
  const tasks = Array.from({ length: count }, (_, i) => context.df.callActivity(SampleActivity.writeItem, i));
  const written = (yield context.df.Task.all(tasks)) as number[];
  return { written: written.length };
});

df.app.orchestration(SampleOrchestration.countdown, function* (context: OrchestrationContext) {
  const n = context.df.getInput<number>();
  if (n > 0) {
    yield context.df.callActivity(SampleActivity.sayHello, `round ${n}`);
    context.df.continueAsNew(n - 1);
    return undefined;
  }
  return 'liftoff';
});

app.http(SAMPLE_STARTER, {
  route: 'samples/{name}',
  methods: ['POST'],
  extraInputs: [df.input.durableClient()],
  handler: async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const client = df.getClient(context);
    const instanceId = await client.startNew(request.params.name ?? '', { input: await request.json() });
    return { status: 202, jsonBody: client.createHttpManagementPayload(instanceId) };
  },
});
