import { z } from 'zod';

/**
 * `callActivityWithRetry`'s RetryOptions as the orchestrator hands them over. Only the first interval
 * and the attempt count are set by the constructor; the others are optional fields the user may set.
 */
export const retryPolicySchema = z.object({
  firstRetryIntervalInMilliseconds: z.number().positive(),
  maxNumberOfAttempts: z.number().int(),
  backoffCoefficient: z.number().positive().optional(),
  maxRetryIntervalInMilliseconds: z.number().positive().optional(),
  retryTimeoutInMilliseconds: z.number().positive().optional(),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

/**
 * The delay before the next attempt, as the Durable Task Framework's RetryInterceptor computes it:
 * first interval × coefficient^(failed attempts − 1), capped by the max interval; `undefined` once
 * the retry timeout (counted from the first attempt) has passed, where DTFx stops retrying.
 */
export function nextRetryDelay(
  policy: RetryPolicy,
  failedAttempts: number,
  firstAttemptAt: Date,
  now: Date,
): number | undefined {
  if (
    policy.retryTimeoutInMilliseconds !== undefined &&
    now.getTime() >= firstAttemptAt.getTime() + policy.retryTimeoutInMilliseconds
  ) {
    return undefined;
  }
  const delay =
    policy.firstRetryIntervalInMilliseconds * Math.pow(policy.backoffCoefficient ?? 1, failedAttempts - 1);
  return Math.min(delay, policy.maxRetryIntervalInMilliseconds ?? Number.MAX_SAFE_INTEGER);
}
