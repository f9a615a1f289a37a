import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as df from 'durable-functions';
import { SMTPServer } from 'smtp-server';
import type { LocalDurableRuntime } from '../../../infra/local/durable/localDurableRuntime';
import { durableInvitationEmailDelivery } from '../../../shared/adapters/durable/durableInvitationEmailDelivery';
import { createInvitation } from '../../../shared/application/invitations/createInvitation';
import type { Services } from '../../../shared/compositionRoot';
import type * as CompositionRoot from '../../../shared/compositionRoot';
import type { InvitationEmailRef } from '../../../shared/domain/invitations/invitationEmail';
import {
  invitationEmailId,
  invitationEmailInstanceId,
} from '../../../shared/domain/invitations/invitationEmail';
import { parseMessage } from '../../support/mimeMessage';
import { PARTNERS, partnerClient } from '../../support/inMemoryPorts';
import { clientFor, eventually, newTaskHub, startRuntime } from '../durable/durableHarness';

/**
 * The whole delivery through the real registrations: createInvitation queues the email and starts
 * invitationEmailOrchestration on the local durable runtime (over Azurite), whose activity sends over
 * real SMTP to a server on loopback that turns the first attempts away, as a busy server does.
 */
jest.setTimeout(120_000);

const received: string[] = [];
let refuseNext = 0;
let rcptToNobody = 0;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onRcptTo(address, _session, callback) {
    if (!address.address.startsWith('nobody@')) return callback();
    rcptToNobody++;
    callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
  },
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      if (refuseNext > 0) {
        refuseNext--;
        const busy = Object.assign(new Error('Try again later'), { responseCode: 451 });
        callback(busy);
        return;
      }
      received.push(Buffer.concat(chunks).toString('utf8'));
      callback();
    });
  },
});

let svc: Services;
let runtime: LocalDurableRuntime;

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  process.env.STORAGE_CONNECTION_STRING = process.env.TEST_STORAGE_CONNECTION;
  process.env.TABLE_PREFIX = `t${randomBytes(5).toString('hex')}`;
  process.env.AUTH_MODE = 'dev';
  process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  delete process.env.ACS_ENDPOINT;
  delete process.env.WEBSITE_INSTANCE_ID;
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('../../../functions/orchestrations/invitationEmailOrchestration');
  require('../../../functions/activities/emailActivities');
  const { services } = require('../../../shared/compositionRoot') as typeof CompositionRoot;
  /* eslint-enable @typescript-eslint/no-require-imports */
  svc = await services();
  expect(svc.config.email.delivery).toBe('smtp');
  for (const partner of Object.values(PARTNERS)) await svc.partners.upsert(partner);
  runtime = await startRuntime(newTaskHub());
});

afterAll(async () => {
  await runtime?.stop();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  const service = svc.tables.service();
  await Promise.all(Object.values(svc.tableNames).map((name: string) => service.deleteTable(name)));
});

const contoso = partnerClient(PARTNERS.direct);

function completed(ref: InvitationEmailRef) {
  return eventually(
    () => clientFor(runtime).getStatus(invitationEmailInstanceId(ref)),
    (s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Completed,
    `delivery of ${ref.emailId} to complete`,
    100_000,
  );
}

describe('invitation email delivery on the local durable runtime', () => {
  it('when the SMTP server turns the first two attempts away, then the orchestration retries and the customer gets exactly one message', async () => {
    refuseNext = 2;
    const delivery = durableInvitationEmailDelivery(clientFor(runtime));
    const created = await createInvitation({ ...svc.deps, emailDelivery: delivery }, contoso, {
      kind: 'reseller-relationship',
      customerEmail: 'retry@tailspin.example',
      customerLanguage: 'fr',
    });
    const ref = {
      partnerId: 'contoso-direct',
      emailId: invitationEmailId(created.invitation.id, 'retry@tailspin.example'),
    };
    // A second start (a retried request, the sweeper) while it runs changes nothing.
    await delivery.start(ref);

    const status = await completed(ref);

    expect(status.output).toMatchObject({ outcome: 'sent' });
    expect(received).toHaveLength(1);
    const message = parseMessage(received[0]!);
    expect(message.header('to')).toBe('retry@tailspin.example');
    expect(message.header('content-language')).toBe('fr');
    expect(message.text).toContain(created.url);
    expect((await svc.deps.emailOutbox.get(ref))?.value).toMatchObject({
      status: 'sent',
      attempts: 3,
      lastError: null,
    });
  });

  it('when a finished delivery is started again (the sweeper after a crash), then it finds the email sent and sends nothing', async () => {
    const delivery = durableInvitationEmailDelivery(clientFor(runtime));
    const created = await createInvitation({ ...svc.deps, emailDelivery: delivery }, contoso, {
      kind: 'reseller-relationship',
      customerEmail: 'again@tailspin.example',
    });
    const ref = {
      partnerId: 'contoso-direct',
      emailId: invitationEmailId(created.invitation.id, 'again@tailspin.example'),
    };
    await completed(ref);
    const before = received.length;

    await delivery.start(ref);
    const second = await eventually(
      () => clientFor(runtime).getStatus(invitationEmailInstanceId(ref)),
      (s) =>
        s.runtimeStatus === df.OrchestrationRuntimeStatus.Completed &&
        (s.output as { outcome?: string })?.outcome === 'already-sent',
      'the restarted delivery to find the email sent',
      100_000,
    );

    expect(second.output).toEqual({ outcome: 'already-sent' });
    expect(received).toHaveLength(before);
  });

  it('when the server refuses the recipient for good, then the orchestration completes with the email failed after one attempt', async () => {
    const delivery = durableInvitationEmailDelivery(clientFor(runtime));
    const created = await createInvitation({ ...svc.deps, emailDelivery: delivery }, contoso, {
      kind: 'reseller-relationship',
      customerEmail: 'nobody@tailspin.example',
    });
    const ref = {
      partnerId: 'contoso-direct',
      emailId: invitationEmailId(created.invitation.id, 'nobody@tailspin.example'),
    };

    const status = await completed(ref);

    expect(status.output).toEqual({ outcome: 'failed', code: 'RecipientRefused' });
    expect(rcptToNobody).toBe(1);
    expect((await svc.deps.emailOutbox.get(ref))?.value).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'RecipientRefused',
    });
    const audit = await svc.deps.audit.list({ partnerId: 'contoso-direct' }, 100);
    expect(audit.filter((e) => e.type === 'InvitationEmailFailed')).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({ emailId: ref.emailId, code: 'RecipientRefused' }),
      }),
    ]);
  });
});
