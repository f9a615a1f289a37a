/**
 * Enrols or updates partners in the app's Partners table in Azure, through the same repository code
 * the app reads them with. Run it with your own Entra sign-in (`az login`), which needs Storage Table
 * Data Contributor on the account (shared keys are off):
 *
 *   npx esbuild infra/azure/configurePartners.ts --bundle --platform=node --packages=external \
 *     --outfile=.local/configurePartners.js
 *   STORAGE_TABLE_ENDPOINT=https://<account>.table.core.windows.net node .local/configurePartners.js partners.json
 *
 * The file holds one partner or an array of them, in the shape of shared/domain/partners/partner.ts.
 * Nothing is written unless every partner in it is valid.
 */
import { readFileSync } from 'node:fs';
import { PartnerTableDirectory } from '../../shared/adapters/tables/partnerTableDirectory';
import { TableClientFactory, tableStorageTarget } from '../../shared/adapters/tables/tableClientFactory';
import { tableNames } from '../../shared/adapters/tables/tableNames';
import { parseConfig } from '../../shared/config/config';
import type { Partner } from '../../shared/domain/partners/partner';
import { PartnerSchema } from '../../shared/domain/partners/partner';
import { PARTNER_CAPABILITIES, PROVIDER_KINDS } from '../../shared/domain/partners/partnerCapabilities';
import { servesResellers } from '../../shared/domain/partners/partnerRules';

/** The partners in a file's JSON, normalised (tenant and client IDs in lower case), or why not. */
export function partnersFrom(json: unknown, alreadyStored: readonly Partner[]): Partner[] {
  return withKnownProviders(parsePartners(json), alreadyStored);
}

function parsePartners(json: unknown): Partner[] {
  const records: unknown[] = Array.isArray(json) ? json : [json];
  return records.map((record, index) => {
    const parsed = PartnerSchema.safeParse(record);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(partner)'}: ${i.message}`);
      throw new Error(`Partner #${index + 1} is not valid:\n  ${issues.join('\n  ')}`);
    }
    return {
      ...parsed.data,
      homeTenantId: parsed.data.homeTenantId.toLowerCase(),
      apiClientIds: parsed.data.apiClientIds.map((id) => id.toLowerCase()),
    };
  });
}

function withKnownProviders(partners: Partner[], alreadyStored: readonly Partner[]): Partner[] {
  const known = new Map([...alreadyStored, ...partners].map((p) => [p.id, p]));
  for (const partner of partners) {
    if (PARTNER_CAPABILITIES[partner.kind].namesProviders && partner.providerIds.length === 0)
      throw new Error(`${partner.id}: a ${partner.kind} partner names its providers in providerIds`);
    for (const providerId of partner.providerIds) {
      const provider = known.get(providerId);
      if (!provider || !servesResellers(provider))
        throw new Error(
          `${partner.id}: provider ${providerId} is not an indirect provider (a kind that serves resellers: ${PROVIDER_KINDS.join(', ')}) in the file or the table`,
        );
    }
  }
  return partners;
}

async function main(file: string | undefined): Promise<void> {
  if (!file) throw new Error('Usage: node configurePartners.js <partners.json>');
  // Only the storage settings are read: no token is verified here, so no Entra settings are needed.
  const cfg = parseConfig({ AUTH_MODE: 'dev', ...process.env });
  // The operator's own Azure credential (undefined: not the app's managed identity).
  const tables = new TableClientFactory(await tableStorageTarget(cfg.storage, undefined));
  const directory = new PartnerTableDirectory(() => tables.table(tableNames(cfg.tablePrefix).partners));
  // Checked before anything is read from Azure, and again against the partners already stored.
  const parsed = parsePartners(JSON.parse(readFileSync(file, 'utf8')));
  const partners = withKnownProviders(parsed, await directory.all());
  for (const partner of partners) {
    await directory.upsert(partner);
    console.log(`${partner.id}: ${partner.kind}, home tenant ${partner.homeTenantId}`);
  }
}

if (require.main === module) {
  main(process.argv[2]).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
