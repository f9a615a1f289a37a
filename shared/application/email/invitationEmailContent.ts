import type { CustomerLanguage } from '../../domain/invitations/customerLanguage';
import type { PartnerKind } from '../../domain/partners/partner';
import type { InvitationKind } from '../../domain/partners/partnerRules';

/** What an invitation email says, before it is put into words in the customer's language. */
export interface InvitationEmailContent {
  readonly language: CustomerLanguage;
  readonly partnerName: string;
  readonly partnerKind: PartnerKind;
  readonly kind: InvitationKind;
  /** Names of the providers an indirect reseller's link also authorises. */
  readonly providerNames: readonly string[];
  /** Entra role template IDs and the ISO 8601 duration asked for, or null (DAP-free). */
  readonly delegatedAdmin: { readonly roles: readonly string[]; readonly duration: string } | null;
  readonly url: string;
  readonly expiresAt: string;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Puts an invitation email into words (the adapter: Handlebars templates and the message catalogs). */
export interface InvitationEmailRenderer {
  render(content: InvitationEmailContent): RenderedEmail;
}
