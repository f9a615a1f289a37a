import { negotiateLocale } from '../../../shared/adapters/web/locales';
import { formatDate, formatDuration } from '../../../shared/adapters/web/localeFormats';

describe('choosing the language', () => {
  it.each([
    ['fr-CA,fr;q=0.9,en;q=0.5', 'fr'],
    ['de-DE', 'de'],
    ['he-IL,he;q=0.9', 'he'],
    ['es, de;q=0.5', 'de'],
    ['ja', 'en'],
    ['*', 'en'],
    ['', 'en'],
  ])('when Accept-Language is "%s", then the page speaks %s', (acceptLanguage, expected) => {
    expect(negotiateLocale({ acceptLanguage })).toBe(expected);
  });

  it('when ?lang= names a language, then it wins over the cookie and Accept-Language', () => {
    expect(negotiateLocale({ requested: 'he', remembered: 'fr', acceptLanguage: 'de' })).toBe('he');
  });

  it('when only the switcher cookie is there, then it wins over Accept-Language', () => {
    expect(negotiateLocale({ remembered: 'fr', acceptLanguage: 'de' })).toBe('fr');
  });

  it('when ?lang= names a language we do not have, then it is ignored', () => {
    expect(negotiateLocale({ requested: 'xx', acceptLanguage: 'de' })).toBe('de');
  });
});

describe('dates and durations in each language', () => {
  it('when a date is shown, then it is written the language’s way, in UTC', () => {
    const at = '2026-03-01T23:30:00.000Z';
    expect(formatDate('en', at)).toBe('March 1, 2026');
    expect(formatDate('fr', at)).toBe('1 mars 2026');
    expect(formatDate('de', at)).toBe('1. März 2026');
    expect(formatDate('he', at)).toBe('1 במרץ 2026');
  });

  it('when a delegation duration is shown, then units and plurals come from the language', () => {
    expect(formatDuration('en', 'P90D')).toBe('90 days');
    expect(formatDuration('fr', 'P1Y6M')).toBe('1\u00a0an et 6\u00a0mois');
    expect(formatDuration('de', 'P1D')).toBe('1 Tag');
    expect(formatDuration('he', 'P2Y')).toBe('2 שנים');
  });
});
