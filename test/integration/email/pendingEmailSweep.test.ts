import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { invitationEmailRenderer } from '../../../shared/adapters/email/invitationEmailRenderer';
import {
  InvitationEmailOutboxTable,
  PENDING_PARTITION,
  markPending,
} from '../../../shared/adapters/tables/invitationEmailOutboxTable';
import { InvitationTableRepository } from '../../../shared/adapters/tables/invitationTableRepository';
import type { Dependencies } from '../../../shared/application/dependencies';
import { VersionConflict } from '../../../shared/application/ports/versioned';
import { deliverInvitationEmail } from '../../../shared/application/email/deliverInvitationEmail';
import { sweepInvitationEmails } from '../../../shared/application/email/sweepInvitationEmails';
import { createInvitation } from '../../../shared/application/invitations/createInvitation';
import type { InvitationEmailRef } from '../../../shared/domain/invitations/invitationEmail';
import { invitationEmailId, newInvitationEmail } from '../../../shared/domain/invitations/invitationEmail';
import { RecordingEmailSender } from '../../support/inMemoryEmailPorts';
import { PARTNERS, inMemoryWorld, partnerClient } from '../../support/inMemoryPorts';
import { ownTables, rowsOf } from '../consent/tableFixture';

/**
 * The sweeper reads pending emails only (their markers, one partition), whatever the number of emails
 * sent before; markers left by a crash between two writes are tidied, and none is ever missing.
 */
const contoso = partnerClient(PARTNERS.direct);

/** The Invitations table as the outbox sees it, counting the rows its queries and point reads return. */
function counting(table: () => Promise<TableClient>) {
  const reads = { listed: 0, pointReads: 0, filters: [] as string[] };
  const wrapped = async (): Promise<TableClient> => {
    const client = await table();
    return new Proxy(client, {
      get(target, property) {
        if (property === 'listEntities') {
          return (options?: { queryOptions?: { filter?: string } }) => {
            reads.filters.push(options?.queryOptions?.filter ?? '');
            return (async function* () {
              for await (const row of target.listEntities(options)) {
                reads.listed++;
                yield row;
              }
            })();
          };
        }
        if (property === 'getEntity') reads.pointReads++;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  return { reads, table: wrapped };
}

describe('sweeping pending invitation emails (Azurite)', () => {
  const dropped: (() => Promise<void>)[] = [];
  afterAll(() => Promise.all(dropped.map((drop) => drop())));

  function setup() {
    const own = ownTables();
    dropped.push(own.dropAll);
    const table = own.table(own.names.invitations);
    const memory = inMemoryWorld();
    const counted = counting(table);
    const deps: Dependencies = {
      ...memory.deps,
      invitations: new InvitationTableRepository(table),
      emailOutbox: new InvitationEmailOutboxTable(table),
      newId: randomUUID,
    };
    const sender = new RecordingEmailSender();
    const emailDeps = { ...deps, sender, renderer: invitationEmailRenderer, claimSeconds: 120 };
    const sweep = () =>
      sweepInvitationEmails({
        ...emailDeps,
        emailOutbox: new InvitationEmailOutboxTable(counted.table),
        emailDelivery: memory.emailDelivery,
      });
    const markers = async () =>
      (await rowsOf(own.tables, own.names.invitations, PENDING_PARTITION)).map((r) => r.emailId);
    return { own, table, memory, deps, emailDeps, sender, reads: counted.reads, sweep, markers };
  }

  async function queued(deps: Dependencies, to: string): Promise<InvitationEmailRef> {
    const created = await createInvitation(deps, contoso, {
      kind: 'reseller-relationship',
      customerEmail: to,
    });
    return { partnerId: 'contoso-direct', emailId: invitationEmailId(created.invitation.id, to) };
  }

  it('when many emails were sent and two wait, then the sweeper reads the two pending markers and their emails, nothing else', async () => {
    const { memory, deps, emailDeps, reads, sweep, markers } = setup();
    const sent = await Promise.all(Array.from({ length: 30 }, (_, i) => queued(deps, `sent${i}@x.example`)));
    for (const ref of sent) await deliverInvitationEmail(emailDeps, ref);
    const waiting = [await queued(deps, 'wait1@x.example'), await queued(deps, 'wait2@x.example')];
    memory.clock.set('2025-03-01T10:01:30.000Z');
    await queued(deps, 'young@x.example'); // inside the grace period: left to its own request
    memory.emailDelivery.started.length = 0;
    expect(await markers()).toHaveLength(3);

    memory.clock.set('2025-03-01T10:02:00.000Z');
    expect(await sweep()).toEqual({ started: 2 });

    expect(memory.emailDelivery.started.map((r) => r.emailId).sort()).toEqual(
      waiting.map((r) => r.emailId).sort(),
    );
    // Azurite returns what a filter matched, not what it scanned: the bound is the filter's PartitionKey.
    expect(reads.filters).toHaveLength(1);
    expect(reads.filters[0]).toMatch(/^PartitionKey eq '~pending-emails' and /);
    expect(reads.listed).toBe(2);
    expect(reads.pointReads).toBe(2);
  });

  it('when a request died after writing the marker and before its invitation, then the marker is kept while the request could still be writing, and removed after', async () => {
    const { own, memory, reads, sweep, markers } = setup();
    const ghost = newInvitationEmail(
      { id: randomUUID(), partnerId: 'contoso-direct' },
      'ghost@x.example',
      'en',
      memory.clock.now(),
    );
    await markPending(await own.tables.table(own.names.invitations), ghost);

    memory.clock.set('2025-03-01T10:05:00.000Z');
    expect(await sweep()).toEqual({ started: 0 });
    expect(await markers()).toEqual([ghost.id]);

    memory.clock.set('2025-03-01T10:30:00.000Z');
    expect(await sweep()).toEqual({ started: 0 });
    expect(await markers()).toEqual([]);
    expect(reads.listed).toBe(2);
  });

  it('when a dispatcher died after marking the email sent and before removing its marker, then the sweeper removes the marker and starts nothing', async () => {
    const { own, memory, deps, emailDeps, sender, sweep, markers } = setup();
    const ref = await queued(deps, 'done@x.example');
    await deliverInvitationEmail(emailDeps, ref);
    const email = (await deps.emailOutbox.get(ref))!.value;
    await markPending(await own.tables.table(own.names.invitations), { ...email, status: 'pending' });
    memory.emailDelivery.started.length = 0;

    memory.clock.set('2025-03-01T10:05:00.000Z');
    expect(await sweep()).toEqual({ started: 0 });

    expect(await markers()).toEqual([]);
    expect(sender.sent).toHaveLength(1);
  });

  it('when the same email is queued again (an OEM’s link asked for again), then it is refused and its one marker stays', async () => {
    const { own, deps, markers } = setup();
    const ref = await queued(deps, 'kept@x.example');
    const email = (await deps.emailOutbox.get(ref))!.value;

    await markPending(await own.tables.table(own.names.invitations), email);
    await expect(deps.emailOutbox.add(email)).rejects.toBeInstanceOf(VersionConflict);

    expect(await markers()).toEqual([ref.emailId]);
  });
});
