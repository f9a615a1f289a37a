import type { TableClient } from '@azure/data-tables';
import type { PartnerDirectory } from '../../application/ports/partnerDirectory';
import type { Partner } from '../../domain/partners/partner';
import { PartnerSchema } from '../../domain/partners/partner';

/**
 * The partner registry: one small partition, read whole and kept for a short while, since every
 * request asks it and it changes only when an operator enrols a partner.
 */
const PARTITION = 'partner';
const CACHE_MS = 30_000;

/** The cached list; shared by the directory's views, so an upsert through one is seen by every one. */
interface CacheSlot {
  entry?: { at: number; partners: Promise<Partner[]> } | undefined;
}

export class PartnerTableDirectory implements PartnerDirectory {
  constructor(
    private readonly table: () => Promise<TableClient>,
    private readonly cache: CacheSlot = {},
  ) {}

  /** The same directory and cache, reading and writing through other clients (another caller's budget). */
  through(table: () => Promise<TableClient>): PartnerTableDirectory {
    return new PartnerTableDirectory(table, this.cache);
  }

  async get(partnerId: string): Promise<Partner | undefined> {
    return (await this.all()).find((p) => p.id === partnerId);
  }

  async ofHomeTenant(tenantId: string): Promise<readonly Partner[]> {
    return (await this.all()).filter((p) => p.homeTenantId === tenantId.toLowerCase());
  }

  all(): Promise<Partner[]> {
    const cached = this.cache.entry;
    if (cached && Date.now() - cached.at <= CACHE_MS) return cached.partners;
    const entry = { at: Date.now(), partners: this.#load() };
    entry.partners.catch(() => {
      if (this.cache.entry === entry) this.cache.entry = undefined;
    });
    this.cache.entry = entry;
    return entry.partners;
  }

  async upsert(partner: Partner): Promise<void> {
    await (
      await this.table()
    ).upsertEntity(
      { partitionKey: PARTITION, rowKey: partner.id, partner: JSON.stringify(partner) },
      'Replace',
    );
    this.cache.entry = undefined;
  }

  async #load(): Promise<Partner[]> {
    const rows = (await this.table()).listEntities<{ partner: string }>({
      queryOptions: { filter: `PartitionKey eq '${PARTITION}'` },
    });
    const partners: Partner[] = [];
    for await (const row of rows) partners.push(PartnerSchema.parse(JSON.parse(row.partner)));
    return partners;
  }
}
