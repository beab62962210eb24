/**
 * Faults inside timers and socket listeners have no caller to throw to: in Electron's main process
 * an uncaught exception there ends the app. These wrappers report them (log + `error` event) and
 * carry on, so one bad moment (a disk error, a bug) never takes the outbox down with it.
 */
import type { Clock } from './ports';

export type ReportFault = (where: string, error: unknown) => void;

export function guard<A extends unknown[]>(report: ReportFault, where: string, fn: (...args: A) => void) {
  return (...args: A): void => {
    try {
      fn(...args);
    } catch (error) {
      report(where, error);
    }
  };
}

/** The same clock, with every timer callback guarded. */
export function guardedClock(clock: Clock, report: ReportFault): Clock {
  return {
    now: () => clock.now(),
    monotonic: () => clock.monotonic(),
    setTimeout: (fn, ms) => clock.setTimeout(guard(report, 'a scheduled task', fn), ms),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  };
}
