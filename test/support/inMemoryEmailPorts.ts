import type { EmailSender, OutgoingEmail } from '../../shared/application/ports/emailSender';
import { EmailSendFailed } from '../../shared/application/ports/emailSender';
import type { InvitationEmailDelivery } from '../../shared/application/ports/invitationEmailDelivery';
import type { InvitationEmailOutbox } from '../../shared/application/ports/invitationEmailOutbox';
import type { Versioned } from '../../shared/application/ports/versioned';
import { VersionConflict } from '../../shared/application/ports/versioned';
import type { InvitationEmail, InvitationEmailRef } from '../../shared/domain/invitations/invitationEmail';

/** The outbox with the table adapter's semantics: keyed inserts and ETag-guarded replaces. */
export class InMemoryInvitationEmailOutbox implements InvitationEmailOutbox {
  readonly #rows = new Map<string, { value: InvitationEmail; version: number }>();
  #nextVersion = 1;

  has(email: InvitationEmail): boolean {
    return this.#rows.has(keyOf(email));
  }

  add(email: InvitationEmail): Promise<void> {
    if (this.has(email)) return Promise.reject(new VersionConflict('invitation email'));
    this.#rows.set(keyOf(email), { value: structuredClone(email), version: this.#nextVersion++ });
    return Promise.resolve();
  }

  get(ref: InvitationEmailRef): Promise<Versioned<InvitationEmail> | undefined> {
    const row = this.#rows.get(`${ref.partnerId}|${ref.emailId}`);
    return Promise.resolve(row && { value: structuredClone(row.value), version: `W/"${row.version}"` });
  }

  replace(email: InvitationEmail, version: string): Promise<string> {
    const row = this.#rows.get(keyOf(email));
    if (!row || `W/"${row.version}"` !== version)
      return Promise.reject(new VersionConflict('invitation email'));
    const next = this.#nextVersion++;
    this.#rows.set(keyOf(email), { value: structuredClone(email), version: next });
    return Promise.resolve(`W/"${next}"`);
  }

  listUndelivered(queuedBefore: Date): Promise<InvitationEmail[]> {
    return Promise.resolve(
      [...this.#rows.values()]
        .map((row) => structuredClone(row.value))
        .filter(
          (e) => (e.status === 'pending' || e.status === 'sending') && new Date(e.createdAt) < queuedBefore,
        ),
    );
  }

  values(): InvitationEmail[] {
    return [...this.#rows.values()].map((row) => structuredClone(row.value));
  }
}

const keyOf = (email: InvitationEmail) => `${email.partnerId}|${email.id}`;

/** Remembers which deliveries were started, as the durable client would start them. */
export class RecordingEmailDelivery implements InvitationEmailDelivery {
  readonly started: InvitationEmailRef[] = [];

  start(ref: InvitationEmailRef): Promise<void> {
    this.started.push({ ...ref });
    return Promise.resolve();
  }
}

/**
 * A delivery service that keeps what it was given; `failNext` makes the next sends fail, as a service
 * outage would; `refuseAll` makes every send throw that refusal. It does not deduplicate: tests see
 * every duplicate the application lets through.
 */
export class RecordingEmailSender implements EmailSender {
  readonly sent: OutgoingEmail[] = [];
  failNext = 0;
  refuseAll: EmailSendFailed | undefined;
  /** Every send asked for, including those that failed. */
  tries = 0;
  /** Called inside send, before it completes: lets a test interleave a second dispatcher. */
  duringSend: (() => Promise<void>) | undefined;

  async send(email: OutgoingEmail): Promise<{ deliveryId: string }> {
    this.tries++;
    if (this.refuseAll) throw this.refuseAll;
    if (this.failNext > 0) {
      this.failNext--;
      throw new EmailSendFailed('DeliveryServiceUnavailable', false, 'delivery service unavailable');
    }
    const during = this.duringSend;
    this.duringSend = undefined;
    if (during) await during();
    this.sent.push(email);
    return { deliveryId: `recorded-${this.sent.length}` };
  }
}
