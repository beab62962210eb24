/**
 * The window of sends in flight, capped by the pace of the acks. Each send's ack timer starts at its
 * emit, so a send behind `n` others in flight at a server answering `r` a second waits about `n / r`
 * (Little's law); past the ack timeout it times out and goes again, into a server already behind (stop
 * 22's review: 1,024 in flight at 60 acks a second, the window's tail timed out). So a channel always
 * has `pipelineWindow` (256, as before), and more, up to `pipelineWindowMax`, only while everything in
 * flight on the connection would be answered within PACE_SHARE of the ack timeout at the pace the acks
 * came in the last second. When they slow, the window shrinks back to 256 as they come (nothing is
 * recalled: what was sent stays in flight).
 *
 * Only past 256, because only there is the measure sound: with a backlog and a full window the acks'
 * pace is the server's (its writer is the bottleneck), whereas a few sends typed after a pause are
 * answered at the pace they were sent, which says nothing about how many more the server could take.
 * Slow start, RATE_LIMITED pacing (send-pacer.ts) and a refusal's window of one apply below this cap.
 */
import type { ResolvedOptions } from './options';
import type { Clock } from './ports';

/**
 * The share of the ack timeout a send may expect to wait in flight (2.5 s of 10 s): the acks may slow
 * to a quarter of their pace, all at once, before the window's tail times out. Past 256 needs ~103 acks
 * a second, 1,024 ~410: figure 6's replay acked 494–2,379 a second at load 6 (window23's probe) and
 * ~6,000 quiet, so it reaches 1,024.
 */
export const PACE_SHARE = 0.25;
/** The acks counted for the pace: those of the last second. */
const SPAN_MS = 1_000;
/** One turn's acks alone (the first batch) are taken as spread over at least this long. */
const MIN_SPAN_MS = 100;

type PaceOptions = Pick<ResolvedOptions, 'ackTimeoutMs' | 'pipelineWindow' | 'pipelineWindowMax'>;

export class AckPace {
  /** Acks by the time they came, oldest first, none older than SPAN_MS. */
  private batches: { at: number; count: number }[] = [];
  private counted = 0;
  /** The first ack on this connection: before SPAN_MS of them, the pace is over what there was. */
  private since: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly options: PaceOptions,
  ) {}

  /** `count` of our sends were answered now. */
  answered(count: number): void {
    const now = this.clock.now();
    this.since ??= now;
    const last = this.batches.at(-1);
    if (last?.at === now) last.count += count;
    else this.batches.push({ at: now, count });
    this.counted += count;
  }

  /** A new connection: the last one's pace says nothing about this one. */
  reset(): void {
    this.batches = [];
    this.counted = 0;
    this.since = undefined;
  }

  /**
   * Acks a second over the last second. Measured up to now, not up to the last ack: when the acks stop,
   * the pace falls with every moment that passes without one.
   */
  rate(): number {
    const now = this.clock.now();
    let drop = 0;
    while (drop < this.batches.length && this.batches[drop]!.at <= now - SPAN_MS)
      this.counted -= this.batches[drop++]!.count;
    if (drop > 0) this.batches.splice(0, drop);
    if (this.since === undefined) return 0;
    return (this.counted * 1_000) / Math.min(SPAN_MS, Math.max(MIN_SPAN_MS, now - this.since));
  }

  /** The sends one channel may have in flight while `elsewhere` of the connection's other channels are. */
  window(elsewhere: number): number {
    const { ackTimeoutMs, pipelineWindow, pipelineWindowMax } = this.options;
    const paced = Math.floor((this.rate() * ackTimeoutMs * PACE_SHARE) / 1_000) - elsewhere;
    return Math.min(pipelineWindowMax, Math.max(pipelineWindow, paced));
  }
}
