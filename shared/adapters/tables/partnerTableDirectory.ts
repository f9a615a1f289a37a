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

export class PartnerTableDirectory implements PartnerDirectory {
  #cache: { at: number; partners: Promise<Partner[]> } | undefined;

  constructor(private readonly table: () => Promise<TableClient>) {}

  async get(partnerId: string): Promise<Partner | undefined> {
    return (await this.all()).find((p) => p.id === partnerId);
  }

  async ofHomeTenant(tenantId: string): Promise<readonly Partner[]> {
    return (await this.all()).filter((p) => p.homeTenantId === tenantId.toLowerCase());
  }

  all(): Promise<Partner[]> {
    if (!this.#cache || Date.now() - this.#cache.at > CACHE_MS) {
      const partners = this.#load();
      partners.catch(() => (this.#cache = undefined));
      this.#cache = { at: Date.now(), partners };
    }
    return this.#cache.partners;
  }

  async upsert(partner: Partner): Promise<void> {
    await (
      await this.table()
    ).upsertEntity(
      { partitionKey: PARTITION, rowKey: partner.id, partner: JSON.stringify(partner) },
      'Replace',
    );
    this.#cache = undefined;
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
