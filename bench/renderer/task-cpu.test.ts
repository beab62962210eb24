import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './page-tools';
import { taskCpu } from './task-cpu';

const PAGE = 7;
const MAIN = 1;
const nav: TraceEvent = {
  name: 'navigationStart',
  ph: 'R',
  ts: 1_000_000,
  pid: PAGE,
  tid: MAIN,
  args: { data: { documentLoaderURL: 'http://127.0.0.1:5180/' } },
};
const threadName = (pid: number, tid: number, name: string): TraceEvent => ({
  name: 'thread_name',
  ph: 'M',
  ts: 0,
  pid,
  tid,
  args: { name },
});
/** A task `atMs` after navigation start, `wallMs` long, `cpuMs` of it on a core. */
const task = (atMs: number, wallMs: number, cpuMs: number, pid = PAGE, tid = MAIN): TraceEvent => ({
  name: 'ThreadControllerImpl::RunTask',
  ph: 'X',
  ts: nav.ts + atMs * 1000,
  dur: wallMs * 1000,
  tdur: cpuMs * 1000,
  pid,
  tid,
});

describe("the renderer's tasks with their CPU, from a trace", () => {
  const events = [
    threadName(PAGE, MAIN, 'CrRendererMain'),
    threadName(PAGE, 2, 'Compositor'),
    threadName(3, 1, 'CrBrowserMain'),
    nav,
    task(100, 300, 250), // before the shell's paint: the page's load, not counted
    task(2_000, 120, 20), // a long wait for a core
    task(2_200, 60, 55),
    task(2_400, 10, 9),
    task(2_500, 400, 390, PAGE, 2), // another thread of the page
    task(2_600, 500, 480, 3, 1), // the browser process
  ];

  it('counts the page main thread after the shell only, wall beside CPU', () => {
    expect(taskCpu(events, 1_500)).toEqual({
      overWall: 2,
      overCpu: 1,
      longestWall: 120,
      longestWallCpu: 20,
      longestCpu: 55,
      tasks: 3,
      observedCpu: null,
    });
  });

  it("reads the CPU of the task the page's observer reported, matched by its start and wall", () => {
    expect(taskCpu(events, 1_500, { start: 2_201, duration: 59 })?.observedCpu).toBe(55);
    // Nothing of that start and length in the trace.
    expect(taskCpu(events, 1_500, { start: 2_300, duration: 59 })?.observedCpu).toBeNull();
  });

  it('reads nothing without the page navigation or its tasks', () => {
    expect(
      taskCpu(
        events.filter((e) => e !== nav),
        1_500,
      ),
    ).toBeNull();
    expect(taskCpu(events, 5_000)).toBeNull();
  });
});
