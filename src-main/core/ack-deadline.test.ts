/**
 * AckDeadlines on the manual clock, with a scripted socket whose emits the test answers in any order
 * (socket.io's own timer is the backstop, not run here): which sends time out, when, and which are stalls.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AckOutcome } from './ack';
import { AckDeadlines, BACKSTOP_TIMEOUTS, SLOWEST_PACE } from './ack-deadline';
import type { RelaySocket } from './connection';
import { silentLogger } from './ports';
import { createManualClock, type ManualClock } from './testing/manual-clock';

const T = 10_000;
let clock: ManualClock;
let connected: boolean;
let answers: ((err: Error | null, r?: unknown) => void)[];
let backstops: number[];
let stalls: number;
let deadlines: AckDeadlines;
let outcomes: (AckOutcome['kind'] | undefined)[];

const socket = {
  get connected() {
    return connected;
  },
  timeout: (ms: number) => ({
    emit(_event: string, _payload: unknown, cb: (err: Error | null, r?: unknown) => void) {
      backstops.push(ms);
      answers.push(cb);
    },
  }),
} as unknown as RelaySocket;

beforeEach(() => {
  clock = createManualClock();
  connected = true;
  answers = [];
  backstops = [];
  stalls = 0;
  outcomes = [];
  deadlines = new AckDeadlines({
    clock,
    options: { ackTimeoutMs: T },
    logger: silentLogger,
    stalled: () => stalls++,
  });
});

function emit(n: number): void {
  for (let i = 0; i < n; i++) {
    const at = outcomes.push(undefined) - 1;
    void deadlines.emit(socket, 'message:send', {} as never).then((o) => {
      outcomes[at] = o.kind;
    });
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const ack = (i: number) => answers[i]!(null, { ok: true });

describe('AckDeadlines', () => {
  it('a send behind others is not late while the oldest is answered within an ack timeout of becoming the oldest', async () => {
    emit(5);
    expect(backstops).toEqual(Array(5).fill(BACKSTOP_TIMEOUTS * T));
    for (let i = 0; i < 5; i++) {
      clock.advance(T - 1);
      ack(i);
    }
    await flush();
    // The last was answered ~50 s after its emit: five ack timeouts, none timed out.
    expect({ outcomes, stalls }).toEqual({ outcomes: Array(5).fill('ack'), stalls: 0 });
  });

  it('the oldest alone times out an ack timeout after it became the oldest while later ones are answered: no stall', async () => {
    emit(3);
    clock.advance(1_000);
    ack(1);
    clock.advance(T - 1_001);
    await flush();
    expect(outcomes).toEqual([undefined, 'ack', undefined]);
    clock.advance(1);
    await flush();
    expect({ outcomes, stalls }).toEqual({ outcomes: ['timeout', 'ack', undefined], stalls: 0 });
    // The next became the oldest just now: it has a whole ack timeout again.
    clock.advance(T - 1);
    ack(2);
    await flush();
    expect(outcomes[2]).toBe('ack');
  });

  it('nothing answered for an ack timeout: everything waiting times out at once, one stall', async () => {
    emit(2);
    clock.advance(5_000);
    emit(2);
    clock.advance(T - 5_000);
    await flush();
    expect({ outcomes, stalls }).toEqual({ outcomes: Array(4).fill('timeout'), stalls: 1 });
    // socket.io's calls back after the recycle are ignored.
    connected = false;
    for (const answer of answers) answer(new Error('transport close'));
    await flush();
    expect(outcomes).toEqual(Array(4).fill('timeout'));
  });

  it("after a cut, the new connection's first deadline allows for what the server still holds", async () => {
    emit(1_024);
    connected = false;
    for (const answer of answers) answer(new Error('transport close'));
    await flush();
    expect(outcomes.every((o) => o === 'disconnected')).toBe(true);
    connected = true;
    deadlines.connected();
    emit(1);
    const grace = (T * 1_024) / SLOWEST_PACE; // 40 s: 1,024 at 25.6 a second
    clock.advance(T + grace - 1);
    await flush();
    expect({ first: outcomes[1_024], stalls }).toEqual({ first: undefined, stalls: 0 });
    // Its first answer ends the allowance: the next waits an ack timeout from its emit, as usual.
    ack(1_024);
    emit(1);
    clock.advance(T);
    await flush();
    expect({ outcomes: outcomes.slice(1_024), stalls }).toEqual({ outcomes: ['ack', 'timeout'], stalls: 1 });
  });

  it('after a cut of 16 batches of 64, the first deadline allows for 1,024 sends held, not for 16', async () => {
    for (let i = 0; i < 16; i++) {
      const at = outcomes.push(undefined) - 1;
      void deadlines.emit(socket, 'message:send:batch', {} as never, 64).then((o) => {
        outcomes[at] = o.kind;
      });
    }
    connected = false;
    for (const answer of answers) answer(new Error('transport close'));
    await flush();
    connected = true;
    deadlines.connected();
    emit(1);
    const grace = (T * 1_024) / SLOWEST_PACE;
    clock.advance(T + grace - 1);
    await flush();
    expect({ first: outcomes[16], stalls }).toEqual({ first: undefined, stalls: 0 });
    clock.advance(1);
    await flush();
    expect({ first: outcomes[16], stalls }).toEqual({ first: 'timeout', stalls: 1 });
  });

  it('the wall clock stepped back or forward moves no deadline', async () => {
    emit(1);
    clock.stepWall(-60_000);
    clock.advance(T - 1);
    clock.stepWall(+120_000);
    await flush();
    expect(outcomes).toEqual([undefined]);
    clock.advance(1);
    await flush();
    expect(outcomes).toEqual(['timeout']);
  });

  it("socket.io's backstop running out is a timeout, a stall only when nothing was answered for an ack timeout", async () => {
    emit(2);
    clock.advance(T - 1);
    ack(0);
    answers[1]!(new Error('operation has timed out'));
    await flush();
    expect({ outcomes, stalls }).toEqual({ outcomes: ['ack', 'timeout'], stalls: 0 });
  });
});

describe('review24b', () => {
  it('a half-open connection with 20 channels of 1,024 in flight is taken for stalled within two ack timeouts of its last answer', async () => {
    emit(20 * 1_024);
    // Answered in order for a while, the last answer not the oldest's (a later one, out of order).
    for (let i = 0; i < 500; i++) {
      clock.advance(10);
      ack(i);
    }
    clock.advance(10);
    ack(700);
    const lastAnswer = clock.monotonic();
    await flush();
    clock.advance(2 * T);
    await flush();
    expect(stalls).toBe(1);
    expect(outcomes.filter((o) => o === undefined)).toEqual([]);
    expect(clock.monotonic() - lastAnswer).toBe(2 * T);
  });
});
