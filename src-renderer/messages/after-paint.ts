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

let waiting: Set<Callback> | null = null;

function whenIdle(run: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: LATEST_MS });
  else setTimeout(run, 0);
}

/** Calls `callback` after the next frame is painted, unless the returned function cancels it first. */
export function afterNextPaint(callback: Callback): () => void {
  let batch = waiting;
  if (!batch) {
    const due = new Set<Callback>();
    batch = waiting = due;
    let ran = false;
    const flush = () => {
      if (ran) return;
      ran = true;
      if (waiting === due) waiting = null;
      for (const run of due) run();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => whenIdle(flush));
    else whenIdle(flush);
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
  if (!waiting) return Promise.resolve();
  return new Promise((resolve) => afterNextPaint(resolve));
}
