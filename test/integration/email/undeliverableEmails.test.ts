import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { invitationEmailRenderer } from '../../../shared/adapters/email/invitationEmailRenderer';
import { SmtpEmailSender } from '../../../shared/adapters/email/smtpEmailSender';
import {
  InvitationEmailOutboxTable,
  PENDING_PARTITION,
} from '../../../shared/adapters/tables/invitationEmailOutboxTable';
import { InvitationTableRepository } from '../../../shared/adapters/tables/invitationTableRepository';
import type { Dependencies } from '../../../shared/application/dependencies';
import type { EmailDependencies } from '../../../shared/application/email/emailDependencies';
import {
  MAX_DELIVERY_ATTEMPTS,
  deliverInvitationEmail,
} from '../../../shared/application/email/deliverInvitationEmail';
import { sweepInvitationEmails } from '../../../shared/application/email/sweepInvitationEmails';
import { createInvitation } from '../../../shared/application/invitations/createInvitation';
import type { InvitationEmailRef } from '../../../shared/domain/invitations/invitationEmail';
import { invitationEmailId } from '../../../shared/domain/invitations/invitationEmail';
import { PARTNERS, inMemoryWorld, partnerClient } from '../../support/inMemoryPorts';
import { ownTables, rowsOf } from '../consent/tableFixture';

/**
 * Emails a real SMTP server (smtp-server on loopback) never takes, on the Azurite outbox: refused "for
 * now" every time, they fail after the allowed attempts; refused for good, at once; either way never
 * sent again, by a repeated delivery or by the sweeper.
 */
const contoso = partnerClient(PARTNERS.direct);

/** Replies by recipient: the local part names the reply, e.g. always450@… or always550@…. */
const rcptAttempts = new Map<string, number>();
const accepted: string[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onRcptTo(address, _session, callback) {
    rcptAttempts.set(address.address, (rcptAttempts.get(address.address) ?? 0) + 1);
    const code = /^always(\d{3})@/.exec(address.address)?.[1];
    if (code) {
      callback(
        Object.assign(new Error(`Mailbox ${address.address} not available`), { responseCode: Number(code) }),
      );
      return;
    }
    callback();
  },
  onData(stream, session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      const to = session.envelope.rcptTo.map((r) => r.address);
      if (to.some((a) => a.startsWith('refuse-data@'))) {
        callback(Object.assign(new Error('Message content rejected'), { responseCode: 554 }));
        return;
      }
      accepted.push(...to);
      callback();
    });
  },
});

describe('undeliverable invitation emails (Azurite, a refusing SMTP server)', () => {
  const own = ownTables();
  const invitations = new InvitationTableRepository(own.table(own.names.invitations));
  const outbox = new InvitationEmailOutboxTable(own.table(own.names.invitations));
  let sender: SmtpEmailSender;

  beforeAll(async () => {
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    sender = new SmtpEmailSender(
      `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      'DoNotReply@consent.example',
    );
  });
  afterAll(async () => {
    sender.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await own.dropAll();
  });

  function world() {
    const memory = inMemoryWorld();
    const deps: Dependencies = { ...memory.deps, invitations, emailOutbox: outbox, newId: randomUUID };
    const emailDeps: EmailDependencies = {
      ...deps,
      sender,
      renderer: invitationEmailRenderer,
      claimSeconds: 120,
    };
    return { memory, deps, emailDeps };
  }

  async function queued(deps: Dependencies, to: string): Promise<InvitationEmailRef> {
    const created = await createInvitation(deps, contoso, {
      kind: 'reseller-relationship',
      customerEmail: to,
    });
    return { partnerId: 'contoso-direct', emailId: invitationEmailId(created.invitation.id, to) };
  }

  async function pendingMarkers(): Promise<unknown[]> {
    return (await rowsOf(own.tables, own.names.invitations, PENDING_PARTITION)).map((r) => r.emailId);
  }

  it(`when the server answers every attempt with 450, then after ${MAX_DELIVERY_ATTEMPTS} attempts the email is failed and is never sent again`, async () => {
    const { memory, deps, emailDeps } = world();
    const to = `always450@${randomUUID()}.example`;
    const ref = await queued(deps, to);
    expect(await pendingMarkers()).toContain(ref.emailId);

    const outcomes: string[] = [];
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS + 3; attempt++) {
      outcomes.push(
        await deliverInvitationEmail(emailDeps, ref).then(
          (r) => r.outcome,
          () => 'retry',
        ),
      );
    }

    expect(outcomes.slice(0, MAX_DELIVERY_ATTEMPTS - 1).every((o) => o === 'retry')).toBe(true);
    expect(outcomes.slice(MAX_DELIVERY_ATTEMPTS - 1).every((o) => o === 'failed')).toBe(true);
    expect(rcptAttempts.get(to)).toBe(MAX_DELIVERY_ATTEMPTS);
    const email = (await outbox.get(ref))?.value;
    expect(email).toMatchObject({
      status: 'failed',
      attempts: MAX_DELIVERY_ATTEMPTS,
      lastError: 'TemporarilyRefused',
    });
    expect(JSON.stringify(email)).not.toContain('not available');
    expect(memory.audit.ofType('InvitationEmailFailed')).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({ code: 'TemporarilyRefused', emailId: ref.emailId }),
      }),
    ]);

    // Its pending marker went with the final write: the sweeper does not even see it.
    expect(await pendingMarkers()).not.toContain(ref.emailId);
    memory.clock.set('2025-03-02T10:00:00.000Z');
    await sweepInvitationEmails({ ...emailDeps, emailDelivery: memory.emailDelivery });
    expect(memory.emailDelivery.started.filter((r) => r.emailId === ref.emailId)).toHaveLength(1); // the request's own
    expect(rcptAttempts.get(to)).toBe(MAX_DELIVERY_ATTEMPTS);
  });

  it('when the server refuses the recipient with 550, then the email fails at the first attempt as RecipientRefused', async () => {
    const { memory, deps, emailDeps } = world();
    const to = `always550@${randomUUID()}.example`;
    const ref = await queued(deps, to);

    expect(await deliverInvitationEmail(emailDeps, ref)).toEqual({
      outcome: 'failed',
      code: 'RecipientRefused',
    });
    expect(await deliverInvitationEmail(emailDeps, ref)).toEqual({
      outcome: 'failed',
      code: 'RecipientRefused',
    });

    expect(rcptAttempts.get(to)).toBe(1);
    expect((await outbox.get(ref))?.value).toMatchObject({ status: 'failed', attempts: 1 });
    expect(memory.audit.ofType('InvitationEmailFailed')).toHaveLength(1);
    expect(await pendingMarkers()).not.toContain(ref.emailId);
  });

  it('when the server refuses the message after DATA with 554, then the email fails at once as MessageRefused', async () => {
    const { deps, emailDeps } = world();
    const ref = await queued(deps, `refuse-data@${randomUUID()}.example`);

    expect(await deliverInvitationEmail(emailDeps, ref)).toEqual({
      outcome: 'failed',
      code: 'MessageRefused',
    });
    expect(accepted.some((a) => a.startsWith('refuse-data@'))).toBe(false);
  });

  it('when the server takes the message, then the email is sent and its pending marker is gone', async () => {
    const { deps, emailDeps } = world();
    const to = `welcome@${randomUUID()}.example`;
    const ref = await queued(deps, to);

    expect(await deliverInvitationEmail(emailDeps, ref)).toMatchObject({ outcome: 'sent' });

    expect(accepted).toEqual([to]);
    expect(await pendingMarkers()).not.toContain(ref.emailId);
  });
});
