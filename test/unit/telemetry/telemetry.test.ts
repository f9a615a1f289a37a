import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AppInsightsTelemetry,
  ingestionTarget,
} from '../../../shared/adapters/telemetry/appInsightsTelemetry';
import type { InvocationLike, InvocationScope } from '../../../shared/adapters/telemetry/invocationScope';
import {
  currentInvocation,
  runInInvocation,
  scopeOf,
  withInvocationScope,
} from '../../../shared/adapters/telemetry/invocationScope';
import { LogTelemetry } from '../../../shared/adapters/telemetry/logTelemetry';
import { recordAudit } from '../../../shared/application/audit/recordAudit';
import type { AuditLog } from '../../../shared/application/ports/auditLog';
import type { Telemetry } from '../../../shared/application/ports/telemetry';
import type { AuditEvent } from '../../../shared/domain/audit/auditEvent';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const IKEY = '00000000-1111-4222-8333-444444444444';

/** Application Insights' ingestion endpoint, played locally: it keeps what it is sent. */
class IngestionServer {
  received: { authorization: string | undefined; path: string; body: unknown }[] = [];
  status = 200;
  readonly #server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push({
        authorization: req.headers.authorization,
        path: req.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.writeHead(this.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: this.status === 200 ? 1 : 0, errors: [] }));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

function invocation(overrides: Partial<InvocationLike> = {}, lines: string[] = []): InvocationLike {
  return {
    invocationId: 'inv-1',
    functionName: 'submitDeviceBatch',
    traceContext: { traceParent: `00-${TRACE_ID}-${SPAN_ID}-01` },
    triggerMetadata: {},
    info: (message: unknown) => lines.push(String(message)),
    ...overrides,
  };
}

describe('telemetry', () => {
  describe('invocation scope', () => {
    it('when an invocation has a W3C traceparent, then its trace ID is the operation ID and its span the parent', () => {
      expect(scopeOf(invocation())).toMatchObject({
        invocationId: 'inv-1',
        functionName: 'submitDeviceBatch',
        operationId: TRACE_ID,
        parentId: SPAN_ID,
      });
    });

    it('when an activity runs, then the orchestration instance in its trigger metadata is the orchestration ID', () => {
      const scope = scopeOf(invocation({ triggerMetadata: { instanceId: 'batch-42' } }));

      expect(scope.orchestrationId).toBe('batch-42');
    });

    it('when the trigger input names the instance (orchestration binding), then that is the orchestration ID', () => {
      expect(scopeOf(invocation(), { instanceId: 'batch-43', history: [] }).orchestrationId).toBe('batch-43');
    });

    it('when a wrapped handler runs, then code below it sees its scope, and it resolves only after telemetry settled', async () => {
      const order: string[] = [];
      const wrapped = withInvocationScope(
        async () => {
          await Promise.resolve();
          order.push(`handler in ${currentInvocation()?.invocationId ?? 'no scope'}`);
          return 'result';
        },
        async () => {
          await new Promise((resolve) => setImmediate(resolve));
          order.push('settled');
        },
      );

      const result = await wrapped({}, invocation());
      order.push('returned');

      expect(result).toBe('result');
      expect(order).toEqual(['handler in inv-1', 'settled', 'returned']);
      expect(currentInvocation()).toBeUndefined();
    });

    it('when a wrapped handler throws, then the error reaches the host after telemetry settled', async () => {
      let settled = false;
      const wrapped = withInvocationScope(
        () => Promise.reject(new Error('boom')),
        () => {
          settled = true;
          return Promise.resolve();
        },
      );

      await expect(wrapped({}, invocation())).rejects.toThrow('boom');
      expect(settled).toBe(true);
    });
  });

  describe('structured log lines', () => {
    it("when an event is raised inside an invocation, then one JSON line with the invocation's and orchestration's IDs goes to its logger", () => {
      const lines: string[] = [];
      const context = invocation({ triggerMetadata: { instanceId: 'batch-42' } }, lines);

      runInInvocation(scopeOf(context), () =>
        new LogTelemetry().event('DeviceBatchCompleted', { batchId: 'batch-42', status: 'finished' }),
      );

      expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
        {
          event: 'DeviceBatchCompleted',
          batchId: 'batch-42',
          status: 'finished',
          invocationId: 'inv-1',
          functionName: 'submitDeviceBatch',
          operationId: TRACE_ID,
          orchestrationId: 'batch-42',
        },
      ]);
    });

    it('when an event is raised outside any invocation (the local host), then it is dropped without an error', () => {
      // There is no invocation logger to write to; LogTelemetry never writes to the console.
      expect(currentInvocation()).toBeUndefined();
      expect(() => new LogTelemetry().event('ConsentAccepted', {})).not.toThrow();
    });
  });

  describe('Application Insights custom events', () => {
    const server = new IngestionServer();
    let endpoint: string;
    beforeAll(async () => {
      endpoint = await server.start();
    });
    afterAll(() => server.stop());
    beforeEach(() => {
      server.received = [];
      server.status = 200;
    });

    const telemetry = (report?: (m: string) => void) =>
      new AppInsightsTelemetry({
        target: ingestionTarget(`InstrumentationKey=${IKEY};IngestionEndpoint=${endpoint};LiveEndpoint=x`),
        roleName: 'func-test',
        token: () => Promise.resolve('entra-token'),
        ...(report ? { report } : {}),
      });

    it('when the connection string is read, then the track URL is the ingestion endpoint plus v2.1/track', () => {
      expect(
        ingestionTarget(
          `InstrumentationKey=${IKEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com`,
        ),
      ).toEqual({
        instrumentationKey: IKEY,
        trackUrl: 'https://westeurope-5.in.applicationinsights.azure.com/v2.1/track',
      });
      expect(() => ingestionTarget('IngestionEndpoint=https://x/')).toThrow(/InstrumentationKey/);
    });

    it('when an event is raised in an invocation, then an EventData envelope with its operation and IDs is posted with an Entra token', async () => {
      const t = telemetry();
      const scope: InvocationScope = scopeOf(invocation({ triggerMetadata: { instanceId: 'batch-42' } }));

      runInInvocation(scope, () => t.event('DeviceBatchSubmitted', { batchId: 'batch-42', total: '3' }));
      await t.flush();

      expect(server.received).toHaveLength(1);
      const [sent] = server.received;
      expect(sent?.path).toBe('/v2.1/track');
      expect(sent?.authorization).toBe('Bearer entra-token');
      expect(sent?.body).toEqual([
        {
          name: 'Microsoft.ApplicationInsights.Event',
          time: expect.any(String),
          iKey: IKEY,
          tags: {
            'ai.cloud.role': 'func-test',
            'ai.operation.id': TRACE_ID,
            'ai.operation.parentId': SPAN_ID,
            'ai.operation.name': 'submitDeviceBatch',
          },
          data: {
            baseType: 'EventData',
            baseData: {
              ver: 2,
              name: 'DeviceBatchSubmitted',
              properties: {
                batchId: 'batch-42',
                total: '3',
                invocationId: 'inv-1',
                orchestrationId: 'batch-42',
              },
            },
          },
        },
      ]);
    });

    it('when ingestion refuses, then the event is dropped without an error and the failure is reported once', async () => {
      server.status = 403;
      const reports: string[] = [];
      const t = telemetry((m) => reports.push(m));

      expect(() => t.event('ConsentAccepted', {})).not.toThrow();
      t.event('ConsentAccepted', {});
      await t.flush();

      expect(server.received).toHaveLength(2);
      expect(reports).toEqual(['Telemetry event dropped: Application Insights ingestion answered 403']);
    });

    it('when no token can be had, then the event is dropped and reported, and nothing is posted', async () => {
      const reports: string[] = [];
      const t = new AppInsightsTelemetry({
        target: ingestionTarget(`InstrumentationKey=${IKEY};IngestionEndpoint=${endpoint}`),
        roleName: 'func-test',
        token: () => Promise.reject(new Error('no managed identity here')),
        report: (m) => reports.push(m),
      });

      t.event('ConsentAccepted', {});
      await t.flush();

      expect(server.received).toEqual([]);
      expect(reports).toEqual(['Telemetry event dropped: no managed identity here']);
    });
  });

  describe('audit events become telemetry', () => {
    class Events implements Telemetry {
      readonly raised: { name: string; properties: Readonly<Record<string, string>> }[] = [];
      event(name: string, properties: Readonly<Record<string, string>>) {
        this.raised.push({ name, properties });
      }
    }
    const deps = (audit: Pick<AuditLog, 'append'>, telemetry: Telemetry) => ({
      audit: {
        ...audit,
        appendOnce: (e: AuditEvent) => audit.append(e),
        list: () => Promise.resolve([]),
        page: () => Promise.resolve({ items: [], continuationToken: null }),
      },
      clock: { now: () => new Date('2026-01-02T03:04:05Z') },
      newId: () => 'audit-1',
      telemetry,
    });

    it('when a batch completes, then its audit event is raised with the batch ID and counts as strings', async () => {
      const events = new Events();
      const appended: AuditEvent[] = [];

      await recordAudit(
        deps({ append: (e) => Promise.resolve(void appended.push(e)) }, events),
        'DeviceBatchCompleted',
        { kind: 'system', id: 'device-batch' },
        { partnerId: 'contoso-direct', tenantId: 'tenant-1' },
        { batchId: 'b-001', status: 'finished', total: 2, registered: 2, failed: 0 },
      );

      expect(appended).toHaveLength(1);
      expect(events.raised).toEqual([
        {
          name: 'DeviceBatchCompleted',
          properties: {
            auditId: 'audit-1',
            actorKind: 'system',
            actorId: 'device-batch',
            partnerId: 'contoso-direct',
            tenantId: 'tenant-1',
            batchId: 'b-001',
            status: 'finished',
            total: '2',
            registered: '2',
            failed: '0',
          },
        },
      ]);
    });

    it("when a customer's administrator consents, then the event names the kind of actor but not the person", async () => {
      const events = new Events();

      await recordAudit(
        deps({ append: () => Promise.resolve() }, events),
        'ConsentAccepted',
        { kind: 'customer-user', id: 'admin@tailspin.onmicrosoft.com' },
        { partnerId: 'contoso-direct', tenantId: 'tenant-1' },
        { invitationId: 'inv-9', delegatedAdmin: null },
      );

      expect(events.raised[0]?.properties).toEqual({
        auditId: 'audit-1',
        actorKind: 'customer-user',
        partnerId: 'contoso-direct',
        tenantId: 'tenant-1',
        invitationId: 'inv-9',
      });
      expect(JSON.stringify(events.raised)).not.toContain('admin@tailspin');
    });

    it('when the audit append fails, then no event is raised (telemetry never tells of what did not happen)', async () => {
      const events = new Events();

      await expect(
        recordAudit(
          deps({ append: () => Promise.reject(new Error('storage down')) }, events),
          'ConsentAccepted',
          { kind: 'system', id: 'x' },
          {},
        ),
      ).rejects.toThrow('storage down');
      expect(events.raised).toEqual([]);
    });
  });
});
