/**
 * The idle figures' loop (send → receive, edit → seen): one message in flight at a time. Each round
 * sends the next seq, waits until it is seen (2 s at most, else it is lost), then pauses `gapMs`;
 * the rounds stop at `timeoutMs`. Nothing queues, so latency runs from the actual send.
 */
import { createHistogram, type LatencySummary, recordMs, summarize } from '../lib/stats';
import { reserveSeqs } from './pool';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface OneInFlightArgs {
  warmup: number;
  count: number;
  gapMs: number;
  timeoutMs: number;
}

export class OneInFlight {
  private readonly histogram = createHistogram();
  private readonly first: number;
  private current = 0;
  private sentAt = 0;
  private seen: (() => void) | null = null;

  /** Reserves the seqs of every round now (warm-up included). */
  constructor(private readonly args: OneInFlightArgs) {
    this.first = reserveSeqs(args.warmup + args.count);
  }

  /** A frame with this seq arrived: if it is the one in flight, it is timed (after the warm-up). */
  arrived(seq: number): void {
    if (seq !== this.current) return;
    const elapsed = performance.now() - this.sentAt;
    if (this.current - this.first >= this.args.warmup) recordMs(this.histogram, elapsed);
    this.seen?.();
  }

  /** Runs the rounds, `send(seq)` starting each; the latencies after the warm-up and how many were lost. */
  async run(send: (seq: number) => void): Promise<LatencySummary & { lost: number }> {
    const total = this.args.warmup + this.args.count;
    let lost = 0;
    const deadline = performance.now() + this.args.timeoutMs;
    for (let i = 0; i < total && performance.now() < deadline; i++) {
      this.current = this.first + i;
      let timer: NodeJS.Timeout | undefined;
      const got = new Promise<boolean>((resolve) => {
        this.seen = () => resolve(true);
        timer = setTimeout(() => resolve(false), 2_000);
      });
      this.sentAt = performance.now();
      send(this.current);
      if (!(await got)) lost++;
      clearTimeout(timer);
      this.seen = null;
      await sleep(this.args.gapMs);
    }
    return { ...summarize(this.histogram), lost };
  }
}
