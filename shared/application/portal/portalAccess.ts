import type { BatchRef, DeviceBatch } from '../../domain/batches/deviceBatch';
import { forbidden, notFound } from '../../domain/domainError';
import type { PartnerUser, Principal } from '../../domain/identity/principal';
import type { Partner } from '../../domain/partners/partner';
import { implicitlyAuthorizedProviders, servesResellers } from '../../domain/partners/partnerRules';
import type { Relationship } from '../../domain/relationships/relationship';
import type { BatchDependencies } from '../batches/batchDependencies';
import { partnerOf } from '../partnerOf';

/** The partner portal is for a partner's people; API clients use the API, customers their own pages. */
export function assertPortalUser(principal: Principal): asserts principal is PartnerUser {
  if (principal.kind !== 'partner-user') {
    throw forbidden(
      'PartnerPortalUserRequired',
      "The partner portal is for a partner's portal users. Sign in with your partner account.",
    );
  }
}

export interface VisibleBatch {
  readonly batch: DeviceBatch;
  readonly owner: Pick<Partner, 'id' | 'name'>;
  /** False when an indirect provider looks at one of its resellers' batches. */
  readonly own: boolean;
}

type AccessDeps = Pick<BatchDependencies, 'partners' | 'batches' | 'relationships'>;

/**
 * The batches a partner sees for one customer: its own, and for an indirect provider those of each
 * reseller (the seeds: the provider sees what its resellers register) while its own authorisation for
 * that customer is active and comes through that reseller (once the customer revokes the provider, or
 * that reseller, the reseller's batches, with their serials, keys and hashes, are no longer the
 * provider's to read, even while another reseller still authorises it), newest first.
 */
export async function listVisibleBatches(
  deps: AccessDeps,
  principal: PartnerUser,
  tenantId: string,
): Promise<VisibleBatch[]> {
  return visibleBatchesOf(deps, principal, (owner) => deps.batches.listByPartner(tenantId, owner.id));
}

/**
 * The batches the partner sees for tenants outside `customers`: those sent before consent to a tenant
 * with no relationship yet, which no customer page shows. The same owners as listVisibleBatches; only
 * tenants not in `customers` are read.
 */
export async function listVisibleBatchesOutside(
  deps: AccessDeps,
  principal: PartnerUser,
  customers: ReadonlySet<string>,
): Promise<VisibleBatch[]> {
  return visibleBatchesOf(deps, principal, async (owner) => {
    const tenants = (await deps.batches.tenantsWithBatches(owner.id)).filter((t) => !customers.has(t));
    return (await Promise.all(tenants.map((t) => deps.batches.listByPartner(t, owner.id)))).flat();
  });
}

async function visibleBatchesOf(
  deps: AccessDeps,
  principal: PartnerUser,
  batchesOf: (owner: Partner) => Promise<DeviceBatch[]>,
): Promise<VisibleBatch[]> {
  const partner = await partnerOf(deps, principal);
  const owners = [partner, ...(await resellersOf(deps, partner))];
  // The provider's relationship with each tenant, read once however many resellers' batches it has.
  const relationships = new Map<string, Promise<Relationship | undefined>>();
  const relationshipWith = (tenantId: string) => {
    if (!relationships.has(tenantId)) relationships.set(tenantId, relationshipOf(deps, partner, tenantId));
    return relationships.get(tenantId)!;
  };
  const lists = await Promise.all(
    owners.map(async (owner) => {
      const own = owner.id === partner.id;
      const batches = await batchesOf(owner);
      const readable = own
        ? batches.map(() => true)
        : await Promise.all(
            batches.map(async (b) => providerMayRead(await relationshipWith(b.tenantId), owner)),
          );
      return batches
        .filter((_, i) => readable[i])
        .map((batch): VisibleBatch => ({ batch, owner: { id: owner.id, name: owner.name }, own }));
    }),
  );
  return lists.flat().sort((a, b) => b.batch.createdAt.localeCompare(a.batch.createdAt));
}

async function relationshipOf(
  deps: AccessDeps,
  partner: Partner,
  tenantId: string,
): Promise<Relationship | undefined> {
  return (await deps.relationships.get(partner.id, tenantId))?.value;
}

/**
 * Whether a provider may read a reseller's batches for the tenant: its authorisation for the tenant
 * (`relationship`) is active and that reseller is among those it comes through. Being active is not
 * enough: revoking one reseller leaves the provider active while another reseller still authorises it,
 * and the revoked reseller's batches are then no longer the provider's to read.
 */
function providerMayRead(relationship: Relationship | undefined, reseller: Partner): boolean {
  return relationship?.status === 'active' && relationship.viaResellerIds.includes(reseller.id);
}

/**
 * One batch the partner may see (its own, or its reseller's while its own authorisation for the tenant
 * is active and comes through that reseller); any other is not found.
 */
export async function getVisibleBatch(
  deps: AccessDeps,
  principal: PartnerUser,
  ref: BatchRef,
): Promise<VisibleBatch> {
  const partner = await partnerOf(deps, principal);
  const owner = ref.partnerId === partner.id ? partner : await deps.partners.get(ref.partnerId);
  const visible =
    owner &&
    (owner.id === partner.id ||
      (implicitlyAuthorizedProviders(owner).includes(partner.id) &&
        providerMayRead(await relationshipOf(deps, partner, ref.tenantId), owner)));
  const found = visible ? await deps.batches.get(ref) : undefined;
  if (!owner || !found) {
    throw notFound(
      'BatchNotFound',
      `No batch ${ref.batchId} that you may see exists for tenant ${ref.tenantId}.`,
    );
  }
  return { batch: found.value, owner: { id: owner.id, name: owner.name }, own: owner.id === partner.id };
}

export interface BatchForPage extends VisibleBatch {
  /** The customer's domain as this partner's relationship names it; its tenant ID when none does. */
  readonly customerDomain: string;
}

/** The batch page's batch: one the partner may see (as getVisibleBatch), with its customer's name. */
export async function getVisibleBatchForPage(
  deps: AccessDeps,
  principal: PartnerUser,
  ref: BatchRef,
): Promise<BatchForPage> {
  const [visible, relationship] = await Promise.all([
    getVisibleBatch(deps, principal, ref),
    deps.relationships.get(principal.partnerId, ref.tenantId),
  ]);
  return { ...visible, customerDomain: relationship?.value.domain ?? visible.batch.tenantId };
}

async function resellersOf(deps: AccessDeps, partner: Partner): Promise<Partner[]> {
  if (!servesResellers(partner)) return [];
  return (await deps.partners.all()).filter((p) => implicitlyAuthorizedProviders(p).includes(partner.id));
}
