import { invalid } from '../../domain/domainError';

/** Adds an ISO 8601 duration of days and time (P14D, PT30S, P1DT12H) to a date. */
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function addIsoDuration(start: Date, duration: string): Date {
  const match = DURATION.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) {
    throw invalid(
      'InvalidDuration',
      `"${duration}" is not an ISO 8601 duration of days and time such as P14D or PT30S.`,
    );
  }
  const [, d, h, m, s] = match;
  const ms = ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
  return new Date(start.getTime() + ms);
}
