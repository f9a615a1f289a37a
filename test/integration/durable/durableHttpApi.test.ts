import * as df from 'durable-functions';
import type { LocalDurableRuntime } from '../../../infra/local/durable/localDurableRuntime';
import {
  SampleOrchestration,
  clientFor,
  finished,
  newTaskHub,
  startRuntime,
  statusOf,
} from './durableHarness';

jest.setTimeout(120_000);

/**
 * The local runtime's HTTP API against the extension's: each case is answered with the status and body
 * HttpApiHandler.cs (Azure/azure-functions-durable-extension) gives, written out here as the extension
 * writes them. The local runtime has no .NET stack trace; everything else is compared exactly.
 */
describe('local durable HTTP API answers like HttpApiHandler', () => {
  let runtime: LocalDurableRuntime;
  let base: string;

  beforeAll(async () => {
    runtime = await startRuntime(newTaskHub());
    base = runtime.rpcBaseUrl;
  });
  afterAll(() => runtime.stop());

  const post = (path: string, body?: string, contentType = 'application/json') =>
    fetch(`${base}${path}`, {
      method: 'POST',
      ...(body === undefined ? {} : { body, headers: { 'content-type': contentType } }),
    });

  it('when an instance is started over a running one, then 500 with the OrchestrationAlreadyExistsException', async () => {
    const id = `running-${Date.now()}`;
    expect((await post(`orchestrators/${SampleOrchestration.waitForEvent}/${id}`, '')).status).toBe(202);
    await statusOf(
      clientFor(runtime),
      id,
      (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Running,
      'running',
    );

    const again = await post(`orchestrators/${SampleOrchestration.waitForEvent}/${id}`, '');
    expect(again.status).toBe(500);
    expect(await again.json()).toEqual({
      Message: 'Something went wrong while processing your request',
      ExceptionMessage: 'An Orchestration instance with the status Running already exists.',
      ExceptionType: 'DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException',
      StackTrace: null,
    });
  });

  it('when an unknown orchestrator is started, then 400 with the ArgumentException naming the known ones', async () => {
    const response = await post('orchestrators/noSuchOrchestrator', '');
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, string>;
    expect(body.Message).toBe('One or more of the arguments submitted is incorrect');
    expect(body.ExceptionType).toBe('System.ArgumentException');
    expect(body.ExceptionMessage).toMatch(
      /^The function 'noSuchOrchestrator' doesn't exist, is disabled, or is not an orchestrator function\. Additional info: The following are the known orchestrator functions: '.*sampleSequence.*'\.$/,
    );
  });

  it('when an event is raised, a status asked, an instance terminated or purged that does not exist, then 404 without a body', async () => {
    for (const response of [
      await post('instances/nobody/raiseEvent/approval', '1'),
      await fetch(`${base}instances/nobody`),
      await post('instances/nobody/terminate?reason=x'),
      await fetch(`${base}instances/nobody`, { method: 'DELETE' }),
    ]) {
      expect(response.status).toBe(404);
      expect(await response.text()).toBe('');
    }
  });

  it('when an event is raised on or a terminate sent to a finished instance, then 410 without a body; its status is 200', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.sequence, { input: ['Oslo'] });
    await statusOf(client, id, finished);
    for (const response of [
      await post(`instances/${id}/raiseEvent/approval`, '1'),
      await post(`instances/${id}/terminate?reason=late`),
    ]) {
      expect(response.status).toBe(410);
      expect(await response.text()).toBe('');
    }
    expect((await fetch(`${base}instances/${id}`)).status).toBe(200);
  });

  it('when an event is raised with content that is not JSON by type, then 400 "Only application/json request content is supported"', async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.waitForEvent);
    const response = await post(`instances/${id}/raiseEvent/approval`, '1', 'text/plain');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ Message: 'Only application/json request content is supported' });
    const accepted = await post(`instances/${id}/raiseEvent/approval`, '1');
    expect(accepted.status).toBe(202);
    expect(await accepted.text()).toBe('');
  });

  it("when a running instance's status is asked, then 202 with Location and Retry-After 5", async () => {
    const client = clientFor(runtime);
    const id = await client.startNew(SampleOrchestration.waitForEvent);
    await statusOf(client, id, (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Running, 'running');
    const response = await fetch(`${base}instances/${id}`);
    expect(response.status).toBe(202);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('location')).toMatch(new RegExp(`/instances/${id}$`));
  });

  it('when instances are purged by filter without createdTimeFrom, then 400 asking for it', async () => {
    const response = await fetch(`${base}instances/`, { method: 'DELETE' });
    expect(response.status).toBe(400);
    expect(await response.json()).toBe("Please provide value for 'createdTimeFrom' parameter.");
  });
});
