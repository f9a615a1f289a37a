import { DEMO_PARTNERS } from '../../../infra/local/demoData';
import { PARTNER_KINDS } from '../../../shared/domain/partners/partner';
import type { Partner, PartnerKind } from '../../../shared/domain/partners/partner';
import {
  INVITATION_KINDS,
  PARTNER_CAPABILITIES,
  PARTNER_REFUSALS,
} from '../../../shared/domain/partners/partnerCapabilities';
import { invitationsOffered } from '../../../shared/domain/partners/partnerRules';
import { PARTNERS } from '../../support/inMemoryPorts';

/**
 * The capability table is checked at compile time (`{ [K in PartnerKind]: ... }`); these tests check it
 * at run time too, against the kinds the partner schema accepts, so that a kind added to PARTNER_KINDS
 * without its entry (or an entry with a field missing) fails here rather than falling into another
 * kind's refusal.
 */
describe('partner capabilities', () => {
  it('when the kinds the schema accepts are listed, then each has exactly one capability entry', () => {
    expect(Object.keys(PARTNER_CAPABILITIES).sort()).toEqual([...PARTNER_KINDS].sort());
  });

  it.each(PARTNER_KINDS.map((kind) => [kind]))(
    'when %s is looked up, then every capability is stated and every refusal it names has its sentence',
    (kind) => {
      const entry = PARTNER_CAPABILITIES[kind];
      expect({
        label: typeof entry.label === 'string' && entry.label.length > 0,
        invitations: Object.keys(entry.invitations).sort(),
        deviceApi: typeof entry.deviceApi.allowed,
        namesProviders: typeof entry.namesProviders,
        servesResellers: typeof entry.servesResellers,
      }).toEqual({
        label: true,
        invitations: [...INVITATION_KINDS].sort(),
        deviceApi: 'boolean',
        namesProviders: 'boolean',
        servesResellers: 'boolean',
      });
      const refusals = [
        ...Object.values(entry.invitations).flatMap((right) =>
          right.may === 'never' ? [right.refusal] : [],
        ),
        ...(entry.deviceApi.allowed ? [] : [entry.deviceApi.refusal]),
      ];
      expect(refusals.filter((code) => !(code in PARTNER_REFUSALS))).toEqual([]);
    },
  );

  it('when the local demo data is seeded, then it has a partner of every kind', () => {
    const seeded = new Set<PartnerKind>(DEMO_PARTNERS.map((p) => p.kind));
    expect(PARTNER_KINDS.filter((kind) => !seeded.has(kind))).toEqual([]);
  });

  it.each<[string, Partner, string[], string | undefined]>([
    ['a direct CSP', PARTNERS.direct, ['reseller-relationship'], undefined],
    ['an indirect reseller', PARTNERS.reseller, ['reseller-relationship'], undefined],
    ['an indirect provider', PARTNERS.provider, [], 'ProviderAuthorizedThroughResellers'],
    ['an eligible OEM', PARTNERS.oem, ['oem-authorization'], undefined],
    ['an ineligible OEM', PARTNERS.ineligibleOem, [], 'OemNotEligible'],
  ])(
    'when %s opens the portal, then it is offered %j, and when nothing, the refusal %s',
    (_label, partner, kinds, refusal) => {
      expect(invitationsOffered(partner)).toEqual(refusal ? { kinds, refusal } : { kinds });
    },
  );
});
