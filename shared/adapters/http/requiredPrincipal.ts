import { assertPortalUser } from '../../application/portal/portalAccess';
import type {
  CustomerUser,
  PartnerClient,
  PartnerPrincipal,
  PartnerUser,
  Principal,
} from '../../domain/identity/principal';
import {
  assertGlobalAdministrator,
  assertPartner,
  assertPartnerClient,
} from '../../domain/identity/principal';
import type { Caller } from './authentication';

/**
 * Who may call a route, as an option of its handler wrapper (apiHandler, pageHandler): the wrapper
 * authenticates, refuses every other kind of caller (403 with the assertion's code), and hands the
 * handler the principal typed as that kind.
 */
export interface PrincipalKinds {
  readonly any: Principal;
  readonly partner: PartnerPrincipal;
  readonly partnerClient: PartnerClient;
  readonly portalUser: PartnerUser;
  readonly globalAdministrator: CustomerUser;
}

export type PrincipalKind = keyof PrincipalKinds;

export interface CallerAs<K extends PrincipalKind> extends Caller {
  readonly principal: PrincipalKinds[K];
}

const ASSERTIONS: { readonly [K in PrincipalKind]: (principal: Principal) => PrincipalKinds[K] } = {
  any: (principal) => principal,
  partner: (principal) => {
    assertPartner(principal);
    return principal;
  },
  partnerClient: (principal) => {
    assertPartnerClient(principal);
    return principal;
  },
  portalUser: (principal) => {
    assertPortalUser(principal);
    return principal;
  },
  globalAdministrator: (principal) => {
    assertGlobalAdministrator(principal);
    return principal;
  },
};

/** The caller, refused (403) unless it is of `kind`. */
export function callerAs<K extends PrincipalKind>(kind: K, caller: Caller): CallerAs<K> {
  return { ...caller, principal: ASSERTIONS[kind](caller.principal) };
}
