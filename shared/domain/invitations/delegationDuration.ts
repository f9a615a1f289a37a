import { invalid } from '../domainError';

/**
 * Delegated admin roles are time-bound, as in granular delegated admin: an ISO 8601 duration of whole
 * years, months, weeks and days between one day (P1D) and two years (P2Y).
 */
const DURATION = /^P(?:(\d{1,3})Y)?(?:(\d{1,3})M)?(?:(\d{1,3})W)?(?:(\d{1,4})D)?$/;

export interface DelegationDuration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
}

export function parseDelegationDuration(text: string): DelegationDuration {
  const match = DURATION.exec(text);
  if (!match || text === 'P') {
    throw invalid(
      'InvalidDuration',
      `"${text}" is not an ISO 8601 duration of years, months, weeks and days such as P90D or P1Y.`,
      { field: 'delegatedAdmin.duration' },
    );
  }
  const [, y, m, w, d] = match;
  const duration = {
    years: Number(y ?? 0),
    months: Number(m ?? 0),
    weeks: Number(w ?? 0),
    days: Number(d ?? 0),
  };
  // Measured from a date with no 29 February in the next two years, so P2Y is exactly 730 days, the cap
  // granular delegated admin applies (P731D is over it).
  const from = new Date(Date.UTC(2001, 0, 1));
  const days = (addDuration(from, duration).getTime() - from.getTime()) / 86_400_000;
  if (days < 1 || days > 730) {
    throw invalid(
      'DurationOutOfRange',
      `Delegated roles last from P1D to P2Y; "${text}" is outside that range.`,
      {
        field: 'delegatedAdmin.duration',
      },
    );
  }
  return duration;
}

/** Calendar addition in UTC: P1M from 31 January ends on the last day of February, not in March. */
export function addDuration(start: Date, duration: DelegationDuration): Date {
  const result = new Date(start.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + duration.years * 12 + duration.months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  result.setUTCDate(result.getUTCDate() + duration.weeks * 7 + duration.days);
  return result;
}
