import { z } from 'zod';
import type { PartnerKind } from './partner';
import { PARTNER_KINDS } from './partner';

/**
 * What each kind of partner may do, as data: the rules (partnerRules.ts), the portal, the tenant admin's
 * revocation, the portal's access to resellers' batches and the partner configuration all read this table,
 * so a new kind is one entry here (the compiler asks for it, and a unit test checks it at run time).
 */
export const INVITATION_KINDS = ['reseller-relationship', 'oem-authorization'] as const;
export const InvitationKindSchema = z.enum(INVITATION_KINDS);
export type InvitationKind = z.infer<typeof InvitationKindSchema>;

/** Why a partner may not do something: a stable code, and its sentence (the one place it is written). */
export const PARTNER_REFUSALS = {
  ProviderAuthorizedThroughResellers:
    'An indirect CSP provider is authorised through the relationship its indirect reseller has with the customer; ask your reseller to send its link.',
  InvitationKindNotAllowed:
    'This kind of partner cannot send this kind of invitation: CSP partners ask for a "reseller-relationship", OEMs for an "oem-authorization".',
  OemNotEligible:
    'This OEM is not eligible for the OEM direct API, so it cannot ask customers for authorisation. Contact the service operator to be enrolled.',
  ResellerMustUsePortal:
    'Indirect CSP resellers register devices by uploading a CSV file in the partner portal; the device API is for direct CSPs, indirect providers and OEMs.',
} as const;
export type PartnerRefusalCode = keyof typeof PARTNER_REFUSALS;

/**
 * Whether a kind may send an invitation kind: always, only when the partner itself is admitted to the OEM
 * direct API (`oemEligible`, refused with OemNotEligible otherwise), or never, with the refusal's code.
 */
export type InvitationRight =
  | { readonly may: 'always' }
  | { readonly may: 'whenOemEligible' }
  | { readonly may: 'never'; readonly refusal: PartnerRefusalCode };

export interface PartnerKindCapabilities {
  /** The English name of the kind (pages in other languages use their catalog's `partnerKinds.<kind>`). */
  readonly label: string;
  /** What it may ask a customer for (the portal offers exactly the invitations allowed here). */
  readonly invitations: { readonly [K in InvitationKind]: InvitationRight };
  /** Whether it registers devices through the device API; when not, the refusal's code. */
  readonly deviceApi:
    { readonly allowed: true } | { readonly allowed: false; readonly refusal: PartnerRefusalCode };
  /**
   * Whether it names providers (`providerIds`, at least one, each a partner that serves resellers), which a
   * customer's acceptance authorises with it and its revocation revokes with it.
   */
  readonly namesProviders: boolean;
  /** Whether resellers name it as their provider: it is authorised through them and sees their batches. */
  readonly servesResellers: boolean;
}

const never = (refusal: PartnerRefusalCode): InvitationRight => ({ may: 'never', refusal });

export const PARTNER_CAPABILITIES: { readonly [K in PartnerKind]: PartnerKindCapabilities } = {
  'direct-csp': {
    label: 'Direct CSP partner',
    invitations: {
      'reseller-relationship': { may: 'always' },
      'oem-authorization': never('InvitationKindNotAllowed'),
    },
    deviceApi: { allowed: true },
    namesProviders: false,
    servesResellers: false,
  },
  'indirect-provider': {
    label: 'Indirect CSP provider',
    invitations: {
      'reseller-relationship': never('ProviderAuthorizedThroughResellers'),
      'oem-authorization': never('InvitationKindNotAllowed'),
    },
    deviceApi: { allowed: true },
    namesProviders: false,
    servesResellers: true,
  },
  'indirect-reseller': {
    label: 'Indirect CSP reseller',
    invitations: {
      'reseller-relationship': { may: 'always' },
      'oem-authorization': never('InvitationKindNotAllowed'),
    },
    deviceApi: { allowed: false, refusal: 'ResellerMustUsePortal' },
    namesProviders: true,
    servesResellers: false,
  },
  oem: {
    label: 'OEM',
    invitations: {
      'reseller-relationship': never('InvitationKindNotAllowed'),
      'oem-authorization': { may: 'whenOemEligible' },
    },
    deviceApi: { allowed: true },
    namesProviders: false,
    servesResellers: false,
  },
};

/** The kinds that resellers may name as their provider. */
export const PROVIDER_KINDS: readonly PartnerKind[] = PARTNER_KINDS.filter(
  (kind) => PARTNER_CAPABILITIES[kind].servesResellers,
);
