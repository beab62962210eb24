/**
 * The renderer main thread's tasks from a Chromium trace, with their CPU beside their wall (figure 13):
 * `dur` is a task's wall time, `tdur` the thread's CPU time in it, so a long task that waited for a core
 * reads a short CPU. The same page's tasks as the row's PerformanceObserver counts, from the channel
 * list's paint on (`shellMs` from navigation start, the page's clock).
 */
import type { TraceEvent } from './page-tools';

export interface TaskCpu {
  /** Tasks over 50 ms of wall, and of CPU. */
  overWall: number;
  overCpu: number;
  /** The longest task by wall, and its CPU; the most CPU any one task took. Ms. */
  longestWall: number;
  longestWallCpu: number;
  longestCpu: number;
  tasks: number;
  /**
   * The CPU of the task the page's PerformanceObserver reported as its longest (`observed`: its start
   * and duration, ms of the page's clock): the trace's task of that start and wall within 5 ms, or null
   * if none is (the trace counts tasks the observer does not, e.g. without a frame to blame).
   */
  observedCpu: number | null;
}

const RUN_TASK = 'ThreadControllerImpl::RunTask';
const LONG_US = 50_000;

/** Null when the trace holds no navigation of an http page, or no task of its main thread after it. */
export function taskCpu(
  events: readonly TraceEvent[],
  shellMs: number,
  observed?: { start: number; duration: number } | null,
): TaskCpu | null {
  const nav = events.find(
    (e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL?.startsWith('http'),
  );
  if (!nav) return null;
  const main = events.find(
    (e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === nav.pid,
  );
  if (!main) return null;
  const from = nav.ts + shellMs * 1000;
  const tasks = events.filter(
    (e) => e.name === RUN_TASK && e.ph === 'X' && e.pid === nav.pid && e.tid === main.tid && e.ts >= from,
  );
  if (tasks.length === 0) return null;
  const wall = (e: TraceEvent) => e.dur ?? 0;
  const cpu = (e: TraceEvent) => e.tdur ?? 0;
  const longest = tasks.reduce((a, b) => (wall(b) > wall(a) ? b : a));
  const off = (e: TraceEvent) =>
    observed
      ? Math.abs(e.ts - nav.ts - observed.start * 1000) + Math.abs(wall(e) - observed.duration * 1000)
      : Number.POSITIVE_INFINITY;
  const match = tasks.reduce((a, b) => (off(b) < off(a) ? b : a));
  return {
    overWall: tasks.filter((t) => wall(t) > LONG_US).length,
    overCpu: tasks.filter((t) => cpu(t) > LONG_US).length,
    longestWall: wall(longest) / 1000,
    longestWallCpu: cpu(longest) / 1000,
    longestCpu: Math.max(...tasks.map(cpu)) / 1000,
    tasks: tasks.length,
    observedCpu: off(match) <= 5_000 ? cpu(match) / 1000 : null,
  };
}
