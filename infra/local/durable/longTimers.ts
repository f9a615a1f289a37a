import type { TimerLimits } from './orchestrationReplay';

/**
 * The fire times of a long timer's sub-timers, as the extension's DurableOrchestrationContext
 * .CreateTimer computes them under replay schema V3 and later (the library's LongTimerTask mirrors the count,
 * not the times).
 */

/** The first sub-timer of a timer asked for at `now`, or undefined when it is a short timer. */
export function firstSubTimer(fireAt: Date, now: Date, limits: TimerLimits): Date | undefined {
  if (fireAt.getTime() - now.getTime() <= limits.maximumShortTimerMs) return undefined;
  return new Date(now.getTime() + limits.longRunningTimerIntervalMs);
}

/** The sub-timer after one that fired at `now`, or undefined once the final time is reached. */
export function nextSubTimer(fireAt: Date, now: Date, limits: TimerLimits): Date | undefined {
  const remaining = fireAt.getTime() - now.getTime();
  if (remaining <= 0) return undefined;
  return new Date(now.getTime() + Math.min(remaining, limits.longRunningTimerIntervalMs));
}
