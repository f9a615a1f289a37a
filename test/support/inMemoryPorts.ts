import type { Dependencies } from '../../shared/application/dependencies';
import type { AuditLog, AuditPage, AuditScope } from '../../shared/application/ports/auditLog';
import type { Clock } from '../../shared/application/ports/clock';
import type { ConsentEvents } from '../../shared/application/ports/consentEvents';
import type { InvitationRepository } from '../../shared/application/ports/invitationRepository';
import type { PartnerDirectory } from '../../shared/application/ports/partnerDirectory';
import type { RelationshipRepository } from '../../shared/application/ports/relationshipRepository';
import type { TenantDirectory } from '../../shared/application/ports/tenantDirectory';
import type { Versioned } from '../../shared/application/ports/versioned';
import { VersionConflict } from '../../shared/application/ports/versioned';
import type { AuditEvent } from '../../shared/domain/audit/auditEvent';
import type { CustomerUser, PartnerClient } from '../../shared/domain/identity/principal';
import { GLOBAL_ADMINISTRATOR_ROLE } from '../../shared/domain/invitations/adminRoles';
import type { Invitation } from '../../shared/domain/invitations/invitation';
import type { InvitationEmail } from '../../shared/domain/invitations/invitationEmail';
import { InMemoryInvitationEmailOutbox, RecordingEmailDelivery } from './inMemoryEmailPorts';
import { invitationToken } from '../../shared/domain/invitations/invitationToken';
import type { Partner } from '../../shared/domain/partners/partner';
import type { Relationship } from '../../shared/domain/relationships/relationship';

/**
 * In-memory stand-ins for the ports, with the table adapters' semantics: keyed inserts and
 * version-guarded replaces throw VersionConflict, and every read returns a copy (a caller never
 * holds a live reference into the store).
 */
const copy = <T>(value: T): T => structuredClone(value);

class VersionedStore<T> {
  readonly #rows = new Map<string, { value: T; version: number }>();
  #nextVersion = 1;

  get(key: string): Versioned<T> | undefined {
    const row = this.#rows.get(key);
    return row && { value: copy(row.value), version: `W/"${row.version}"` };
  }

  create(key: string, value: T, what: string): void {
    if (this.#rows.has(key)) throw new VersionConflict(what);
    this.#rows.set(key, { value: copy(value), version: this.#nextVersion++ });
  }

  replace(key: string, value: T, version: string, what: string): void {
    const row = this.#rows.get(key);
    if (!row || `W/"${row.version}"` !== version) throw new VersionConflict(what);
    this.#rows.set(key, { value: copy(value), version: this.#nextVersion++ });
  }

  values(): T[] {
    return [...this.#rows.values()].map((row) => copy(row.value));
  }

  get size(): number {
    return this.#rows.size;
  }
}

export class InMemoryPartnerDirectory implements PartnerDirectory {
  readonly #partners = new Map<string, Partner>();

  constructor(partners: readonly Partner[] = []) {
    for (const p of partners) this.#partners.set(p.id, copy(p));
  }

  get(partnerId: string): Promise<Partner | undefined> {
    const found = this.#partners.get(partnerId);
    return Promise.resolve(found && copy(found));
  }

  ofHomeTenant(tenantId: string): Promise<readonly Partner[]> {
    const found = [...this.#partners.values()].filter((p) => p.homeTenantId === tenantId.toLowerCase());
    return Promise.resolve(found.map(copy));
  }

  all(): Promise<readonly Partner[]> {
    return Promise.resolve([...this.#partners.values()].map(copy));
  }
}

export class InMemoryInvitationRepository implements InvitationRepository {
  readonly store = new VersionedStore<Invitation>();
  readonly outbox = new InMemoryInvitationEmailOutbox();

  async create(invitation: Invitation, email?: InvitationEmail): Promise<void> {
    // One transaction: neither is written when either key exists.
    if (email && this.outbox.has(email)) throw new VersionConflict('invitation email');
    await run(() => this.store.create(key(invitation.partnerId, invitation.id), invitation, 'invitation'));
    if (email) await this.outbox.add(email);
  }

  get(partnerId: string, invitationId: string): Promise<Versioned<Invitation> | undefined> {
    return Promise.resolve(this.store.get(key(partnerId, invitationId)));
  }

  listByPartner(partnerId: string): Promise<Invitation[]> {
    return Promise.resolve(this.store.values().filter((i) => i.partnerId === partnerId));
  }

  replace(invitation: Invitation, version: string): Promise<void> {
    return run(() =>
      this.store.replace(key(invitation.partnerId, invitation.id), invitation, version, 'invitation'),
    );
  }
}

export class InMemoryRelationshipRepository implements RelationshipRepository {
  readonly store = new VersionedStore<Relationship>();

  get(partnerId: string, tenantId: string): Promise<Versioned<Relationship> | undefined> {
    return Promise.resolve(this.store.get(key(partnerId, tenantId)));
  }

  create(relationship: Relationship): Promise<void> {
    return run(() =>
      this.store.create(key(relationship.partnerId, relationship.tenantId), relationship, 'relationship'),
    );
  }

  replace(relationship: Relationship, version: string): Promise<void> {
    return run(() =>
      this.store.replace(
        key(relationship.partnerId, relationship.tenantId),
        relationship,
        version,
        'relationship',
      ),
    );
  }

  listByPartner(partnerId: string): Promise<Relationship[]> {
    return Promise.resolve(this.store.values().filter((r) => r.partnerId === partnerId));
  }

  listByTenant(tenantId: string): Promise<Relationship[]> {
    return Promise.resolve(this.store.values().filter((r) => r.tenantId === tenantId));
  }

  all(): Relationship[] {
    return this.store.values();
  }
}

export class InMemoryAuditLog implements AuditLog {
  readonly events: AuditEvent[] = [];

  append(event: AuditEvent): Promise<void> {
    if (!this.events.some((e) => e.id === event.id)) this.events.push(copy(event));
    return Promise.resolve();
  }

  readonly #once = new Map<string, AuditEvent>();

  appendOnce(event: AuditEvent, onceKey: string): Promise<void> {
    const recorded = this.#once.get(onceKey) ?? event;
    this.#once.set(onceKey, recorded);
    return this.append(recorded);
  }

  async list(scope: AuditScope, limit: number): Promise<AuditEvent[]> {
    return (await this.page(scope, limit)).items;
  }

  /** The continuation token is the last listed event's id. */
  page(scope: AuditScope, limit: number, continuationToken?: string): Promise<AuditPage> {
    const matches = this.events.filter((e) =>
      'partnerId' in scope ? e.partnerId === scope.partnerId : e.tenantId === scope.tenantId,
    );
    const newestFirst = matches
      .map((e, i) => ({ e, i }))
      .sort((a, b) => b.e.at.localeCompare(a.e.at) || b.i - a.i)
      .map(({ e }) => e);
    const from = continuationToken ? newestFirst.findIndex((e) => e.id === continuationToken) + 1 : 0;
    const items = newestFirst.slice(from, from + limit).map(copy);
    const more = from + limit < newestFirst.length;
    return Promise.resolve({ items, continuationToken: more ? (items[items.length - 1]?.id ?? null) : null });
  }

  ofType(type: AuditEvent['type']): AuditEvent[] {
    return this.events.filter((e) => e.type === type);
  }
}

export class InMemoryTenantDirectory implements TenantDirectory {
  constructor(private readonly domains: Readonly<Record<string, string>> = {}) {}

  domainOf(tenantId: string): Promise<string | undefined> {
    return Promise.resolve(this.domains[tenantId]);
  }
}

export class RecordingConsentEvents implements ConsentEvents {
  readonly given: { partnerIds: string[]; tenantId: string }[] = [];
  readonly revoked: { partnerIds: string[]; tenantId: string }[] = [];

  consentGiven(partnerIds: readonly string[], tenantId: string): Promise<void> {
    this.given.push({ partnerIds: [...partnerIds], tenantId });
    return Promise.resolve();
  }

  consentRevoked(partnerIds: readonly string[], tenantId: string): Promise<void> {
    this.revoked.push({ partnerIds: [...partnerIds], tenantId });
    return Promise.resolve();
  }
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  #now: Date;

  constructor(start: string | Date = '2025-03-01T10:00:00.000Z') {
    this.#now = new Date(start);
  }

  now(): Date {
    return new Date(this.#now.getTime());
  }

  set(at: string | Date): void {
    this.#now = new Date(at);
  }

  advanceDays(days: number): void {
    this.#now = new Date(this.#now.getTime() + days * 86_400_000);
  }
}

function key(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

function run(write: () => void): Promise<void> {
  try {
    write();
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

// ---------------------------------------------------------------------------------------------------
// Fixtures shared by the use-case tests.

export const TEST_LINK_KEY = Buffer.alloc(32, 7);
export const TENANT_ID = '4f1c6a8e-2b7d-4c3a-9e51-7d2f0b9a6c13';
export const TENANT_DOMAIN = 'tailspin.onmicrosoft.com';

const partner = (p: Pick<Partner, 'id' | 'kind'> & Partial<Partner>, index: number): Partner => ({
  name: p.id,
  providerIds: [],
  oemEligible: false,
  homeTenantId: `c0a7e5d1-0000-4000-8000-00000000000${index}`,
  apiClientIds: [`${p.id}-api-client`],
  ...p,
});

export const PARTNERS = {
  direct: partner({ id: 'contoso-direct', kind: 'direct-csp' }, 1),
  provider: partner({ id: 'fabrikam-distribution', kind: 'indirect-provider' }, 2),
  reseller: partner(
    { id: 'northwind-reseller', kind: 'indirect-reseller', providerIds: ['fabrikam-distribution'] },
    3,
  ),
  otherReseller: partner(
    { id: 'proseware-reseller', kind: 'indirect-reseller', providerIds: ['fabrikam-distribution'] },
    6,
  ),
  oem: partner({ id: 'adatum-oem', kind: 'oem', oemEligible: true }, 4),
  ineligibleOem: partner({ id: 'litware-oem', kind: 'oem', oemEligible: false }, 5),
} as const satisfies Record<string, Partner>;

export interface InMemoryWorld {
  readonly deps: Dependencies;
  readonly invitations: InMemoryInvitationRepository;
  readonly relationships: InMemoryRelationshipRepository;
  readonly audit: InMemoryAuditLog;
  readonly consentEvents: RecordingConsentEvents;
  readonly clock: ManualClock;
  readonly emailDelivery: RecordingEmailDelivery;
}

export function inMemoryWorld(partners: readonly Partner[] = Object.values(PARTNERS)): InMemoryWorld {
  const invitations = new InMemoryInvitationRepository();
  const emailDelivery = new RecordingEmailDelivery();
  const relationships = new InMemoryRelationshipRepository();
  const audit = new InMemoryAuditLog();
  const consentEvents = new RecordingConsentEvents();
  const clock = new ManualClock();
  let sequence = 0;
  const deps: Dependencies = {
    partners: new InMemoryPartnerDirectory(partners),
    invitations,
    emailOutbox: invitations.outbox,
    emailDelivery,
    emailQuota: { take: () => Promise.resolve({ allowed: true }) },
    relationships,
    audit,
    tenants: new InMemoryTenantDirectory({ [TENANT_ID]: TENANT_DOMAIN }),
    consentEvents,
    clock,
    newId: () => `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
    links: {
      token: (partnerId, invitationId) => invitationToken(TEST_LINK_KEY, partnerId, invitationId),
      url: (token) => `https://consent.example/api/consent/${token}`,
    },
    invitationTtlDays: 90,
  };
  return { deps, invitations, relationships, audit, consentEvents, clock, emailDelivery };
}

export function partnerClient(p: Partner): PartnerClient {
  return { kind: 'partner-client', partnerId: p.id, clientId: p.apiClientIds[0] ?? `${p.id}-api-client` };
}

export function customerUser(overrides: Partial<CustomerUser> = {}): CustomerUser {
  return {
    kind: 'customer-user',
    tenantId: TENANT_ID,
    userId: 'a0000000-0000-4000-8000-000000000001',
    upn: `admin@${TENANT_DOMAIN}`,
    roleIds: [GLOBAL_ADMINISTRATOR_ROLE],
    cloudNative: true,
    ...overrides,
  };
}

/** The token inside a link URL made by `inMemoryWorld`. */
export function tokenOf(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}
