import type { CreateInvitationCommand } from '../../../shared/application/invitations/createInvitation';
import { createInvitation } from '../../../shared/application/invitations/createInvitation';
import { listInvitations } from '../../../shared/application/invitations/listInvitations';
import { withdrawInvitation } from '../../../shared/application/invitations/withdrawInvitation';
import { DomainError } from '../../../shared/domain/domainError';
import type { PartnerPrincipal } from '../../../shared/domain/identity/principal';
import { GLOBAL_ADMINISTRATOR_ROLE } from '../../../shared/domain/invitations/adminRoles';
import { hashInvitationToken } from '../../../shared/domain/invitations/invitationToken';
import type { InMemoryWorld } from '../../support/inMemoryPorts';
import { PARTNERS, inMemoryWorld, partnerClient, tokenOf } from '../../support/inMemoryPorts';

const INTUNE_ADMINISTRATOR = '3a2c62db-5318-420d-8d74-23affee5d9d5';
const CLOUD_DEVICE_ADMINISTRATOR = '7698a772-787b-4ac8-901f-60d6b08affd2';

const contoso = partnerClient(PARTNERS.direct);
const adatum = partnerClient(PARTNERS.oem);

async function refusal(
  world: InMemoryWorld,
  principal: PartnerPrincipal,
  command: CreateInvitationCommand,
): Promise<DomainError> {
  try {
    await createInvitation(world.deps, principal, command);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected createInvitation to refuse');
}

describe('createInvitation', () => {
  let world: InMemoryWorld;
  beforeEach(() => {
    world = inMemoryWorld();
  });

  it('when a direct CSP asks for a reseller relationship, then the invitation is stored with the hash of its link token', async () => {
    const created = await createInvitation(world.deps, contoso, {
      kind: 'reseller-relationship',
      customerEmail: 'it@tailspin.example',
    });

    const stored = await world.deps.invitations.get('contoso-direct', created.invitation.id);
    expect(created.created).toBe(true);
    expect(stored?.value).toEqual({
      id: created.invitation.id,
      partnerId: 'contoso-direct',
      kind: 'reseller-relationship',
      delegatedAdmin: null,
      customerEmail: 'it@tailspin.example',
      createdAt: '2025-03-01T10:00:00.000Z',
      expiresAt: '2025-05-30T10:00:00.000Z',
      withdrawnAt: null,
      tokenHash: hashInvitationToken(tokenOf(created.url)),
    });
    expect(created.url).toMatch(/^https:\/\/consent\.example\/api\/consent\/contoso-direct\./);
  });

  it('when a lifetime is given, then the link expires after that many days', async () => {
    const created = await createInvitation(world.deps, contoso, {
      kind: 'reseller-relationship',
      expiresInDays: 7,
    });

    expect(created.invitation.expiresAt).toBe('2025-03-08T10:00:00.000Z');
  });

  it('when an invitation is created, then InvitationCreated is audited for the partner with the roles asked', async () => {
    const created = await createInvitation(world.deps, contoso, {
      kind: 'reseller-relationship',
      delegatedAdmin: { roles: [INTUNE_ADMINISTRATOR], duration: 'P90D' },
    });

    expect(world.audit.events).toEqual([
      expect.objectContaining({
        type: 'InvitationCreated',
        partnerId: 'contoso-direct',
        tenantId: null,
        actor: { kind: 'partner-client', id: 'contoso-direct/contoso-direct-api-client' },
        details: {
          invitationId: created.invitation.id,
          kind: 'reseller-relationship',
          delegatedRoles: [INTUNE_ADMINISTRATOR],
        },
      }),
    ]);
  });

  it('when delegated roles repeat or are in upper case, then they are stored once, in lower case', async () => {
    const created = await createInvitation(world.deps, contoso, {
      kind: 'reseller-relationship',
      delegatedAdmin: {
        roles: [INTUNE_ADMINISTRATOR.toUpperCase(), INTUNE_ADMINISTRATOR, CLOUD_DEVICE_ADMINISTRATOR],
        duration: 'P1Y',
      },
    });

    expect(created.invitation.delegatedAdmin).toEqual({
      roles: [INTUNE_ADMINISTRATOR, CLOUD_DEVICE_ADMINISTRATOR],
      duration: 'P1Y',
    });
  });

  it('when Global Administrator is among the roles, then the invitation is created with a warning', async () => {
    const created = await createInvitation(world.deps, contoso, {
      kind: 'reseller-relationship',
      delegatedAdmin: { roles: [GLOBAL_ADMINISTRATOR_ROLE], duration: 'P30D' },
    });

    expect(created.created).toBe(true);
    expect(created.warnings.map((w) => w.code)).toEqual(['GlobalAdministratorRequested']);
  });

  it('when only least-privileged roles are asked for, then there is no warning', async () => {
    const created = await createInvitation(world.deps, contoso, {
      kind: 'reseller-relationship',
      delegatedAdmin: { roles: [INTUNE_ADMINISTRATOR], duration: 'P30D' },
    });

    expect(created.warnings).toEqual([]);
  });

  it('when a role is unknown, then it is refused with 400 UnknownAdminRole naming the role, and nothing is stored', async () => {
    const error = await refusal(world, contoso, {
      kind: 'reseller-relationship',
      delegatedAdmin: {
        roles: [INTUNE_ADMINISTRATOR, '11111111-2222-4333-8444-555555555555'],
        duration: 'P30D',
      },
    });

    expect(error.kind).toBe('invalid');
    expect(error.code).toBe('UnknownAdminRole');
    expect(error.message).toContain('11111111-2222-4333-8444-555555555555');
    expect(error.details).toEqual({ field: 'delegatedAdmin.roles' });
    expect(world.invitations.store.size).toBe(0);
    expect(world.audit.events).toEqual([]);
  });

  it('when the duration is out of range, then it is refused and nothing is stored', async () => {
    const error = await refusal(world, contoso, {
      kind: 'reseller-relationship',
      delegatedAdmin: { roles: [INTUNE_ADMINISTRATOR], duration: 'P3Y' },
    });

    expect(error.code).toBe('DurationOutOfRange');
    expect(world.invitations.store.size).toBe(0);
  });

  it('when an OEM asks for delegated admin, then it is refused with 400 DelegatedAdminNotAllowed', async () => {
    const error = await refusal(world, adatum, {
      kind: 'oem-authorization',
      delegatedAdmin: { roles: [INTUNE_ADMINISTRATOR], duration: 'P30D' },
    });

    expect(error.kind).toBe('invalid');
    expect(error.code).toBe('DelegatedAdminNotAllowed');
    expect(world.invitations.store.size).toBe(0);
  });

  it('when an indirect provider asks for a link, then it is refused and nothing is stored', async () => {
    const error = await refusal(world, partnerClient(PARTNERS.provider), { kind: 'reseller-relationship' });

    expect(error.code).toBe('ProviderAuthorizedThroughResellers');
    expect(world.invitations.store.size).toBe(0);
  });

  it('when an ineligible OEM asks for a link, then it is refused with OemNotEligible', async () => {
    expect(
      (await refusal(world, partnerClient(PARTNERS.ineligibleOem), { kind: 'oem-authorization' })).code,
    ).toBe('OemNotEligible');
  });

  it('when the caller names a partner that is not registered, then it is refused with UnknownPartner', async () => {
    const error = await refusal(
      world,
      { kind: 'partner-client', partnerId: 'nobody', clientId: 'x' },
      { kind: 'reseller-relationship' },
    );

    expect(error.kind).toBe('forbidden');
    expect(error.code).toBe('UnknownPartner');
  });

  describe('OEM link', () => {
    it('when an eligible OEM asks again while its link is active, then the same link is returned and nothing new is stored', async () => {
      const first = await createInvitation(world.deps, adatum, { kind: 'oem-authorization' });
      world.clock.advanceDays(10);
      const second = await createInvitation(world.deps, adatum, {
        kind: 'oem-authorization',
        customerEmail: 'someone@wingtip.example',
      });

      expect(second.created).toBe(false);
      expect(second.invitation.id).toBe(first.invitation.id);
      expect(second.url).toBe(first.url);
      expect(world.invitations.store.size).toBe(1);
      expect(world.audit.ofType('InvitationCreated')).toHaveLength(1);
    });

    it('when the OEM link was withdrawn, then asking again creates a new link', async () => {
      const first = await createInvitation(world.deps, adatum, { kind: 'oem-authorization' });
      await withdrawInvitation(world.deps, adatum, first.invitation.id);

      const second = await createInvitation(world.deps, adatum, { kind: 'oem-authorization' });

      expect(second.created).toBe(true);
      expect(second.invitation.id).not.toBe(first.invitation.id);
    });

    it('when the OEM link has expired, then asking again creates a new link', async () => {
      const first = await createInvitation(world.deps, adatum, {
        kind: 'oem-authorization',
        expiresInDays: 1,
      });
      world.clock.advanceDays(1);

      const second = await createInvitation(world.deps, adatum, { kind: 'oem-authorization' });

      expect(second.created).toBe(true);
      expect(second.invitation.id).not.toBe(first.invitation.id);
    });

    it('when a CSP asks twice, then each request gets its own link', async () => {
      const first = await createInvitation(world.deps, contoso, { kind: 'reseller-relationship' });
      const second = await createInvitation(world.deps, contoso, { kind: 'reseller-relationship' });

      expect(second.invitation.id).not.toBe(first.invitation.id);
      expect(world.invitations.store.size).toBe(2);
    });
  });

  describe('withdraw and list', () => {
    it('when an invitation is withdrawn, then it is marked withdrawn once and audited once, even if withdrawn twice', async () => {
      const created = await createInvitation(world.deps, contoso, { kind: 'reseller-relationship' });
      world.clock.advanceDays(1);

      await withdrawInvitation(world.deps, contoso, created.invitation.id);
      world.clock.advanceDays(1);
      await withdrawInvitation(world.deps, contoso, created.invitation.id);

      const stored = await world.deps.invitations.get('contoso-direct', created.invitation.id);
      expect(stored?.value.withdrawnAt).toBe('2025-03-02T10:00:00.000Z');
      expect(world.audit.ofType('InvitationWithdrawn')).toHaveLength(1);
    });

    it("when a partner withdraws another partner's invitation, then it is not found and the invitation stays active", async () => {
      const created = await createInvitation(world.deps, contoso, { kind: 'reseller-relationship' });

      await expect(
        withdrawInvitation(world.deps, partnerClient(PARTNERS.reseller), created.invitation.id),
      ).rejects.toMatchObject({ kind: 'notFound', code: 'InvitationNotFound' });
      expect(
        (await world.deps.invitations.get('contoso-direct', created.invitation.id))?.value.withdrawnAt,
      ).toBeNull();
    });

    it('when a partner lists its invitations, then it sees only its own, newest first, with their links', async () => {
      const older = await createInvitation(world.deps, contoso, { kind: 'reseller-relationship' });
      world.clock.advanceDays(1);
      const newer = await createInvitation(world.deps, contoso, { kind: 'reseller-relationship' });
      await createInvitation(world.deps, partnerClient(PARTNERS.reseller), { kind: 'reseller-relationship' });

      const listed = await listInvitations(world.deps, contoso);

      expect(listed.map((i) => [i.invitation.id, i.url])).toEqual([
        [newer.invitation.id, newer.url],
        [older.invitation.id, older.url],
      ]);
    });
  });
});

describe('createInvitation under concurrency', () => {
  it('when an eligible OEM asks for its link twice at the same moment, then both get the same single link', async () => {
    const world = inMemoryWorld();

    const [first, second] = await Promise.all([
      createInvitation(world.deps, adatum, { kind: 'oem-authorization' }),
      createInvitation(world.deps, adatum, { kind: 'oem-authorization' }),
    ]);

    expect(second.invitation.id).toBe(first.invitation.id);
    expect(world.invitations.store.size).toBe(1);
  });
});
