import { acceptInvitation } from '../../../shared/application/consent/acceptInvitation';
import { submitDeviceBatch } from '../../../shared/application/batches/submitDeviceBatch';
import { createInvitation } from '../../../shared/application/invitations/createInvitation';
import {
  getVisibleBatch,
  listVisibleBatches,
  listVisibleBatchesOutside,
} from '../../../shared/application/portal/portalAccess';
import { revokePartner } from '../../../shared/application/tenantAdmin/tenantPartners';
import type { BatchRef } from '../../../shared/domain/batches/deviceBatch';
import type { PartnerUser } from '../../../shared/domain/identity/principal';
import type { Partner } from '../../../shared/domain/partners/partner';
import type { InMemoryBatchWorld } from '../../support/inMemoryBatchPorts';
import { inMemoryBatchWorld, pkidDevice, refusal } from '../../support/inMemoryBatchPorts';
import { PARTNERS, TENANT_ID, customerUser, partnerClient, tokenOf } from '../../support/inMemoryPorts';

/**
 * An indirect provider reads a reseller's batches (serials, product keys, hardware hashes) only while
 * its authorisation for the customer comes through that reseller: the customer revoking one reseller
 * leaves the provider active through another, but the revoked reseller's batches are no longer its.
 */
const admin = customerUser();

const agentOf = (partner: Partner): PartnerUser => ({
  kind: 'partner-user',
  partnerId: partner.id,
  userId: `user-of-${partner.id}`,
  upn: `agent@${partner.id}.example`,
});

const provider = agentOf(PARTNERS.provider);

async function acceptedReseller(world: InMemoryBatchWorld, reseller: Partner): Promise<void> {
  const created = await createInvitation(world.deps, partnerClient(reseller), {
    kind: 'reseller-relationship',
  });
  await acceptInvitation(world.deps, tokenOf(created.url), admin, {
    consent: true,
    includeDelegatedAdmin: false,
  });
}

async function batchOf(world: InMemoryBatchWorld, reseller: Partner, n: number): Promise<BatchRef> {
  const body = { batchId: `batch-of-${reseller.id}`, devices: [pkidDevice(n, 41)] };
  return (await submitDeviceBatch(world.batchDeps, agentOf(reseller), 'portal', TENANT_ID, body)).batch;
}

describe("portal: a provider's view of its resellers' batches after one reseller is revoked", () => {
  let world: InMemoryBatchWorld;
  let revokedBatch: BatchRef;
  let keptBatch: BatchRef;

  beforeEach(async () => {
    world = inMemoryBatchWorld();
    await acceptedReseller(world, PARTNERS.reseller);
    await acceptedReseller(world, PARTNERS.otherReseller);
    revokedBatch = await batchOf(world, PARTNERS.reseller, 1);
    keptBatch = await batchOf(world, PARTNERS.otherReseller, 2);
    await revokePartner(world.deps, admin, PARTNERS.reseller.id);
  });

  it('when the customer revokes one of two resellers, then the provider stays active through the other', async () => {
    const relationship = (await world.deps.relationships.get(PARTNERS.provider.id, TENANT_ID))?.value;

    expect(relationship).toMatchObject({ status: 'active', viaResellerIds: [PARTNERS.otherReseller.id] });
  });

  it("when the provider lists the customer's batches, then it sees the remaining reseller's batch and not the revoked reseller's", async () => {
    const seen = await listVisibleBatches(world.batchDeps, provider, TENANT_ID);
    const outside = await listVisibleBatchesOutside(world.batchDeps, provider, new Set());

    expect(seen.map((v) => [v.owner.id, v.batch.batchId, v.own])).toEqual([
      [PARTNERS.otherReseller.id, keptBatch.batchId, false],
    ]);
    expect(outside.map((v) => [v.owner.id, v.batch.batchId])).toEqual([
      [PARTNERS.otherReseller.id, keptBatch.batchId],
    ]);
  });

  it("when the provider reads the revoked reseller's batch, then it is not found; the remaining reseller's batch it reads", async () => {
    const error = await refusal(getVisibleBatch(world.batchDeps, provider, revokedBatch));

    expect(error.code).toBe('BatchNotFound');
    expect((await getVisibleBatch(world.batchDeps, provider, keptBatch)).batch.batchId).toBe(
      keptBatch.batchId,
    );
    // The revoked reseller still reads its own batch.
    expect((await getVisibleBatch(world.batchDeps, agentOf(PARTNERS.reseller), revokedBatch)).own).toBe(true);
  });
});
