import { VersionConflict } from '../../../shared/application/ports/versioned';
import { RelationshipTableRepository } from '../../../shared/adapters/tables/relationshipTableRepository';
import type { Relationship } from '../../../shared/domain/relationships/relationship';
import { ownTables } from './tableFixture';

const TAILSPIN = '4f1c6a8e-2b7d-4c3a-9e51-7d2f0b9a6c13';
const WINGTIP = '9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94';

const relationship = (overrides: Partial<Relationship> = {}): Relationship => ({
  partnerId: 'contoso-direct',
  tenantId: TAILSPIN,
  domain: 'tailspin.onmicrosoft.com',
  relationship: 'reseller',
  authorization: 'direct',
  status: 'active',
  delegatedAdmin: null,
  acceptedAt: '2025-03-01T10:00:00.000Z',
  acceptedBy: 'admin@tailspin.onmicrosoft.com',
  revokedAt: null,
  invitationId: 'd3e0a1b2-c4d5-4e6f-8a9b-0c1d2e3f4a5b',
  viaResellerIds: [],
  ...overrides,
});

describe('RelationshipTableRepository (Azurite)', () => {
  const own = ownTables();
  const repository = new RelationshipTableRepository(own.table(own.names.relationships));
  afterAll(() => own.dropAll());

  it('when a relationship is created and read back, then every field survives the round trip', async () => {
    const stored = relationship({
      partnerId: 'roundtrip-partner',
      delegatedAdmin: {
        roles: ['3a2c62db-5318-420d-8d74-23affee5d9d5'],
        duration: 'P90D',
        grantedAt: '2025-03-01T10:00:00.000Z',
        expiresAt: '2025-05-30T10:00:00.000Z',
      },
      viaResellerIds: ['northwind-reseller', 'proseware-reseller'],
    });

    await repository.create(stored);
    const found = await repository.get('roundtrip-partner', TAILSPIN);

    expect(found?.value).toEqual(stored);
    expect(found?.version).toEqual(expect.any(String));
  });

  it('when no relationship exists, then get returns undefined', async () => {
    expect(await repository.get('nobody', TAILSPIN)).toBeUndefined();
  });

  it('when the same partner and tenant are created twice, then the second create is a VersionConflict and the first stays', async () => {
    await repository.create(
      relationship({ partnerId: 'twice-partner', acceptedBy: 'first@tailspin.onmicrosoft.com' }),
    );

    await expect(
      repository.create(
        relationship({ partnerId: 'twice-partner', acceptedBy: 'second@tailspin.onmicrosoft.com' }),
      ),
    ).rejects.toBeInstanceOf(VersionConflict);
    expect((await repository.get('twice-partner', TAILSPIN))?.value.acceptedBy).toBe(
      'first@tailspin.onmicrosoft.com',
    );
  });

  it('when a replace names the current ETag, then it is written', async () => {
    await repository.create(relationship({ partnerId: 'replace-partner' }));
    const read = await repository.get('replace-partner', TAILSPIN);

    await repository.replace(
      { ...read!.value, status: 'revoked', revokedAt: '2025-03-02T00:00:00.000Z' },
      read!.version,
    );

    const after = await repository.get('replace-partner', TAILSPIN);
    expect(after?.value).toMatchObject({ status: 'revoked', revokedAt: '2025-03-02T00:00:00.000Z' });
    expect(after?.version).not.toBe(read?.version);
  });

  it('when a replace names a stale ETag, then it is a VersionConflict and the newer write stays', async () => {
    await repository.create(relationship({ partnerId: 'stale-partner' }));
    const stale = await repository.get('stale-partner', TAILSPIN);
    await repository.replace({ ...stale!.value, domain: 'newer.onmicrosoft.com' }, stale!.version);

    await expect(
      repository.replace({ ...stale!.value, domain: 'older.onmicrosoft.com' }, stale!.version),
    ).rejects.toBeInstanceOf(VersionConflict);
    expect((await repository.get('stale-partner', TAILSPIN))?.value.domain).toBe('newer.onmicrosoft.com');
  });

  it('when a relationship that does not exist is replaced, then it is a VersionConflict and nothing is created', async () => {
    const existing = relationship({ partnerId: 'some-partner-x' });
    await repository.create(existing);
    const version = (await repository.get('some-partner-x', TAILSPIN))!.version;

    await expect(
      repository.replace(relationship({ partnerId: 'ghost-partner' }), version),
    ).rejects.toBeInstanceOf(VersionConflict);
    expect(await repository.get('ghost-partner', TAILSPIN)).toBeUndefined();
  });

  it("when a partner's and a tenant's relationships are listed, then each list holds exactly its own rows", async () => {
    const own2 = ownTables();
    const lists = new RelationshipTableRepository(own2.table(own2.names.relationships));
    try {
      await lists.create(relationship({ partnerId: 'northwind-reseller', tenantId: TAILSPIN }));
      await lists.create(relationship({ partnerId: 'northwind-reseller', tenantId: WINGTIP }));
      await lists.create(
        relationship({
          partnerId: 'fabrikam-distribution',
          tenantId: TAILSPIN,
          authorization: 'indirect',
          viaResellerIds: ['northwind-reseller'],
        }),
      );
      await lists.create(relationship({ partnerId: 'adatum-oem', tenantId: WINGTIP, relationship: 'oem' }));

      const byPartner = await lists.listByPartner('northwind-reseller');
      const byTenant = await lists.listByTenant(TAILSPIN);

      expect(byPartner.map((r) => [r.partnerId, r.tenantId]).sort()).toEqual([
        ['northwind-reseller', TAILSPIN],
        ['northwind-reseller', WINGTIP],
      ]);
      expect(byTenant.map((r) => r.partnerId).sort()).toEqual([
        'fabrikam-distribution',
        'northwind-reseller',
      ]);
      expect(byTenant.find((r) => r.partnerId === 'fabrikam-distribution')?.viaResellerIds).toEqual([
        'northwind-reseller',
      ]);
      expect(await lists.listByPartner('contoso-direct')).toEqual([]);
    } finally {
      await own2.dropAll();
    }
  });
});
