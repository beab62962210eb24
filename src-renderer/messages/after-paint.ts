/**
 * Runs work once the next frame is on screen: an animation frame (the frame is being produced), then
 * an idle period (Chromium starts one only after that frame is committed), so the work does not
 * delay the frame. The callbacks waiting for one frame share one rAF and run in one task, so React
 * batches what they set into one render. Where a browser has no idle callbacks (or no frames, as
 * under jsdom), a timer stands in.
 */
type Callback = () => void;

/**
 * An idle period comes this long after the frame at the latest. A page that produces no frames (a
 * hidden window stops rAF) runs the work after four times as long: deferred, never dropped; and a
 * slow frame on a loaded machine (hundreds of ms) is not overtaken.
 */
const LATEST_MS = 250;
const NO_FRAME_MS = 4 * LATEST_MS;

/**
 * When the work runs once the frame is on screen: in the idle period after it (work that may wait,
 * such as decorations), or in a task of its own right after it (work the next task should find
 * done, such as rows kept mounted only for that frame).
 */
export type After = 'idle' | 'task';

const waiting: Record<After, Set<Callback> | null> = { idle: null, task: null };

function whenIdle(run: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: LATEST_MS });
  else setTimeout(run, 0);
}

/** Calls `callback` after the next frame is painted, unless the returned function cancels it first. */
export function afterNextPaint(callback: Callback, after: After = 'idle'): () => void {
  let batch = waiting[after];
  if (!batch) {
    const due = new Set<Callback>();
    batch = waiting[after] = due;
    let ran = false;
    const flush = () => {
      if (ran) return;
      ran = true;
      if (waiting[after] === due) waiting[after] = null;
      for (const run of due) run();
    };
    const then = after === 'idle' ? whenIdle : (run: () => void) => setTimeout(run, 0);
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => then(flush));
    else then(flush);
    setTimeout(flush, NO_FRAME_MS);
  }
  batch.add(callback);
  return () => batch.delete(callback);
}

/**
 * Resolves once the work now waiting for a frame has run (at once if none waits): tests wait for it
 * instead of for a number of timer turns, which a loaded machine can outrun.
 */
export function paintWorkDone(): Promise<void> {
  const pending = (['task', 'idle'] as const)
    .filter((after) => waiting[after])
    .map((after) => new Promise<void>((resolve) => afterNextPaint(resolve, after)));
  return Promise.all(pending).then(() => {});
}
