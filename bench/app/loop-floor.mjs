/**
 * The floor under figure 13's main-process event-loop delay: a Node process that does nothing but keep
 * `monitorEventLoopDelay` (the same 1 ms resolution as the app's), forked by bench/app/app-host.ts and
 * enabled over the same span (start → caught up). Whatever it reads is the scheduler's on this box while
 * the catch-up, the server and Chromium run beside it, not a turn of anybody's code: what the app's own
 * p99 is above it is the app's long turns. Messages: 'start' (reset, enable), 'stop' (disable, answer
 * the readings in ms). Plain .mjs without imports of the app: it loads in a few ms and holds nothing.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

// RELAY_LOOP_FLOOR_MS: another resolution, to see whether the floor's wake-ups are what changes the app's
// own reading (BENCHMARKS.md, loop22); the row is read at 1 ms, the app's.
const histogram = monitorEventLoopDelay({ resolution: Number(process.env.RELAY_LOOP_FLOOR_MS ?? 1) });
const ms = (ns) => ns / 1e6;

process.on('message', (message) => {
  if (message === 'start') {
    histogram.reset();
    histogram.enable();
  } else if (message === 'stop') {
    histogram.disable();
    process.send?.({
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      samples: histogram.count,
    });
  }
});
// The app host going away (even by SIGKILL) closes the channel: never outlive it.
process.on('disconnect', () => process.exit(0));
process.send?.('ready');
