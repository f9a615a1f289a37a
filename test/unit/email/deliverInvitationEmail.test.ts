import type { EmailDependencies } from '../../../shared/application/email/emailDependencies';
import {
  DeliveryInProgress,
  MAX_DELIVERY_ATTEMPTS,
  deliverInvitationEmail,
} from '../../../shared/application/email/deliverInvitationEmail';
import { EmailSendFailed } from '../../../shared/application/ports/emailSender';
import { sweepInvitationEmails } from '../../../shared/application/email/sweepInvitationEmails';
import { createInvitation } from '../../../shared/application/invitations/createInvitation';
import { withdrawInvitation } from '../../../shared/application/invitations/withdrawInvitation';
import type { InvitationEmailRef } from '../../../shared/domain/invitations/invitationEmail';
import { invitationEmailRenderer } from '../../../shared/adapters/email/invitationEmailRenderer';
import { RecordingEmailSender } from '../../support/inMemoryEmailPorts';
import type { InMemoryWorld } from '../../support/inMemoryPorts';
import { PARTNERS, inMemoryWorld, partnerClient } from '../../support/inMemoryPorts';

const contoso = partnerClient(PARTNERS.direct);
const adatum = partnerClient(PARTNERS.oem);

describe('delivering invitation emails', () => {
  let world: InMemoryWorld;
  let sender: RecordingEmailSender;
  let deps: EmailDependencies;

  beforeEach(() => {
    world = inMemoryWorld();
    sender = new RecordingEmailSender();
    deps = { ...world.deps, sender, renderer: invitationEmailRenderer, claimSeconds: 120 };
  });

  async function invite(
    customerEmail = 'it@tailspin.example',
    customerLanguage?: 'fr',
  ): Promise<InvitationEmailRef> {
    const created = await createInvitation(world.deps, contoso, {
      kind: 'reseller-relationship',
      customerEmail,
      customerLanguage,
    });
    expect(created.emailQueued).toBe(true);
    const [email] = world.invitations.outbox.values();
    return { partnerId: created.invitation.partnerId, emailId: email!.id };
  }

  it('when an invitation is created with customerEmail, then one email is queued with it and its delivery started', async () => {
    const created = await createInvitation(world.deps, contoso, {
      kind: 'reseller-relationship',
      customerEmail: 'IT@Tailspin.example',
      customerLanguage: 'de',
    });

    const queued = world.invitations.outbox.values();
    expect(queued).toEqual([
      expect.objectContaining({
        partnerId: 'contoso-direct',
        invitationId: created.invitation.id,
        to: 'IT@Tailspin.example',
        language: 'de',
        status: 'pending',
      }),
    ]);
    expect(world.emailDelivery.started).toEqual([{ partnerId: 'contoso-direct', emailId: queued[0]!.id }]);
    expect(sender.sent).toEqual([]);
  });

  it('when an invitation is created without customerEmail, then nothing is queued', async () => {
    await createInvitation(world.deps, contoso, { kind: 'reseller-relationship' });
    expect(world.invitations.outbox.values()).toEqual([]);
    expect(world.emailDelivery.started).toEqual([]);
  });

  it("when an OEM's reused link is asked for with a new customer's email, then that customer's email is queued once", async () => {
    await createInvitation(world.deps, adatum, { kind: 'oem-authorization', customerEmail: 'a@one.example' });
    const again = await createInvitation(world.deps, adatum, {
      kind: 'oem-authorization',
      customerEmail: 'b@two.example',
    });
    await createInvitation(world.deps, adatum, { kind: 'oem-authorization', customerEmail: 'b@two.example' });

    expect(again.created).toBe(false);
    expect(world.invitations.outbox.values().map((e) => [e.to, e.invitationId])).toEqual([
      ['a@one.example', again.invitation.id],
      ['b@two.example', again.invitation.id],
    ]);
  });

  it('when two OEM requests race for a new link with different customers, then both customers’ emails are queued for the one link', async () => {
    const [first, second] = await Promise.all([
      createInvitation(world.deps, adatum, { kind: 'oem-authorization', customerEmail: 'a@one.example' }),
      createInvitation(world.deps, adatum, { kind: 'oem-authorization', customerEmail: 'b@two.example' }),
    ]);

    expect(first.invitation.id).toBe(second.invitation.id);
    expect(
      world.invitations.outbox
        .values()
        .map((e) => [e.to, e.invitationId])
        .sort(),
    ).toEqual([
      ['a@one.example', first.invitation.id],
      ['b@two.example', first.invitation.id],
    ]);
  });

  it('when an email is delivered, then it is sent once in its language and marked sent', async () => {
    const ref = await invite('it@tailspin.example', 'fr');

    const result = await deliverInvitationEmail(deps, ref);

    expect(result).toEqual({ outcome: 'sent', deliveryId: 'recorded-1' });
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0]).toMatchObject({
      to: 'it@tailspin.example',
      language: 'fr',
      idempotencyKey: ref.emailId,
    });
    expect(sender.sent[0]!.subject).toContain('demande votre autorisation');
    expect((await world.deps.emailOutbox.get(ref))?.value).toMatchObject({
      status: 'sent',
      sentAt: '2025-03-01T10:00:00.000Z',
      deliveryId: 'recorded-1',
      attempts: 1,
      claimId: null,
    });
  });

  it('when the email to deliver does not exist, then delivery answers missing, sends nothing and is not retried', async () => {
    const ref = { partnerId: contoso.partnerId, emailId: 'f'.repeat(32) };

    expect(await deliverInvitationEmail(deps, ref)).toEqual({ outcome: 'missing' });
    expect(sender.sent).toHaveLength(0);
  });

  it('when a delivery is repeated, then nothing more is sent', async () => {
    const ref = await invite();
    await deliverInvitationEmail(deps, ref);

    expect(await deliverInvitationEmail(deps, ref)).toEqual({ outcome: 'already-sent' });
    expect(sender.sent).toHaveLength(1);
  });

  it('when the delivery service fails, then the email stays queued with the reason and the retry sends it once', async () => {
    const ref = await invite();
    sender.failNext = 2;

    await expect(deliverInvitationEmail(deps, ref)).rejects.toThrow('delivery service unavailable');
    await expect(deliverInvitationEmail(deps, ref)).rejects.toThrow('delivery service unavailable');
    expect((await world.deps.emailOutbox.get(ref))?.value).toMatchObject({
      status: 'pending',
      attempts: 2,
      lastError: 'DeliveryServiceUnavailable',
      claimId: null,
    });
    expect(await deliverInvitationEmail(deps, ref)).toMatchObject({ outcome: 'sent' });
    expect(sender.sent).toHaveLength(1);
  });

  it('when a second dispatcher comes while the first is sending, then it stands back and only one message goes out', async () => {
    const ref = await invite();
    let second: Promise<unknown> | undefined;
    sender.duringSend = async () => {
      second = deliverInvitationEmail(deps, ref).catch((error: unknown) => error);
      await second;
    };

    await deliverInvitationEmail(deps, ref);

    expect(await second).toBeInstanceOf(DeliveryInProgress);
    expect(sender.sent).toHaveLength(1);
    expect(await deliverInvitationEmail(deps, ref)).toEqual({ outcome: 'already-sent' });
  });

  it('when a dispatcher crashed holding the claim, then once the claim runs out another sends it', async () => {
    const ref = await invite();
    const current = (await world.deps.emailOutbox.get(ref))!;
    await world.deps.emailOutbox.replace(
      { ...current.value, status: 'sending', claimId: 'crashed', claimedUntil: '2025-03-01T10:02:00.000Z' },
      current.version,
    );
    await expect(deliverInvitationEmail(deps, ref)).rejects.toBeInstanceOf(DeliveryInProgress);

    world.clock.set('2025-03-01T10:02:01.000Z');
    expect(await deliverInvitationEmail(deps, ref)).toMatchObject({ outcome: 'sent' });
    expect(sender.sent).toHaveLength(1);
  });

  it('when the invitation was withdrawn before delivery, then the email is canceled and nothing is sent', async () => {
    const ref = await invite();
    const [email] = world.invitations.outbox.values();
    await withdrawInvitation(world.deps, contoso, email!.invitationId);

    expect(await deliverInvitationEmail(deps, ref)).toEqual({ outcome: 'canceled' });
    expect(sender.sent).toEqual([]);
    expect((await world.deps.emailOutbox.get(ref))?.value).toMatchObject({
      status: 'canceled',
      canceledReason: 'InvitationWithdrawn',
    });
  });

  it('when the sweeper runs, then it starts only emails still undelivered after the grace period', async () => {
    const sent = await invite('sent@x.example');
    await deliverInvitationEmail(deps, sent);
    world.clock.set('2025-03-01T10:00:30.000Z');
    await invite('young@x.example');
    world.emailDelivery.started.length = 0;

    world.clock.set('2025-03-01T10:01:10.000Z');
    const pendingOld = world.invitations.outbox.values().filter((e) => e.to === 'young@x.example');
    expect(await sweepInvitationEmails(world.deps)).toEqual({ started: 0 });

    world.clock.set('2025-03-01T10:01:31.000Z');
    expect(await sweepInvitationEmails(world.deps)).toEqual({ started: 1 });
    expect(world.emailDelivery.started).toEqual([
      { partnerId: 'contoso-direct', emailId: pendingOld[0]!.id },
    ]);
  });

  describe('emails that cannot be delivered', () => {
    const events: { name: string; properties: Readonly<Record<string, string>> }[] = [];
    beforeEach(() => {
      events.length = 0;
      deps = { ...deps, telemetry: { event: (name, properties) => events.push({ name, properties }) } };
    });

    const PROVIDER_TEXT = '550 5.1.1 <nobody@tailspin.example>: mailbox unknown (host mx.internal)';

    it('when the service refuses the recipient for good, then the email fails at the first attempt with the code alone, audited once, and is never tried again', async () => {
      const ref = await invite('nobody@tailspin.example');
      sender.refuseAll = new EmailSendFailed('RecipientRefused', true, PROVIDER_TEXT);

      expect(await deliverInvitationEmail(deps, ref)).toEqual({
        outcome: 'failed',
        code: 'RecipientRefused',
      });
      expect(await deliverInvitationEmail(deps, ref)).toEqual({
        outcome: 'failed',
        code: 'RecipientRefused',
      });

      expect(sender.tries).toBe(1);
      expect((await world.deps.emailOutbox.get(ref))?.value).toMatchObject({
        status: 'failed',
        attempts: 1,
        lastError: 'RecipientRefused',
        failedAt: '2025-03-01T10:00:00.000Z',
        claimId: null,
      });
      const facts = world.audit.ofType('InvitationEmailFailed');
      expect(facts).toEqual([
        expect.objectContaining({
          partnerId: 'contoso-direct',
          actor: { kind: 'system', id: 'invitation-email' },
          details: {
            invitationId: expect.any(String),
            emailId: ref.emailId,
            code: 'RecipientRefused',
            attempts: 1,
          },
        }),
      ]);
      expect(JSON.stringify(facts)).not.toContain('mailbox unknown');
      // Operators see the provider's words in telemetry, which partners do not read.
      expect(events.find((e) => e.name === 'InvitationEmailAttemptFailed')?.properties).toMatchObject({
        code: 'RecipientRefused',
        permanent: 'true',
        detail: PROVIDER_TEXT,
      });
    });

    it(`when every attempt is refused for now, then the email fails after ${MAX_DELIVERY_ATTEMPTS} attempts with the last code, and the sweeper leaves it alone`, async () => {
      const ref = await invite('full@tailspin.example');
      sender.refuseAll = new EmailSendFailed('TemporarilyRefused', false, '452 4.2.2 mailbox full');

      for (let attempt = 1; attempt < MAX_DELIVERY_ATTEMPTS; attempt++) {
        await expect(deliverInvitationEmail(deps, ref)).rejects.toThrow('mailbox full');
      }
      expect((await world.deps.emailOutbox.get(ref))?.value).toMatchObject({
        status: 'pending',
        attempts: MAX_DELIVERY_ATTEMPTS - 1,
      });
      expect(await deliverInvitationEmail(deps, ref)).toEqual({
        outcome: 'failed',
        code: 'TemporarilyRefused',
      });

      sender.refuseAll = undefined; // even once the server would take it, a failed email stays failed
      expect(await deliverInvitationEmail(deps, ref)).toEqual({
        outcome: 'failed',
        code: 'TemporarilyRefused',
      });
      expect(sender.tries).toBe(MAX_DELIVERY_ATTEMPTS);
      expect(sender.sent).toEqual([]);
      expect(world.audit.ofType('InvitationEmailFailed')).toHaveLength(1);
      world.emailDelivery.started.length = 0;
      world.clock.set('2025-03-01T11:00:00.000Z');
      expect(await sweepInvitationEmails(world.deps)).toEqual({ started: 0 });
    });

    it('when the dispatcher of the last allowed attempt crashed, then once its claim runs out the email fails as interrupted, without another send', async () => {
      const ref = await invite();
      const current = (await world.deps.emailOutbox.get(ref))!;
      await world.deps.emailOutbox.replace(
        {
          ...current.value,
          status: 'sending',
          attempts: MAX_DELIVERY_ATTEMPTS,
          claimId: 'crashed',
          claimedUntil: '2025-03-01T10:02:00.000Z',
        },
        current.version,
      );
      world.clock.set('2025-03-01T10:02:01.000Z');

      expect(await deliverInvitationEmail(deps, ref)).toEqual({
        outcome: 'failed',
        code: 'DeliveryInterrupted',
      });
      expect(sender.tries).toBe(0);
    });

    it('when the process died between the "failed" write and its audit fact, then the retry records the fact, once', async () => {
      const ref = await invite();
      const current = (await world.deps.emailOutbox.get(ref))!;
      await world.deps.emailOutbox.replace(
        {
          ...current.value,
          status: 'failed',
          attempts: 3,
          lastError: 'MessageRefused',
          failedAt: '2025-03-01T10:00:05.000Z',
        },
        current.version,
      );

      await deliverInvitationEmail(deps, ref);
      await deliverInvitationEmail(deps, ref);

      expect(world.audit.ofType('InvitationEmailFailed')).toEqual([
        expect.objectContaining({
          at: '2025-03-01T10:00:05.000Z',
          details: expect.objectContaining({ code: 'MessageRefused' }),
        }),
      ]);
    });

    it('when a send fails with an error no adapter classified, then it is retried as DeliveryFailed', async () => {
      const ref = await invite();
      sender.duringSend = () => Promise.reject(new Error('disk full'));

      await expect(deliverInvitationEmail(deps, ref)).rejects.toThrow('disk full');

      expect((await world.deps.emailOutbox.get(ref))?.value).toMatchObject({
        status: 'pending',
        lastError: 'DeliveryFailed',
      });
    });
  });
});
