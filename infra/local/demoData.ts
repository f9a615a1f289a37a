import type { Services } from '../../shared/compositionRoot';
import type { DevTenant, DevUser } from '../../shared/adapters/tables/devDirectoryTable';
import type { Partner } from '../../shared/domain/partners/partner';
import { GLOBAL_ADMINISTRATOR_ROLE } from '../../shared/domain/invitations/adminRoles';
import { hashInvitationToken } from '../../shared/domain/invitations/invitationToken';
import { isConflict } from '../../shared/adapters/tables/tableErrors';

/** The brief's seeded local data, with its fixed IDs. Seeding again changes nothing. */
const HELPDESK_ADMINISTRATOR_ROLE = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const INTUNE_ADMINISTRATOR_ROLE = '3a2c62db-5318-420d-8d74-23affee5d9d5';
const CLOUD_DEVICE_ADMINISTRATOR_ROLE = '7698a772-787b-4ac8-901f-60d6b08affd2';

export const TAILSPIN_TENANT_ID = '4f1c6a8e-2b7d-4c3a-9e51-7d2f0b9a6c13';
export const WINGTIP_TENANT_ID = '9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94';
/** The invitation printed at start-up, so a fresh clone has a working link at once. */
export const DEMO_INVITATION_ID = 'd3e0a1b2-c4d5-4e6f-8a9b-0c1d2e3f4a5b';

const partner = (
  p: Omit<Partner, 'apiClientIds' | 'providerIds' | 'oemEligible'> & Partial<Partner>,
): Partner => ({
  providerIds: [],
  oemEligible: false,
  apiClientIds: [`${p.id}-api-client`],
  ...p,
});

export const DEMO_PARTNERS: readonly Partner[] = [
  partner({
    id: 'contoso-direct',
    name: 'Contoso Direct',
    kind: 'direct-csp',
    homeTenantId: 'c0a7e5d1-0000-4000-8000-000000000001',
  }),
  partner({
    id: 'fabrikam-distribution',
    name: 'Fabrikam Distribution',
    kind: 'indirect-provider',
    homeTenantId: 'c0a7e5d1-0000-4000-8000-000000000002',
  }),
  partner({
    id: 'northwind-reseller',
    name: 'Northwind Reseller',
    kind: 'indirect-reseller',
    providerIds: ['fabrikam-distribution'],
    homeTenantId: 'c0a7e5d1-0000-4000-8000-000000000003',
  }),
  partner({
    id: 'adatum-oem',
    name: 'Adatum OEM',
    kind: 'oem',
    oemEligible: true,
    homeTenantId: 'c0a7e5d1-0000-4000-8000-000000000004',
  }),
  partner({
    id: 'litware-oem',
    name: 'Litware OEM',
    kind: 'oem',
    oemEligible: false,
    homeTenantId: 'c0a7e5d1-0000-4000-8000-000000000005',
  }),
];

export const DEMO_TENANTS: readonly DevTenant[] = [
  { tenantId: TAILSPIN_TENANT_ID, name: 'Tailspin Toys', domain: 'tailspin.onmicrosoft.com' },
  { tenantId: WINGTIP_TENANT_ID, name: 'Wingtip Toys', domain: 'wingtip.onmicrosoft.com' },
];

export const DEMO_USERS: readonly DevUser[] = [
  user(
    'admin@tailspin.onmicrosoft.com',
    'Tailspin Admin',
    TAILSPIN_TENANT_ID,
    'a0000000-0000-4000-8000-000000000001',
    [GLOBAL_ADMINISTRATOR_ROLE],
  ),
  user(
    'helpdesk@tailspin.onmicrosoft.com',
    'Tailspin Helpdesk',
    TAILSPIN_TENANT_ID,
    'a0000000-0000-4000-8000-000000000002',
    [HELPDESK_ADMINISTRATOR_ROLE],
  ),
  user(
    'it-admin@tailspintoys.com',
    'Tailspin IT Admin (federated)',
    TAILSPIN_TENANT_ID,
    'a0000000-0000-4000-8000-000000000003',
    [GLOBAL_ADMINISTRATOR_ROLE],
  ),
  user(
    'admin@wingtip.onmicrosoft.com',
    'Wingtip Admin',
    WINGTIP_TENANT_ID,
    'a0000000-0000-4000-8000-000000000004',
    [GLOBAL_ADMINISTRATOR_ROLE],
  ),
  ...DEMO_PARTNERS.map((p, i) => ({
    upn: `agent@${p.id}.example`,
    displayName: `${p.name} agent`,
    tenantId: p.homeTenantId,
    oid: `b0000000-0000-4000-8000-00000000000${i + 1}`,
    roleIds: [],
    partnerId: p.id,
  })),
];

function user(upn: string, displayName: string, tenantId: string, oid: string, roleIds: string[]): DevUser {
  return { upn, displayName, tenantId, oid, roleIds };
}

export async function seedDemoData(svc: Services): Promise<{ invitationUrl: string }> {
  for (const p of DEMO_PARTNERS) await svc.partners.upsert(p);
  for (const t of DEMO_TENANTS) await svc.devDirectory.upsertTenant(t);
  for (const u of DEMO_USERS) await svc.devDirectory.upsertUser(u);
  return { invitationUrl: await ensureDemoInvitation(svc) };
}

async function ensureDemoInvitation(svc: Services): Promise<string> {
  const { deps } = svc;
  const partnerId = 'contoso-direct';
  const token = deps.links.token(partnerId, DEMO_INVITATION_ID);
  const now = deps.clock.now();
  try {
    await deps.invitations.create({
      id: DEMO_INVITATION_ID,
      partnerId,
      kind: 'reseller-relationship',
      delegatedAdmin: {
        roles: [INTUNE_ADMINISTRATOR_ROLE, CLOUD_DEVICE_ADMINISTRATOR_ROLE],
        duration: 'P90D',
      },
      customerEmail: null,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + deps.invitationTtlDays * 86_400_000).toISOString(),
      withdrawnAt: null,
      tokenHash: hashInvitationToken(token),
    });
  } catch (error) {
    if (!isConflict(error) && !(error instanceof Error && error.name === 'VersionConflict')) throw error;
  }
  return deps.links.url(token);
}
