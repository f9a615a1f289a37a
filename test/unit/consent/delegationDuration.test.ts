import { DomainError } from '../../../shared/domain/domainError';
import { addDuration, parseDelegationDuration } from '../../../shared/domain/invitations/delegationDuration';

const utc = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const none = { years: 0, months: 0, weeks: 0, days: 0 };

function refusalOf(text: string): DomainError {
  try {
    parseDelegationDuration(text);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`expected "${text}" to be refused`);
}

describe('delegation duration', () => {
  it.each([
    ['P1D', { ...none, days: 1 }],
    ['P2Y', { ...none, years: 2 }],
    ['P90D', { ...none, days: 90 }],
    ['P1Y6M', { ...none, years: 1, months: 6 }],
    ['P24M', { ...none, months: 24 }],
    ['P2W', { ...none, weeks: 2 }],
    ['P730D', { ...none, days: 730 }],
  ])('when the duration is %s, then it is accepted with its parts', (text, parts) => {
    expect(parseDelegationDuration(text)).toEqual(parts);
  });

  it.each([
    ['P0D', 'DurationOutOfRange'],
    ['P2Y1D', 'DurationOutOfRange'],
    ['P25M', 'DurationOutOfRange'],
    ['P105W', 'DurationOutOfRange'],
    ['PT1H', 'InvalidDuration'],
    ['P1DT1H', 'InvalidDuration'],
    ['P', 'InvalidDuration'],
    ['', 'InvalidDuration'],
    ['90 days', 'InvalidDuration'],
    ['p90d', 'InvalidDuration'],
    ['P-1D', 'InvalidDuration'],
    ['P1.5D', 'InvalidDuration'],
  ])('when the duration is "%s", then it is refused with %s naming the field', (text, code) => {
    const error = refusalOf(text);

    expect(error.kind).toBe('invalid');
    expect(error.code).toBe(code);
    expect(error.details).toEqual({ field: 'delegatedAdmin.duration' });
  });

  it('when the duration is P731D, then it is refused as longer than two years', () => {
    expect(refusalOf('P731D').code).toBe('DurationOutOfRange');
  });

  describe('addDuration', () => {
    it('when one month is added to 31 January, then the result is the last day of February', () => {
      expect(addDuration(utc('2025-01-31'), { ...none, months: 1 })).toEqual(utc('2025-02-28'));
    });

    it('when one month is added to 31 January of a leap year, then the result is 29 February', () => {
      expect(addDuration(utc('2024-01-31'), { ...none, months: 1 })).toEqual(utc('2024-02-29'));
    });

    it('when one year is added to 29 February, then the result is 28 February of the next year', () => {
      expect(addDuration(utc('2024-02-29'), { ...none, years: 1 })).toEqual(utc('2025-02-28'));
    });

    it('when days cross 29 February of a leap year, then that day is counted', () => {
      expect(addDuration(utc('2024-02-28'), { ...none, days: 2 })).toEqual(utc('2024-03-01'));
    });

    it('when years, months, weeks and days are combined, then months are added before days', () => {
      // 31 Jan + 1M = 28 Feb (clamped), then + 1W 1D = 8 March.
      expect(addDuration(utc('2025-01-31'), { years: 0, months: 1, weeks: 1, days: 1 })).toEqual(
        utc('2025-03-08'),
      );
    });

    it('when months run past December, then the year rolls over', () => {
      expect(addDuration(utc('2025-11-30'), { ...none, months: 3 })).toEqual(utc('2026-02-28'));
    });

    it('when a duration is added, then the time of day is kept', () => {
      const start = new Date('2025-01-31T13:45:10.123Z');

      expect(addDuration(start, { ...none, months: 1 }).toISOString()).toBe('2025-02-28T13:45:10.123Z');
    });

    it('when a duration is added, then the start date is not modified', () => {
      const start = utc('2025-01-31');

      addDuration(start, { ...none, years: 1, days: 3 });

      expect(start).toEqual(utc('2025-01-31'));
    });
  });
});
