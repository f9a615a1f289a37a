import { DomainError } from '../../../shared/domain/domainError';
import type { Partner } from '../../../shared/domain/partners/partner';
import type { InvitationKind } from '../../../shared/domain/partners/partnerRules';
import {
  assertMayInvite,
  assertMayUseDeviceApi,
  implicitlyAuthorizedProviders,
} from '../../../shared/domain/partners/partnerRules';
import { PARTNERS } from '../../support/inMemoryPorts';

function refusal(action: () => void): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal, but the action was allowed');
}

describe('partner rules', () => {
  describe('assertMayInvite', () => {
    it.each<[string, Partner, InvitationKind]>([
      ['a direct CSP asks for a reseller relationship', PARTNERS.direct, 'reseller-relationship'],
      ['an indirect reseller asks for a reseller relationship', PARTNERS.reseller, 'reseller-relationship'],
      ['an eligible OEM asks for an OEM authorisation', PARTNERS.oem, 'oem-authorization'],
    ])('when %s, then it is allowed', (_label, partner, kind) => {
      expect(() => assertMayInvite(partner, kind)).not.toThrow();
    });

    it.each<[string, Partner, InvitationKind, string]>([
      [
        'an indirect provider asks for a reseller relationship',
        PARTNERS.provider,
        'reseller-relationship',
        'ProviderAuthorizedThroughResellers',
      ],
      [
        'an OEM asks for a reseller relationship',
        PARTNERS.oem,
        'reseller-relationship',
        'InvitationKindNotAllowed',
      ],
      [
        'a direct CSP asks for an OEM authorisation',
        PARTNERS.direct,
        'oem-authorization',
        'InvitationKindNotAllowed',
      ],
      [
        'an indirect reseller asks for an OEM authorisation',
        PARTNERS.reseller,
        'oem-authorization',
        'InvitationKindNotAllowed',
      ],
      [
        'an indirect provider asks for an OEM authorisation',
        PARTNERS.provider,
        'oem-authorization',
        'InvitationKindNotAllowed',
      ],
      [
        'an ineligible OEM asks for an OEM authorisation',
        PARTNERS.ineligibleOem,
        'oem-authorization',
        'OemNotEligible',
      ],
    ])('when %s, then it is forbidden with %s', (_label, partner, kind, code) => {
      const error = refusal(() => assertMayInvite(partner, kind));

      expect(error.kind).toBe('forbidden');
      expect(error.code).toBe(code);
    });

    it('when an ineligible OEM is refused, then the message says how to become eligible', () => {
      expect(refusal(() => assertMayInvite(PARTNERS.ineligibleOem, 'oem-authorization')).message).toMatch(
        /not eligible for the OEM direct API.*enrolled/,
      );
    });
  });

  describe('implicitlyAuthorizedProviders', () => {
    it('when an indirect reseller is authorised, then its providers come with it', () => {
      expect(implicitlyAuthorizedProviders(PARTNERS.reseller)).toEqual(['fabrikam-distribution']);
    });

    it.each([PARTNERS.direct, PARTNERS.provider, PARTNERS.oem])(
      'when $kind partner is authorised, then no other partner comes with it',
      (partner) => {
        // Even a (mis)configured providerIds on another kind authorises nobody else.
        expect(implicitlyAuthorizedProviders({ ...partner, providerIds: ['someone-else'] })).toEqual([]);
      },
    );
  });

  describe('assertMayUseDeviceApi', () => {
    it('when an indirect reseller calls the device API, then it is told to use the portal', () => {
      const error = refusal(() => assertMayUseDeviceApi(PARTNERS.reseller));

      expect(error.kind).toBe('forbidden');
      expect(error.code).toBe('ResellerMustUsePortal');
      expect(error.message).toMatch(/CSV/);
    });

    it.each([PARTNERS.direct, PARTNERS.provider, PARTNERS.oem])(
      'when a $kind partner calls the device API, then it is allowed',
      (partner) => {
        expect(() => assertMayUseDeviceApi(partner)).not.toThrow();
      },
    );
  });
});
