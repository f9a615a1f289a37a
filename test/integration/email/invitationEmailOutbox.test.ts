import { randomUUID } from 'node:crypto';
import { invitationEmailRenderer } from '../../../shared/adapters/email/invitationEmailRenderer';
import { InvitationEmailOutboxTable } from '../../../shared/adapters/tables/invitationEmailOutboxTable';
import { InvitationTableRepository } from '../../../shared/adapters/tables/invitationTableRepository';
import type { Dependencies } from '../../../shared/application/dependencies';
import type { EmailDependencies } from '../../../shared/application/email/emailDependencies';
import {
  DeliveryInProgress,
  deliverInvitationEmail,
} from '../../../shared/application/email/deliverInvitationEmail';
import { createInvitation } from '../../../shared/application/invitations/createInvitation';
import { VersionConflict } from '../../../shared/application/ports/versioned';
import type { Invitation } from '../../../shared/domain/invitations/invitation';
import type { InvitationEmailRef } from '../../../shared/domain/invitations/invitationEmail';
import { newInvitationEmail } from '../../../shared/domain/invitations/invitationEmail';
import { RecordingEmailSender } from '../../support/inMemoryEmailPorts';
import { PARTNERS, inMemoryWorld, partnerClient } from '../../support/inMemoryPorts';
import { ownTables, rowsOf } from '../consent/tableFixture';

/** The outbox on Azurite: written with its invitation, retried, and delivered once under races. */
const contoso = partnerClient(PARTNERS.direct);

let sequence = 0;
const invitation = (overrides: Partial<Invitation> = {}): Invitation => ({
  id: `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
  partnerId: 'outbox-partner',
  kind: 'reseller-relationship',
  delegatedAdmin: null,
  customerEmail: 'it@customer.example',
  createdAt: '2025-03-01T10:00:00.000Z',
  expiresAt: '2025-05-30T10:00:00.000Z',
  withdrawnAt: null,
  tokenHash: 'ab'.repeat(32),
  ...overrides,
});
const NOW = new Date('2025-03-01T10:00:00.000Z');

describe('invitation email outbox (Azurite)', () => {
  const own = ownTables();
  const invitations = new InvitationTableRepository(own.table(own.names.invitations));
  const outbox = new InvitationEmailOutboxTable(own.table(own.names.invitations));
  afterAll(() => own.dropAll());

  function worldOnTables() {
    const world = inMemoryWorld();
    // Fresh IDs: every test's invitations share this table.
    const deps: Dependencies = { ...world.deps, invitations, emailOutbox: outbox, newId: randomUUID };
    const sender = new RecordingEmailSender();
    const emailDeps: EmailDependencies = {
      ...deps,
      sender,
      renderer: invitationEmailRenderer,
      claimSeconds: 120,
    };
    return { world, deps, sender, emailDeps };
  }

  it('when an invitation is created with its email, then both rows are in the partner’s partition and the invitation list shows only the invitation', async () => {
    const i = invitation({ partnerId: 'both-partner' });
    const email = newInvitationEmail(i, 'it@customer.example', 'he', NOW);

    await invitations.create(i, email);

    const rows = await rowsOf(own.tables, own.names.invitations, 'both-partner');
    expect(rows.map((r) => r.rowKey).sort()).toEqual([i.id, `~email.${email.id}`]);
    expect((await outbox.get({ partnerId: 'both-partner', emailId: email.id }))?.value).toEqual(email);
    expect((await invitations.listByPartner('both-partner')).map((x) => x.id)).toEqual([i.id]);
  });

  it('when the invitation part of the transaction fails, then its email is not written either', async () => {
    const first = invitation({ partnerId: 'atomic-partner' });
    await invitations.create(first);
    const email = newInvitationEmail(first, 'late@customer.example', 'en', NOW);

    await expect(invitations.create(first, email)).rejects.toBeInstanceOf(VersionConflict);

    expect(await outbox.get({ partnerId: 'atomic-partner', emailId: email.id })).toBeUndefined();
  });

  it('when the email part of the transaction fails, then the invitation is not written either', async () => {
    const queued = invitation({ partnerId: 'atomic2-partner' });
    const email = newInvitationEmail(queued, 'x@customer.example', 'en', NOW);
    await outbox.add(email);
    // A second invitation whose email row collides (same ID) must not be left without its email.
    const other = { ...invitation({ partnerId: 'atomic2-partner' }) };

    await expect(invitations.create(other, { ...email, invitationId: other.id })).rejects.toBeInstanceOf(
      VersionConflict,
    );

    expect(await invitations.get('atomic2-partner', other.id)).toBeUndefined();
  });

  it('when createInvitation runs with customerEmail on the tables, then the email row is there, pending, in the asked language', async () => {
    const { world, deps } = worldOnTables();
    const created = await createInvitation(deps, contoso, {
      kind: 'reseller-relationship',
      customerEmail: 'admin@tailspin.example',
      customerLanguage: 'fr',
    });

    const [started] = world.emailDelivery.started;
    expect(started?.partnerId).toBe('contoso-direct');
    expect((await outbox.get(started!))?.value).toMatchObject({
      invitationId: created.invitation.id,
      to: 'admin@tailspin.example',
      language: 'fr',
      status: 'pending',
    });
  });

  async function queued(deps: Dependencies, to: string): Promise<InvitationEmailRef> {
    const created = await createInvitation(deps, contoso, {
      kind: 'reseller-relationship',
      customerEmail: to,
    });
    const email = newInvitationEmail(created.invitation, to, 'en', NOW);
    return { partnerId: 'contoso-direct', emailId: email.id };
  }

  it('when the sender fails twice, then the email stays pending with its reason, and the third attempt sends it once', async () => {
    const { deps, sender, emailDeps } = worldOnTables();
    const ref = await queued(deps, 'retry@customer.example');
    sender.failNext = 2;

    await expect(deliverInvitationEmail(emailDeps, ref)).rejects.toThrow('delivery service unavailable');
    await expect(deliverInvitationEmail(emailDeps, ref)).rejects.toThrow('delivery service unavailable');
    expect((await outbox.get(ref))?.value).toMatchObject({ status: 'pending', attempts: 2 });

    expect(await deliverInvitationEmail(emailDeps, ref)).toMatchObject({ outcome: 'sent' });
    expect(sender.sent.map((m) => m.to)).toEqual(['retry@customer.example']);
    expect((await outbox.get(ref))?.value).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
  });

  it('when five dispatchers race for the same email, then exactly one message is sent and the rest stand back or find it sent', async () => {
    const { deps, sender, emailDeps } = worldOnTables();
    const ref = await queued(deps, 'race@customer.example');

    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        deliverInvitationEmail(emailDeps, ref).then(
          (r) => r.outcome,
          (error: unknown) => (error instanceof DeliveryInProgress ? 'in-progress' : String(error)),
        ),
      ),
    );

    expect(sender.sent).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(outcomes.every((o) => ['sent', 'already-sent', 'in-progress'].includes(o))).toBe(true);
    expect(await deliverInvitationEmail(emailDeps, ref)).toEqual({ outcome: 'already-sent' });
    expect(sender.sent).toHaveLength(1);
  });

  it('when a delivery is repeated after it succeeded, then nothing more is sent', async () => {
    const { deps, sender, emailDeps } = worldOnTables();
    const ref = await queued(deps, 'repeat@customer.example');

    await deliverInvitationEmail(emailDeps, ref);
    await deliverInvitationEmail(emailDeps, ref);
    await deliverInvitationEmail(emailDeps, ref);

    expect(sender.sent).toHaveLength(1);
  });

  it('when emails of several partners are queued, then the sweeper’s query finds the undelivered ones across partitions only', async () => {
    const a = invitation({ partnerId: 'sweep-a' });
    const b = invitation({ partnerId: 'sweep-b' });
    const sent = invitation({ partnerId: 'sweep-c' });
    const young = invitation({ partnerId: 'sweep-d' });
    const emailA = newInvitationEmail(a, 'a@x.example', 'en', NOW);
    const emailB = newInvitationEmail(b, 'b@x.example', 'de', NOW);
    const emailSent = { ...newInvitationEmail(sent, 'c@x.example', 'en', NOW), status: 'sent' as const };
    const emailYoung = newInvitationEmail(young, 'd@x.example', 'en', new Date('2025-03-01T10:05:00.000Z'));
    await Promise.all([
      invitations.create(a, emailA),
      invitations.create(b, emailB),
      invitations.create(sent, emailSent),
      invitations.create(young, emailYoung),
    ]);

    const found = await outbox.listUndelivered(new Date('2025-03-01T10:01:00.000Z'));

    expect(
      found
        .filter((e) => e.partnerId.startsWith('sweep-'))
        .map((e) => e.to)
        .sort(),
    ).toEqual(['a@x.example', 'b@x.example']);
  });
});
