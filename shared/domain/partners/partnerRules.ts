import { forbidden } from '../domainError';
import type { Partner } from './partner';

export type InvitationKind = 'reseller-relationship' | 'oem-authorization';

/**
 * Who may ask a customer for what (the seeds' CSP and OEM authorisation rules): direct CSPs and
 * indirect resellers ask for a reseller relationship; an indirect provider is authorised only through
 * its resellers; only OEMs eligible for the OEM direct API have an authorisation link.
 */
export function assertMayInvite(partner: Partner, kind: InvitationKind): void {
  if (kind === 'reseller-relationship') {
    if (partner.kind === 'direct-csp' || partner.kind === 'indirect-reseller') return;
    if (partner.kind === 'indirect-provider') {
      throw forbidden(
        'ProviderAuthorizedThroughResellers',
        'An indirect CSP provider is authorised through the relationship its indirect reseller has with the customer; ask your reseller to send its link.',
      );
    }
    throw forbidden(
      'InvitationKindNotAllowed',
      'OEMs ask for an "oem-authorization", not a reseller relationship.',
    );
  }
  if (partner.kind !== 'oem') {
    throw forbidden(
      'InvitationKindNotAllowed',
      'Only OEMs have an OEM authorisation link; CSP partners ask for a "reseller-relationship".',
    );
  }
  if (!partner.oemEligible) {
    throw forbidden(
      'OemNotEligible',
      'This OEM is not eligible for the OEM direct API, so it cannot ask customers for authorisation. Contact the service operator to be enrolled.',
    );
  }
}

/** Partners authorised together with `partner` when a customer accepts its link. */
export function implicitlyAuthorizedProviders(partner: Partner): readonly string[] {
  return partner.kind === 'indirect-reseller' ? partner.providerIds : [];
}

/** Indirect resellers register devices through the portal's CSV upload only (the seeds). */
export function assertMayUseDeviceApi(partner: Partner): void {
  if (partner.kind === 'indirect-reseller') {
    throw forbidden(
      'ResellerMustUsePortal',
      'Indirect CSP resellers register devices by uploading a CSV file in the partner portal; the device API is for direct CSPs, indirect providers and OEMs.',
    );
  }
}
