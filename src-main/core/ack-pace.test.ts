import { beforeEach, describe, expect, it } from 'vitest';
import { AckPace, PACE_SHARE } from './ack-pace';
import { resolveOptions } from './options';
import { createManualClock, type ManualClock } from './testing/manual-clock';

const options = resolveOptions();
let clock: ManualClock;
let pace: AckPace;

beforeEach(() => {
  clock = createManualClock();
  pace = new AckPace(clock, options);
});

/** `perSecond` acks a second for `ms`, in batches every 10 ms (one socket read each). */
function acks(perSecond: number, ms: number): void {
  for (let t = 0; t < ms; t += 10) {
    clock.advance(10);
    pace.answered(perSecond / 100);
  }
}

describe('AckPace', () => {
  it('allows the plain window before any ack, and the window never falls below it', () => {
    expect(pace.window(0)).toBe(256);
    acks(10, 1_000);
    expect(pace.rate()).toBeCloseTo(10, 0);
    expect(pace.window(0)).toBe(256);
  });

  it('grows past 256 only while everything in flight is answered within a quarter of the ack timeout', () => {
    expect(PACE_SHARE * options.ackTimeoutMs).toBe(2_500);
    acks(60, 1_000);
    expect(pace.window(0)).toBe(256); // 60 a second: 150 in 2.5 s
    acks(200, 1_000);
    expect(pace.window(0)).toBe(500); // 200 a second: 500 in 2.5 s, each sent then waits ~2.5 s
    acks(5_000, 1_000);
    expect(pace.window(0)).toBe(1_024); // figure 6's pace: the maximum
  });

  it("counts the other channels' sends in flight: the connection's acks answer them all", () => {
    acks(200, 2_000);
    expect(pace.window(0)).toBe(500);
    expect(pace.window(200)).toBe(300);
    expect(pace.window(400)).toBe(256);
  });

  it('shrinks as the acks slow, and falls back to 256 within a second of them stopping', () => {
    acks(5_000, 1_000);
    expect(pace.window(0)).toBe(1_024);
    acks(200, 1_000);
    expect(pace.window(0)).toBe(500);
    // No ack at all: measured up to now, the pace falls with each moment without one.
    clock.advance(500);
    expect(pace.window(0)).toBeLessThan(500);
    clock.advance(500);
    expect(pace.rate()).toBe(0);
    expect(pace.window(0)).toBe(256);
  });

  it("takes one turn's acks as spread over at least 100 ms, and starts over on a new connection", () => {
    pace.answered(50);
    expect(pace.rate()).toBe(500);
    expect(pace.window(0)).toBe(1_024);
    pace.reset();
    expect(pace.rate()).toBe(0);
    expect(pace.window(0)).toBe(256);
  });

  it('never goes past the maximum a caller gave, and a window given alone is the window', () => {
    const fixed = new AckPace(clock, resolveOptions({ pipelineWindow: 8 }));
    fixed.answered(1_000);
    expect(fixed.window(0)).toBe(8);
    const capped = new AckPace(clock, resolveOptions({ pipelineWindow: 8, pipelineWindowMax: 64 }));
    capped.answered(1_000);
    expect(capped.window(0)).toBe(64);
  });
});

describe('review23: AckPace on the core clock (Date.now, a wall clock)', () => {
  it('a clock stepped back (NTP, a resume, a time set by hand) does not inflate the pace', () => {
    // The core's clock is Date.now() (node-ports.ts). Batches stamped before a step back are never
    // older than SPAN_MS again until the clock catches up, and every later batch queues behind them
    // (dropped from the front only), so the pace counts every ack since the step over at most a second.
    acks(60, 10_000);
    expect(pace.window(0)).toBe(256);
    clock.advance(-60_000);
    acks(60, 3_000);
    // The server still answers 60 a second: 150 in 2.5 s, the window stays at 256.
    expect({ rate: Math.round(pace.rate()), window: pace.window(0) }).toEqual({ rate: 60, window: 256 });
  });
});
