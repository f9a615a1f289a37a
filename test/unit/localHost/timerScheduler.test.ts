import type { Registration } from '../../../infra/local/functionsCore/registry';
import {
  UnsupportedScheduleError,
  nextOccurrence,
  parseNcrontab,
  startTimerScheduler,
} from '../../../infra/local/timerScheduler';

describe('the local host’s timer schedules', () => {
  it.each([
    ['0 */1 * * * *', '2026-01-01T10:00:30.000Z', '2026-01-01T10:01:00.000Z'],
    ['0 */5 * * * *', '2026-01-01T10:04:59.000Z', '2026-01-01T10:05:00.000Z'],
    ['*/10 * * * * *', '2026-01-01T10:00:00.000Z', '2026-01-01T10:00:10.000Z'],
    ['0 30 2 * * *', '2026-01-01T10:00:00.000Z', '2026-01-02T02:30:00.000Z'],
    ['0 0 9 * * 1', '2026-01-01T10:00:00.000Z', '2026-01-05T09:00:00.000Z'],
    ['0 0,30 * * * *', '2026-01-01T10:00:00.000Z', '2026-01-01T10:30:00.000Z'],
    ['0 0 0 1 * *', '2026-01-31T23:59:59.000Z', '2026-02-01T00:00:00.000Z'],
    ['0 0 12 29 2 *', '2026-03-01T00:00:00.000Z', '2028-02-29T12:00:00.000Z'],
    ['59 59 23 31 12 *', '2026-06-15T08:00:00.000Z', '2026-12-31T23:59:59.000Z'],
  ])(
    'when the schedule is "%s" and it is %s, then the next run is %s (UTC)',
    (expression, after, expected) => {
      expect(nextOccurrence(parseNcrontab(expression), new Date(after)).toISOString()).toBe(expected);
    },
  );

  it.each([
    ['*/1 * * * *', 'it has 5 fields'],
    ['0 0-5 * * * *', '"0-5" (minute) is not a supported form'],
    ['0 0 9 * * MON', '"MON" (day of week) is not a supported form'],
    ['0 61 * * * *', '61 is out of range for the minute'],
    ['0 */0 * * * *', 'the minute step must be at least 1'],
  ])('when the schedule is "%s", then it is refused naming the function and why', (expression, why) => {
    expect(() => parseNcrontab(expression, 'mySweeper')).toThrow(UnsupportedScheduleError);
    expect(() => parseNcrontab(expression, 'mySweeper')).toThrow(
      `cannot run mySweeper on "${expression}": ${why}`,
    );
  });

  it('when the schedule names a day that never comes (30 February), then no next run is invented', () => {
    expect(() => nextOccurrence(parseNcrontab('0 0 0 30 2 *'), new Date('2026-01-01T00:00:00Z'))).toThrow(
      UnsupportedScheduleError,
    );
  });

  it('when the host starts with a timer function whose schedule it cannot read, then it refuses to start', () => {
    const registration = {
      name: 'badTimer',
      metadata: { name: 'badTimer', bindings: {} },
      handler: () => undefined,
      trigger: { type: 'timerTrigger', direction: 'in', name: 't', schedule: '0 0 9 * * MON-FRI' },
    } as Registration;
    expect(() =>
      startTimerScheduler({
        registrations: [registration],
        extraInputProviders: new Map(),
        log: () => undefined,
      }),
    ).toThrow('cannot run badTimer');
  });

  it('when a timer function is due, then the scheduler invokes it with a timer and its context, one run at a time', async () => {
    const calls: { timer: unknown; functionName: string }[] = [];
    let release: () => void = () => undefined;
    const registration = {
      name: 'everySecond',
      metadata: { name: 'everySecond', bindings: {} },
      handler: async (timer: unknown, context: { functionName: string }) => {
        calls.push({ timer, functionName: context.functionName });
        await new Promise<void>((resolve) => (release = resolve));
      },
      trigger: { type: 'timerTrigger', direction: 'in', name: 't', schedule: '* * * * * *' },
    } as unknown as Registration;
    const scheduler = startTimerScheduler({
      registrations: [registration],
      extraInputProviders: new Map(),
      log: () => undefined,
    });
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    // The first run has not returned: no second one starts however long it takes.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ functionName: 'everySecond', timer: { isPastDue: false } });
    release();
    await scheduler.stop();
  });
});
