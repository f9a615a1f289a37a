import { viewConsentPage } from '../../../shared/application/consent/consentPageView';
import { openInvitationLink } from '../../../shared/application/consent/openInvitationLink';
import { createInvitation } from '../../../shared/application/invitations/createInvitation';
import type { Partner } from '../../../shared/domain/partners/partner';
import type { InMemoryWorld } from '../../support/inMemoryPorts';
import {
  PARTNERS,
  TENANT_DOMAIN,
  TENANT_ID,
  customerUser,
  inMemoryWorld,
  partnerClient,
  tokenOf,
} from '../../support/inMemoryPorts';

const HELPDESK_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';

async function opened(world: InMemoryWorld, partner: Partner) {
  const created = await createInvitation(world.deps, partnerClient(partner), {
    kind: 'reseller-relationship',
  });
  world.audit.events.length = 0;
  return openInvitationLink(world.deps, tokenOf(created.url));
}

describe('the consent page view', () => {
  it("when a Global Administrator opens a reseller's link, then it may accept, with the tenant's domain and the reseller's providers by name, and nothing is audited", async () => {
    const world = inMemoryWorld([PARTNERS.reseller, { ...PARTNERS.provider, name: 'Fabrikam Distribution' }]);
    const view = await viewConsentPage(world.deps, customerUser(), await opened(world, PARTNERS.reseller));

    expect(view).toEqual({
      eligibility: { eligible: true },
      providerNames: ['Fabrikam Distribution'],
      tenantDomain: TENANT_DOMAIN,
    });
    expect(world.audit.events).toEqual([]);
  });

  it('when someone who may not accept opens the link, then the refusal shown is audited as viewed only', async () => {
    const world = inMemoryWorld();
    const link = await opened(world, PARTNERS.direct);
    const helpdesk = customerUser({
      upn: 'helpdesk@tailspin.onmicrosoft.com',
      roleIds: [HELPDESK_ADMINISTRATOR],
    });

    const view = await viewConsentPage(world.deps, helpdesk, link);

    expect(view.eligibility).toMatchObject({ eligible: false, code: 'GlobalAdministratorRequired' });
    expect(
      world.audit.events.map((e) => ({
        type: e.type,
        partnerId: e.partnerId,
        tenantId: e.tenantId,
        details: e.details,
      })),
    ).toEqual([
      {
        type: 'ConsentRefused',
        partnerId: PARTNERS.direct.id,
        tenantId: TENANT_ID,
        details: { invitationId: link.invitation.id, code: 'GlobalAdministratorRequired', viewedOnly: true },
      },
    ]);
  });

  it("when a partner's account opens the link, then it has no tenant domain and the refusal is audited without a tenant", async () => {
    const world = inMemoryWorld();
    const view = await viewConsentPage(
      world.deps,
      partnerClient(PARTNERS.direct),
      await opened(world, PARTNERS.direct),
    );

    expect({
      tenantDomain: view.tenantDomain,
      code: !view.eligibility.eligible && view.eligibility.code,
    }).toEqual({
      tenantDomain: undefined,
      code: 'CustomerAccountRequired',
    });
    expect(world.audit.events.map((e) => [e.type, e.tenantId])).toEqual([['ConsentRefused', null]]);
  });
});
