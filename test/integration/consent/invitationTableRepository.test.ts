import { InvitationTableRepository } from '../../../shared/adapters/tables/invitationTableRepository';
import { VersionConflict } from '../../../shared/application/ports/versioned';
import type { Invitation } from '../../../shared/domain/invitations/invitation';
import { ownTables } from './tableFixture';

let sequence = 0;
const invitation = (overrides: Partial<Invitation> = {}): Invitation => ({
  id: `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
  partnerId: 'contoso-direct',
  kind: 'reseller-relationship',
  delegatedAdmin: null,
  customerEmail: null,
  createdAt: '2025-03-01T10:00:00.000Z',
  expiresAt: '2025-05-30T10:00:00.000Z',
  withdrawnAt: null,
  tokenHash: 'ab'.repeat(32),
  ...overrides,
});

describe('InvitationTableRepository (Azurite)', () => {
  const own = ownTables();
  const repository = new InvitationTableRepository(own.table(own.names.invitations));
  afterAll(() => own.dropAll());

  it('when invitations with and without optional fields are stored, then they read back unchanged', async () => {
    const bare = invitation();
    const full = invitation({
      delegatedAdmin: { roles: ['3a2c62db-5318-420d-8d74-23affee5d9d5'], duration: 'P90D' },
      customerEmail: 'it@tailspin.example',
    });

    await repository.create(bare);
    await repository.create(full);

    expect((await repository.get(bare.partnerId, bare.id))?.value).toEqual(bare);
    expect((await repository.get(full.partnerId, full.id))?.value).toEqual(full);
  });

  it('when the same invitation ID is created twice for a partner, then the second is a VersionConflict', async () => {
    const first = invitation();

    await repository.create(first);

    await expect(repository.create({ ...first, tokenHash: 'cd'.repeat(32) })).rejects.toBeInstanceOf(
      VersionConflict,
    );
    expect((await repository.get(first.partnerId, first.id))?.value.tokenHash).toBe(first.tokenHash);
  });

  it('when an invitation is withdrawn with the ETag it was read with, then it is stored as withdrawn', async () => {
    const created = invitation();
    await repository.create(created);
    const read = await repository.get(created.partnerId, created.id);

    await repository.replace({ ...read!.value, withdrawnAt: '2025-03-02T10:00:00.000Z' }, read!.version);

    expect((await repository.get(created.partnerId, created.id))?.value.withdrawnAt).toBe(
      '2025-03-02T10:00:00.000Z',
    );
  });

  it('when a withdrawal names a stale ETag, then it is a VersionConflict and the newer state stays', async () => {
    const created = invitation();
    await repository.create(created);
    const stale = await repository.get(created.partnerId, created.id);
    await repository.replace({ ...stale!.value, withdrawnAt: '2025-03-02T10:00:00.000Z' }, stale!.version);

    await expect(
      repository.replace({ ...stale!.value, customerEmail: 'late@tailspin.example' }, stale!.version),
    ).rejects.toBeInstanceOf(VersionConflict);
    expect((await repository.get(created.partnerId, created.id))?.value).toMatchObject({
      withdrawnAt: '2025-03-02T10:00:00.000Z',
      customerEmail: null,
    });
  });

  it("when a partner's invitations are listed, then exactly that partner's are returned", async () => {
    const mine = [invitation({ partnerId: 'listing-partner' }), invitation({ partnerId: 'listing-partner' })];
    for (const i of [...mine, invitation({ partnerId: 'other-partner' })]) await repository.create(i);

    const listed = await repository.listByPartner('listing-partner');

    expect(listed.map((i) => i.id).sort()).toEqual(mine.map((i) => i.id).sort());
  });

  it('when an invitation of another partner is asked for under this partner, then it is not found', async () => {
    const theirs = invitation({ partnerId: 'their-partner' });
    await repository.create(theirs);

    expect(await repository.get('my-partner', theirs.id)).toBeUndefined();
  });
});
