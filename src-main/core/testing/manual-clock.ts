/** A clock that moves only when told: for unit tests of timer logic. */
import type { Clock } from '../ports';

export interface ManualClock extends Clock {
  /** Time passes: both clocks move, and the timers due run in order. */
  advance(ms: number): void;
  /** The wall clock alone is set (NTP, a resume, by hand): monotonic time and the timers do not move. */
  stepWall(ms: number): void;
  readonly pending: number;
}

export function createManualClock(start = 1_700_000_000_000): ManualClock {
  // Monotonic time starts far from the wall's, so code mixing the two fails its tests.
  let mono = 5_000;
  let wallOffset = start - mono;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => mono + wallOffset,
    monotonic: () => mono,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: mono + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    get pending() {
      return timers.size;
    },
    advance(ms) {
      const until = mono + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        mono = due[1].at;
        due[1].fn();
      }
      mono = until;
    },
    stepWall(ms) {
      wallOffset += ms;
    },
  };
}
