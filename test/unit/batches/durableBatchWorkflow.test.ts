import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { durableClientBindingData } from '../../../infra/local/durable/clientBinding';
import {
  durableBatchWorkflow,
  durableClientFailure,
} from '../../../shared/adapters/durable/durableBatchWorkflow';
import { DEVICE_BATCH_ORCHESTRATION } from '../../../shared/adapters/durable/batchOrchestrationContract';
import { batchInstanceId } from '../../../shared/domain/batches/deviceBatch';

/**
 * The batch workflow's reading of durable client failures, against the Durable extension's own
 * answers: a stand-in extension on loopback answers each request with the status and body that
 * HttpApiHandler.cs (Azure/azure-functions-durable-extension) gives in that case, and the real
 * durable-functions DurableClient turns it into what the workflow sees.
 */
interface Answer {
  readonly status: number;
  /** JSON text, or nothing: HttpApiHandler's CreateResponse(statusCode) has no content. */
  readonly body?: string;
}

/** HttpApiHandler's answers, written as the extension writes them (CreateErrorResponse, CreateResponse). */
const extension = {
  notFound: { status: 404 },
  gone: { status: 410 },
  accepted: { status: 202 },
  runningStatus: (id: string) => ({
    status: 202,
    body: JSON.stringify({
      name: DEVICE_BATCH_ORCHESTRATION,
      instanceId: id,
      runtimeStatus: 'Running',
      input: null,
      customStatus: null,
      output: null,
      createdTime: '2025-03-01T10:00:00Z',
      lastUpdatedTime: '2025-03-01T10:00:01Z',
    }),
  }),
  alreadyExists: {
    status: 500,
    body: JSON.stringify({
      Message: 'Something went wrong while processing your request',
      ExceptionMessage: 'An Orchestration instance with the status Running already exists.',
      ExceptionType: 'DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException',
      StackTrace:
        '   at DurableTask.AzureStorage.AzureStorageOrchestrationService.CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses)',
    }),
  },
  unknownFunction: {
    status: 400,
    body: JSON.stringify({
      Message: 'One or more of the arguments submitted is incorrect',
      ExceptionMessage: `The function '${DEVICE_BATCH_ORCHESTRATION}' doesn't exist, is disabled, or is not an orchestrator function. Additional info: No orchestrator functions are currently registered!`,
      ExceptionType: 'System.ArgumentException',
      StackTrace: '',
    }),
  },
  somethingWrong: {
    status: 500,
    body: JSON.stringify({
      Message: 'Something went wrong while processing your request',
      ExceptionMessage: 'The remote server returned an error: (503) Server Unavailable.',
      ExceptionType: 'Microsoft.WindowsAzure.Storage.StorageException',
      StackTrace: '',
    }),
  },
} satisfies Record<string, Answer | ((id: string) => Answer)>;

const ref = { tenantId: '0f3c2a9e-7b1d-4c55-8e21-5a9d3b7c4e10', partnerId: 'contoso-direct', batchId: 'b1' };
const instanceId = batchInstanceId(ref);
const input = { chunkCount: 1, deadline: '2025-03-15T10:00:00.000Z' };

let server: http.Server;
let origin: string;
let answers: ((method: string, path: string) => Answer | undefined)[] = [];
const requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push(`${req.method} ${path}`);
      const answer = answers.map((a) => a(req.method ?? '', path)).find((a) => a !== undefined) ?? {
        status: 404,
      };
      if (answer.body === undefined) res.writeHead(answer.status).end();
      else
        res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answers = [];
  requests.length = 0;
});

function workflow() {
  const durableInput = df.input.durableClient();
  const context = new InvocationContext({ functionName: 'test', options: { extraInputs: [durableInput] } });
  context.extraInputs.set(durableInput, durableClientBindingData(origin, 'TestHub'));
  return durableBatchWorkflow(df.getClient(context));
}

const on =
  (method: string, fragment: string, answer: Answer) =>
  (m: string, path: string): Answer | undefined =>
    m === method && path.includes(fragment) ? answer : undefined;

describe("durable batch workflow against the extension's answers", () => {
  it('when consent is raised for a batch whose orchestration has not been started (404), then nothing fails', async () => {
    answers = [on('POST', '/raiseEvent/', extension.notFound)];
    await expect(workflow().consentGiven(ref)).resolves.toBeUndefined();
    expect(requests).toEqual([expect.stringContaining(`/instances/${instanceId}/raiseEvent/`)]);
  });

  it('when consent is raised for a batch that already finished (410), then nothing fails', async () => {
    answers = [on('POST', '/raiseEvent/', extension.gone)];
    await expect(workflow().consentRevoked(ref)).resolves.toBeUndefined();
  });

  it('when raising fails inside the extension (500), then the failure reaches the caller', async () => {
    answers = [on('POST', '/raiseEvent/', extension.somethingWrong)];
    await expect(workflow().consentGiven(ref)).rejects.toThrow(/500/);
  });

  it('when the batch has no instance yet, then ensureStarted starts one', async () => {
    answers = [
      on('GET', `/instances/${instanceId}`, extension.notFound),
      on('POST', '/orchestrators/', { status: 202, body: JSON.stringify({ id: instanceId }) }),
    ];
    await workflow().ensureStarted(ref, input);
    expect(requests).toEqual([
      `GET /durabletask/instances/${instanceId}`,
      `POST /durabletask/orchestrators/${DEVICE_BATCH_ORCHESTRATION}/${instanceId}`,
    ]);
  });

  it('when a concurrent submission started the instance between the status and the start (500 already exists), then ensureStarted succeeds', async () => {
    answers = [
      on('GET', `/instances/${instanceId}`, extension.notFound),
      on('POST', '/orchestrators/', extension.alreadyExists),
    ];
    await expect(workflow().ensureStarted(ref, input)).resolves.toBeUndefined();
  });

  it('when the instance is running, then ensureStarted does not start it again', async () => {
    answers = [on('GET', `/instances/${instanceId}`, extension.runningStatus(instanceId))];
    await workflow().ensureStarted(ref, input);
    expect(requests).toEqual([`GET /durabletask/instances/${instanceId}`]);
  });

  it('when the orchestrator is unknown to the extension (400), then ensureStarted fails', async () => {
    answers = [
      on('GET', `/instances/${instanceId}`, extension.notFound),
      on('POST', '/orchestrators/', extension.unknownFunction),
    ];
    await expect(workflow().ensureStarted(ref, input)).rejects.toThrow(/400/);
  });

  it('when any other failure is read, then it is neither a missing instance nor an existing one', () => {
    expect(
      durableClientFailure(
        new Error('The operation failed with an unexpected status code: 500. Details: {}'),
      ),
    ).toBe('other');
    expect(durableClientFailure(new Error("No instance with ID 'x' found. Or is it?"))).toBe('other');
    expect(durableClientFailure('not an error')).toBe('other');
  });
});
