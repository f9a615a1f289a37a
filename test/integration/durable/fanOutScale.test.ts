import type { LocalDurableRuntime } from '../../../infra/local/durable/localDurableRuntime';
import { sampleProbe } from '../../support/durableSamples/sampleProbe';
import {
  SampleOrchestration,
  clientFor,
  finished,
  newTaskHub,
  startRuntime,
  statusOf,
} from './durableHarness';

jest.setTimeout(300_000);

describe('local durable runtime: scale', () => {
  let runtime: LocalDurableRuntime;

  beforeEach(async () => {
    sampleProbe.reset();
    runtime = await startRuntime(newTaskHub());
  });
  afterEach(() => runtime.stop());

  it('when an orchestration fans out 1,000 activities (the product’s 100,000 devices in chunks of 100), then it completes', async () => {
    const client = clientFor(runtime);
    const started = Date.now();
    const id = await client.startNew(SampleOrchestration.fanOut, { input: { count: 1000 } });
    const status = await statusOf(client, id, finished);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ count: 1000, sum: 999 * 1000 });
    if (process.env.DURABLE_TEST_LOG) console.log(`1,000 activities in ${Date.now() - started} ms`);
  });
});
