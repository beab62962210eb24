/**
 * The outbox's ack deadlines, counted from the connection's progress rather than from each emit.
 *
 * A send's own timer starts at its emit, so behind `n` in flight at a server answering `r` a second it
 * waits ~`n / r`, and past the ack timeout it times out and goes again into a server already behind:
 * that held the window of sends in flight at 256 (stop 22's review; stop 23's review, W1–W3). A server
 * that answers in order is not late for the sends it has not reached yet. So here:
 *
 * - The oldest send waiting (in emit order, every channel's: one connection answers them all) times out
 *   once it has waited an ack timeout since it became the oldest (its emit, or the answer or timeout of
 *   the one before it). A server that drops one send while it answers the rest loses only that one.
 * - If then nothing at all was answered for an ack timeout (an ack or a `message:sent`), the connection
 *   is silent: everything waiting times out at once, and it is a stall (the connection is recycled).
 * - A cut leaves the server holding what was in flight (its writer's queue), answered to nobody, ahead of
 *   the next connection's first send: that connection's deadline allows for them at SLOWEST_PACE, until
 *   its first answer (stop 23's review, W2). The backstop below bounds that allowance (its timeout of a
 *   send on a silent connection is a stall too).
 * - Time is the monotonic clock's: a wall clock set back or forward moves no deadline (W4).
 *
 * socket.io's per-emit timer stays as a backstop only. This timer alone covers every send: one is always
 * the oldest and has a deadline here, and each timeout makes the next one the oldest, so every send is
 * answered or times out. But an emit made through socket.io's `timeout()` is also what socket.io calls
 * back at a disconnect (ack.ts), and a backstop keeps a send from waiting forever should this bookkeeping
 * ever lose one. It is long: BACKSTOP_TIMEOUTS ack timeouts.
 */
import { type AckedEvent, type AckedPayload, type AckOutcome, emitWithAck } from './ack';
import type { RelaySocket } from './connection';
import type { ResolvedOptions } from './options';
import type { Clock, Logger } from './ports';

/**
 * The slowest pace allowed for without a timeout: 256 answers an ack timeout (25.6 a second at 10 s),
 * what the fixed window of 256 with a timer per emit allowed its last send (the review measured none
 * timed out down to 40 a second).
 */
export const SLOWEST_PACE = 256;

/**
 * socket.io's own timer, in ack timeouts (60 s at 10 s): 1,024 in flight time out there only below ~17
 * answers a second, under SLOWEST_PACE; a send waiting that long behind a server that slow would have
 * timed out behind the fixed 256 as well.
 */
export const BACKSTOP_TIMEOUTS = 6;

interface Waiting {
  /** Monotonic ms. */
  emittedAt: number;
  /** The sends this emit carries: one, or a batch's items (each held by the server after a cut). */
  sends: number;
  /** Answered, cut, or timed out here (socket.io may still call back: ignored). */
  done: boolean;
  settle(outcome: AckOutcome): void;
}

export interface AckDeadlineDeps {
  clock: Clock;
  options: Pick<ResolvedOptions, 'ackTimeoutMs'>;
  logger: Logger;
  /** Nothing was answered for an ack timeout while sends waited: the connection looks dead. */
  stalled(): void;
}

export class AckDeadlines {
  /**
   * In emit order from `head`; entries before it, and done ones after it, are over. An array with a head,
   * not a Set: V8 keeps a Set's deleted slots at its front until it compacts, so finding the oldest walked
   * past them, at every answer (~16 µs a send at 20 channels × 1,024 in flight; stop 24's review).
   */
  private waiting: Waiting[] = [];
  private head = 0;
  /** When the oldest waiting became the oldest, if not at its emit. */
  private oldestSince = Number.NEGATIVE_INFINITY;
  /** When the connection last answered anything. */
  private answeredAt = Number.NEGATIVE_INFINITY;
  /** Sends cut off unanswered since the last answer: the server may still be working through them. */
  private held = 0;
  /** This connection's allowance for them, until its first answer. */
  private grace = 0;
  private timer: unknown = null;

  constructor(private readonly deps: AckDeadlineDeps) {}

  /**
   * Emits `event` and resolves with its ack, its timeout (deadline above) or the cut. `sends`: how many
   * sends it carries (a batch's items). A batch is answered in one ack, so it waits as one emit, but a
   * cut leaves each of its sends held by the server.
   */
  emit(socket: RelaySocket, event: AckedEvent, payload: AckedPayload, sends = 1): Promise<AckOutcome> {
    if (!socket.connected) return Promise.resolve({ kind: 'disconnected' });
    return new Promise((settle) => {
      const waiting: Waiting = { emittedAt: this.deps.clock.monotonic(), sends, done: false, settle };
      this.waiting.push(waiting);
      if (this.timer === null) this.arm();
      const backstopMs = BACKSTOP_TIMEOUTS * this.deps.options.ackTimeoutMs;
      emitWithAck(socket, event, payload, backstopMs, (outcome) => this.ended(waiting, outcome));
    });
  }

  /** The connection answered something (an ack, or a `message:sent` before its ack). */
  answered(): void {
    this.answeredAt = this.deps.clock.monotonic();
    this.held = 0;
    if (this.grace > 0) {
      this.grace = 0;
      this.rearm();
    }
  }

  /** A fresh connection: its first deadline allows for what the last cut left on the server. */
  connected(): void {
    this.grace = (this.deps.options.ackTimeoutMs * this.held) / SLOWEST_PACE;
    this.rearm();
  }

  dispose(): void {
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    this.waiting = [];
    this.head = 0;
  }

  private ended(waiting: Waiting, outcome: AckOutcome): void {
    if (waiting.done) return;
    this.leave(waiting);
    if (outcome.kind === 'ack') this.answered();
    else if (outcome.kind === 'disconnected') this.held += waiting.sends;
    // socket.io's backstop ran out: a stall only if the connection said nothing for as long.
    else this.timedOut(waiting.sends, this.silent());
    waiting.settle(outcome);
  }

  private leave(waiting: Waiting): void {
    waiting.done = true;
    if (this.waiting[this.head] !== waiting) return;
    this.oldestSince = this.deps.clock.monotonic();
    while (this.head < this.waiting.length && (this.waiting[this.head] as Waiting).done) this.head++;
    // Drop what is over once it is most of the array (amortized O(1) a send).
    if (this.head > 1_024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }

  private oldest(): Waiting | undefined {
    return this.waiting[this.head];
  }

  private deadline(oldest: Waiting): number {
    return Math.max(oldest.emittedAt, this.oldestSince) + this.deps.options.ackTimeoutMs + this.grace;
  }

  private silent(): boolean {
    return this.deps.clock.monotonic() - this.answeredAt >= this.deps.options.ackTimeoutMs;
  }

  /** One timer, for the oldest's deadline; moved on lazily (when it fires), not at every answer. */
  private arm(): void {
    const oldest = this.oldest();
    if (oldest === undefined) return;
    const wait = Math.max(0, this.deadline(oldest) - this.deps.clock.monotonic());
    this.timer = this.deps.clock.setTimeout(() => this.expire(), wait);
  }

  private rearm(): void {
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    this.arm();
  }

  private expire(): void {
    this.timer = null;
    const oldest = this.oldest();
    if (oldest !== undefined && this.deps.clock.monotonic() >= this.deadline(oldest)) {
      const silent = this.silent();
      // Silent: all of them at once (each alone would wait another ack timeout behind the one before).
      const late = silent ? this.waiting.slice(this.head).filter((w) => !w.done) : [oldest];
      for (const waiting of late) this.leave(waiting);
      // Done first: a stall's recycle makes socket.io call them back as cut, which is ignored.
      this.timedOut(
        late.reduce((sends, w) => sends + w.sends, 0),
        silent,
      );
      for (const waiting of late) waiting.settle({ kind: 'timeout' });
    }
    this.arm();
  }

  private timedOut(sends: number, silent: boolean): void {
    const sinceAnswerMs = Math.round(this.deps.clock.monotonic() - this.answeredAt);
    this.deps.logger.warn({ sends, silent, sinceAnswerMs }, 'acks timed out');
    if (silent) this.deps.stalled();
  }
}
