import type { Registration } from './functionsCore/registry';
import type { ExtraInputProvider } from './httpHost';
import { createInvocationContext } from './httpHost';

/**
 * Timer triggers on the local host, as the Functions host runs them: each function's NCRONTAB schedule
 * (six fields, seconds first, in UTC), one invocation at a time per function (a run still going when
 * the next one is due is skipped, like the host's singleton lock). Only the field forms the app uses
 * are understood: `*`, `*\/n`, a number, and lists of numbers; anything else stops the host with a
 * message naming the function, rather than running at the wrong times.
 */
const FIELDS = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 6 },
] as const;

export type NcrontabSchedule = readonly ReadonlySet<number>[];

export class UnsupportedScheduleError extends Error {
  override name = 'UnsupportedScheduleError';
}

export function parseNcrontab(expression: string, functionName = 'a timer function'): NcrontabSchedule {
  const parts = expression.trim().split(/\s+/);
  const refuse = (why: string) =>
    new UnsupportedScheduleError(
      `The local host cannot run ${functionName} on "${expression}": ${why}. It understands six fields ` +
        '(second minute hour day month day-of-week), each *, */n, a number or a list of numbers.',
    );
  if (parts.length !== FIELDS.length) throw refuse(`it has ${parts.length} fields`);
  return parts.map((part, i) => {
    const field = FIELDS[i]!;
    const values = new Set<number>();
    const step = /^\*\/(\d+)$/.exec(part);
    if (part === '*' || step) {
      const n = step ? Number(step[1]) : 1;
      if (n < 1) throw refuse(`the ${field.name} step must be at least 1`);
      for (let v = field.min; v <= field.max; v += n) values.add(v);
      return values;
    }
    for (const item of part.split(',')) {
      if (!/^\d+$/.test(item)) throw refuse(`"${part}" (${field.name}) is not a supported form`);
      const v = Number(item);
      if (v < field.min || v > field.max) throw refuse(`${v} is out of range for the ${field.name}`);
      values.add(v);
    }
    return values;
  });
}

/** The first second after `after` (UTC) that the schedule names. */
export function nextOccurrence(schedule: NcrontabSchedule, after: Date): Date {
  const [seconds, minutes, hours, daysOfMonth, months, daysOfWeek] = schedule;
  const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  // Five years: far enough for a leap day (29 February) to come round.
  const limit = t.getTime() + 5 * 366 * 24 * 3600 * 1000;
  // Skips whole months, days, hours and minutes that cannot match, rather than one second at a time.
  while (t.getTime() <= limit) {
    if (!months!.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0);
    } else if (!daysOfMonth!.has(t.getUTCDate()) || !daysOfWeek!.has(t.getUTCDay())) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0);
    } else if (!hours!.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0);
    } else if (!minutes!.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
    } else if (!seconds!.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1);
    } else {
      return t;
    }
  }
  throw new UnsupportedScheduleError('The schedule names no second within five years');
}

export interface TimerSchedulerOptions {
  readonly registrations: readonly Registration[];
  readonly extraInputProviders: ReadonlyMap<string, ExtraInputProvider>;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
}

export interface RunningTimerScheduler {
  /** The timer functions and when each runs next. */
  readonly next: ReadonlyMap<string, Date>;
  stop(): Promise<void>;
}

export function startTimerScheduler(options: TimerSchedulerOptions): RunningTimerScheduler {
  const now = options.now ?? (() => new Date());
  const timers = options.registrations.filter((r) => r.trigger.type.toLowerCase() === 'timertrigger');
  // Parse every schedule before starting any, so a bad one stops the host at start-up.
  const schedules = timers.map((registration) => ({
    registration,
    schedule: parseNcrontab(
      typeof registration.trigger.schedule === 'string' ? registration.trigger.schedule : '',
      registration.name,
    ),
  }));
  const next = new Map<string, Date>();
  const handles = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  const plan = (registration: Registration, schedule: NcrontabSchedule, last: Date | undefined) => {
    if (stopped) return;
    const due = nextOccurrence(schedule, now());
    next.set(registration.name, due);
    const handle = setTimeout(
      () => {
        handles.delete(handle);
        if (stopped) return;
        const run = invoke(registration, due, last).finally(() => running.delete(run));
        running.add(run);
        // The next run is planned only once this one is over: one invocation at a time per function.
        void run.then(() => plan(registration, schedule, due));
      },
      Math.max(0, due.getTime() - now().getTime()),
    );
    handles.add(handle);
  };

  const invoke = async (registration: Registration, due: Date, last: Date | undefined) => {
    const context = createInvocationContext(registration, options.extraInputProviders, options.log);
    const timer = {
      isPastDue: now().getTime() - due.getTime() > 60_000,
      schedule: { adjustForDST: false },
      scheduleStatus: { last: last?.toISOString() ?? '', next: '', lastUpdated: due.toISOString() },
    };
    try {
      await registration.handler(timer, context);
    } catch (error) {
      options.log(`timer ${registration.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  for (const { registration, schedule } of schedules) plan(registration, schedule, undefined);
  return {
    next,
    async stop() {
      stopped = true;
      for (const handle of handles) clearTimeout(handle);
      handles.clear();
      await Promise.allSettled([...running]);
    },
  };
}
