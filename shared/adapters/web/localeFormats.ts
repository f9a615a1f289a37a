import type { Locale } from './locales';

/**
 * Dates, durations and lists the way each language writes them (Intl, full ICU in Node), so catalogs
 * hold sentences and never plural rules or month names.
 */
export function formatDate(locale: Locale, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // Stored instants are UTC; a date without a time reads the same everywhere only in one zone.
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

const DURATION_UNITS: readonly [RegExp, Intl.NumberFormatOptions['unit']][] = [
  [/(\d+)Y/, 'year'],
  [/P(?:\d+Y)?(\d+)M/, 'month'],
  [/(\d+)W/, 'week'],
  [/(\d+)D/, 'day'],
];

/** An ISO 8601 date duration (P90D, P1Y6M) in words: "90 days", "1 an et 6 mois". */
export function formatDuration(locale: Locale, duration: string): string {
  const parts = DURATION_UNITS.flatMap(([pattern, unit]) => {
    const n = Number(pattern.exec(duration)?.[1] ?? 0);
    return n > 0
      ? [new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(n)]
      : [];
  });
  return parts.length > 0 ? formatList(locale, parts) : duration;
}

export function formatList(locale: Locale, items: readonly string[]): string {
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);
}

/** The list's parts, to wrap each element (in <strong>, say) while keeping the language's separators. */
export function listParts(locale: Locale, items: readonly string[]) {
  return new Intl.ListFormat(locale, { type: 'conjunction' }).formatToParts(items);
}
