import { forbidden } from '../domainError';
import type { Partner } from './partner';
import type { InvitationKind, PartnerRefusalCode } from './partnerCapabilities';
import { INVITATION_KINDS, PARTNER_CAPABILITIES, PARTNER_REFUSALS } from './partnerCapabilities';

export type { InvitationKind } from './partnerCapabilities';

/**
 * Who may ask a customer for what (the seeds' CSP and OEM authorisation rules), read from the kind's
 * capabilities (partnerCapabilities.ts): direct CSPs and indirect resellers ask for a reseller
 * relationship; an indirect provider is authorised only through its resellers; only OEMs eligible for the
 * OEM direct API have an authorisation link.
 */
export function invitationRefusal(partner: Partner, kind: InvitationKind): PartnerRefusalCode | undefined {
  const right = PARTNER_CAPABILITIES[partner.kind].invitations[kind];
  if (right.may === 'always') return undefined;
  if (right.may === 'whenOemEligible') return partner.oemEligible ? undefined : 'OemNotEligible';
  return right.refusal;
}

export function assertMayInvite(partner: Partner, kind: InvitationKind): void {
  const refusal = invitationRefusal(partner, kind);
  if (refusal) throw partnerRefusal(refusal);
}

/**
 * What the partner may send, and when it may send nothing, why: the refusal of the invitation its kind
 * would send (its own reason, such as OemNotEligible), not the "another kind's invitation" refusal.
 */
export function invitationsOffered(partner: Partner): {
  readonly kinds: readonly InvitationKind[];
  readonly refusal?: PartnerRefusalCode;
} {
  const kinds = INVITATION_KINDS.filter((kind) => !invitationRefusal(partner, kind));
  if (kinds.length > 0) return { kinds };
  const own = INVITATION_KINDS.map((kind) => invitationRefusal(partner, kind)).find(
    (code) => code !== 'InvitationKindNotAllowed',
  );
  return { kinds, refusal: own ?? 'InvitationKindNotAllowed' };
}

/** Partners authorised together with `partner` when a customer accepts its link. */
export function implicitlyAuthorizedProviders(partner: Partner): readonly string[] {
  return PARTNER_CAPABILITIES[partner.kind].namesProviders ? partner.providerIds : [];
}

/** Indirect resellers register devices through the portal's CSV upload only (the seeds). */
export function assertMayUseDeviceApi(partner: Partner): void {
  const deviceApi = PARTNER_CAPABILITIES[partner.kind].deviceApi;
  if (!deviceApi.allowed) throw partnerRefusal(deviceApi.refusal);
}

/** Whether resellers name this partner as their provider (it then sees their batches). */
export function servesResellers(partner: Partner): boolean {
  return PARTNER_CAPABILITIES[partner.kind].servesResellers;
}

function partnerRefusal(code: PartnerRefusalCode) {
  return forbidden(code, PARTNER_REFUSALS[code]);
}
