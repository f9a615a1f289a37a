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

jest.setTimeout(120_000);

describe('local durable runtime: activities', () => {
  let runtime: LocalDurableRuntime;

  beforeEach(async () => {
    sampleProbe.reset();
    runtime = await startRuntime(newTaskHub(), { maxConcurrentActivities: 4 });
  });
  afterEach(() => runtime.stop());

  it('when an orchestration calls activities in sequence, then it completes with their results in order', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.sequence, { input: ['Tokyo', 'Seattle', 'London'] });
    const status = await statusOf(client, id, finished);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello London']);
    expect(status.input).toEqual(['Tokyo', 'Seattle', 'London']);
    expect(status.name).toBe(SampleOrchestration.sequence);
  });
});
