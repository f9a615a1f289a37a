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
  /** The account lives in the tenant's own directory (`*.onmicrosoft.com`), not a federated domain. */
  readonly cloudNative: boolean;
}

export type Principal = PartnerClient | PartnerUser | CustomerUser;
export type PartnerPrincipal = PartnerClient | PartnerUser;

export const isGlobalAdministrator = (user: CustomerUser): boolean =>
  user.roleIds.some((role) => role.toLowerCase() === GLOBAL_ADMINISTRATOR_ROLE);

export function isCloudNativeUpn(upn: string): boolean {
  return /@[a-z0-9-]+\.onmicrosoft\.com$/i.test(upn.trim());
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
