/**
 * How many invitation emails a partner may have sent in a window, shared by every instance of the app
 * (so a partner cannot get round it by landing on another instance). `take` counts one email against
 * the partner's current window, or says how long until the next window when this one is full.
 */
export interface InvitationEmailQuota {
  take(partnerId: string, now: Date): Promise<QuotaDecision>;
}

export type QuotaDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly limit: number; readonly retryAfterSeconds: number };
