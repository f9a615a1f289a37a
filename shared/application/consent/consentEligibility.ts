import type { CustomerUser, Principal } from '../../domain/identity/principal';
import { isGlobalAdministrator } from '../../domain/identity/principal';
import type { Invitation } from '../../domain/invitations/invitation';

export type ConsentEligibility =
  { readonly eligible: true } | { readonly eligible: false; readonly code: string; readonly reason: string };

/** Whether this signed-in person may accept this invitation, and if not, why, in words they can act on. */
export function consentEligibility(principal: Principal, invitation: Invitation): ConsentEligibility {
  if (principal.kind !== 'customer-user') {
    return {
      eligible: false,
      code: 'CustomerAccountRequired',
      reason:
        "You are signed in with a partner's account. Sign in with an account of the customer's organisation.",
    };
  }
  return customerEligibility(principal, invitation);
}

function customerEligibility(user: CustomerUser, invitation: Invitation): ConsentEligibility {
  if (!isGlobalAdministrator(user)) {
    return {
      eligible: false,
      code: 'GlobalAdministratorRequired',
      reason:
        "You need to be a Global Administrator to accept this request. Forward the link to one of your organisation's Global Administrators.",
    };
  }
  if (invitation.kind === 'oem-authorization' && !user.cloudNative) {
    return {
      eligible: false,
      code: 'CloudNativeAccountRequired',
      reason:
        'An OEM authorisation must be accepted with a cloud-native account (name@yourtenant.onmicrosoft.com), not a federated or guest account. Sign in with such a Global Administrator account.',
    };
  }
  return { eligible: true };
}
