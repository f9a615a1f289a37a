import type { TableClient } from '@azure/data-tables';
import type { TenantDirectory } from '../../application/ports/tenantDirectory';
import { getEntityOrUndefined } from './conditionalWrites';

/**
 * The local stand-in for Entra ID's directory (AUTH_MODE=dev only): the seeded users who can sign in,
 * and the customer tenants with their domains.
 */
export interface DevUser {
  readonly upn: string;
  readonly displayName: string;
  readonly tenantId: string;
  readonly oid: string;
  readonly roleIds: readonly string[];
  /** Set for a partner's portal user. */
  readonly partnerId?: string;
}

export interface DevTenant {
  readonly tenantId: string;
  readonly name: string;
  readonly domain: string;
}

export class DevDirectoryTable implements TenantDirectory {
  constructor(
    private readonly users: () => Promise<TableClient>,
    private readonly tenants: () => Promise<TableClient>,
  ) {}

  async upsertUser(user: DevUser): Promise<void> {
    await (
      await this.users()
    ).upsertEntity(
      { partitionKey: 'user', rowKey: user.upn.toLowerCase(), user: JSON.stringify(user) },
      'Replace',
    );
  }

  async upsertTenant(tenant: DevTenant): Promise<void> {
    await (
      await this.tenants()
    ).upsertEntity(
      { partitionKey: 'tenant', rowKey: tenant.tenantId, tenant: JSON.stringify(tenant) },
      'Replace',
    );
  }

  async findUser(upn: string): Promise<DevUser | undefined> {
    const row = await getEntityOrUndefined<{ user: string }>(await this.users(), 'user', upn.toLowerCase());
    return row && (JSON.parse(row.user) as DevUser);
  }

  async listUsers(): Promise<DevUser[]> {
    const users: DevUser[] = [];
    for await (const row of (await this.users()).listEntities<{ user: string }>())
      users.push(JSON.parse(row.user) as DevUser);
    return users;
  }

  async getTenant(tenantId: string): Promise<DevTenant | undefined> {
    const row = await getEntityOrUndefined<{ tenant: string }>(
      await this.tenants(),
      'tenant',
      tenantId.toLowerCase(),
    );
    return row && (JSON.parse(row.tenant) as DevTenant);
  }

  async domainOf(tenantId: string): Promise<string | undefined> {
    return (await this.getTenant(tenantId))?.domain;
  }
}
