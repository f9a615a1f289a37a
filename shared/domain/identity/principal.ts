import { GLOBAL_ADMINISTRATOR_ROLE } from '../invitations/adminRoles';
import { forbidden } from '../domainError';

/**
 * The three kinds of caller. A verified token becomes exactly one of them; an operation that needs
 * one kind refuses the others.
 */
export interface PartnerClient {
  readonly kind: 'partner-client';
  readonly partnerId: string;
  readonly clientId: string;
}

export interface PartnerUser {
  readonly kind: 'partner-user';
  readonly partnerId: string;
  readonly userId: string;
  readonly upn: string;
}

export interface CustomerUser {
  readonly kind: 'customer-user';
  readonly tenantId: string;
  readonly userId: string;
  readonly upn: string;
  readonly displayName?: string;
  /** Entra role template IDs the user holds in the tenant (the `wids` claim). */
  readonly roleIds: readonly string[];
  /** A member account of the tenant's own directory (`*.onmicrosoft.com`): not federated, not a guest. */
  readonly cloudNative: boolean;
}

export type Principal = PartnerClient | PartnerUser | CustomerUser;
export type PartnerPrincipal = PartnerClient | PartnerUser;

export const isGlobalAdministrator = (user: CustomerUser): boolean =>
  user.roleIds.some((role) => role.toLowerCase() === GLOBAL_ADMINISTRATOR_ROLE);

export function isCloudNativeUpn(upn: string): boolean {
  return /@[a-z0-9-]+\.onmicrosoft\.com$/i.test(upn.trim());
}

/** What a verified token says about where a user's account lives (Entra ID's claim names). */
export interface AccountEvidence {
  /** The token's tenant (`tid`). */
  readonly tenantId: string;
  /** `upn`, else `preferred_username`. */
  readonly upn: string;
  /** `acct`: 0 a member of the token's tenant, 1 a guest. */
  readonly acct?: number;
  /** `idp`: who authenticated the user, when that is not the token's tenant itself. */
  readonly idp?: string;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * A guest: an account of another directory invited into the token's tenant. Entra ID says so with
 * `acct` = 1, names it `…#EXT#@…`, and, through `idp`, names the directory that authenticated it: another
 * tenant's issuer (B2B) or the Microsoft account tenant / live.com (a personal account). A member whose
 * organisation federates its sign-in is not a guest: its `idp`, when sent, names no other tenant.
 */
export function isGuestAccount(evidence: AccountEvidence): boolean {
  if (evidence.acct === 1 || evidence.upn.includes('#EXT#')) return true;
  if (evidence.idp === undefined) return false;
  if (/live\.com/i.test(evidence.idp)) return true;
  const tenant = GUID.exec(evidence.idp)?.[0].toLowerCase();
  return tenant !== undefined && tenant !== evidence.tenantId.toLowerCase();
}

/**
 * A cloud-native account is a member account that the tenant's own directory authenticated, named in
 * the tenant's `onmicrosoft.com` domain. The suffix alone is not enough: a guest invited from another
 * tenant is named `alice_contoso.com#EXT#@tenant.onmicrosoft.com` (or carries its home
 * `…@other.onmicrosoft.com` as preferred_username), so the claims that tell a guest or an external
 * identity provider apart are checked first: `acct` = 1 (guest), an `idp` other than the token's own
 * tenant (B2B guests, personal Microsoft accounts, social or SAML identity providers), an `#EXT#` name.
 * A federated account (`it-admin@tailspintoys.com`) is a member authenticated by its organisation's
 * own identity provider and is named in a verified custom domain, so the suffix refuses it.
 */
export function isCloudNativeAccount(evidence: AccountEvidence): boolean {
  if (isGuestAccount(evidence)) return false;
  // Stricter than the guest rule: any idp but the token's own tenant (a social or SAML provider too).
  if (
    evidence.idp !== undefined &&
    GUID.exec(evidence.idp)?.[0].toLowerCase() !== evidence.tenantId.toLowerCase()
  )
    return false;
  return isCloudNativeUpn(evidence.upn);
}

export function assertPartnerClient(principal: Principal): asserts principal is PartnerClient {
  if (principal.kind !== 'partner-client') {
    throw forbidden(
      'PartnerClientRequired',
      "This API is for a partner's API client; sign in with its client token.",
    );
  }
}

export function assertPartner(principal: Principal): asserts principal is PartnerPrincipal {
  if (principal.kind !== 'partner-client' && principal.kind !== 'partner-user') {
    throw forbidden('PartnerRequired', "This API is for partners; customers' accounts cannot use it.");
  }
}

export function assertCustomerUser(principal: Principal): asserts principal is CustomerUser {
  if (principal.kind !== 'customer-user') {
    throw forbidden('CustomerAccountRequired', "Sign in with an account of the customer's organisation.");
  }
}

export function assertGlobalAdministrator(principal: Principal): asserts principal is CustomerUser {
  assertCustomerUser(principal);
  if (!isGlobalAdministrator(principal)) {
    throw forbidden(
      'GlobalAdministratorRequired',
      "You need to be a Global Administrator of your organisation to do this. Ask one of your organisation's Global Administrators.",
    );
  }
}
