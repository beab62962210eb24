/**
 * Fan-out to one channel: pool[0] sends, every other pooled socket is a member that receives.
 *
 * - throughput: `burst` messages with at most `window` not yet delivered to every member; deliveries
 *   a second = deliveries ÷ (last delivery − first send).
 * - latency: `paced` messages one at a time; emit → the last member's delivery.
 */
import { MessageEvent } from '../../src-shared/protocol';
import { createHistogram, type LatencySummary, recordMs, summarize } from '../lib/stats';
import { isNewMessage, onFrames, pool, reserveSeqs, sendPayload, seqOf } from './pool';

export interface FanoutArgs {
  channelId: string;
  burst: number;
  window: number;
  paced: number;
  warmup: number;
  timeoutMs: number;
}

export interface FanoutResult {
  recipients: number;
  deliveries: number;
  expectedDeliveries: number;
  deliveriesPerSecond: number;
  throughputSeconds: number;
  lastRecipient: LatencySummary;
}

export async function fanout(args: FanoutArgs): Promise<FanoutResult> {
  const sender = pool[0]!;
  const recipients = pool.length - 1;
  const deadline = performance.now() + args.timeoutMs;

  // One pass of `count` messages; `inFlight` bounds how many are not yet complete.
  const run = async (count: number, inFlight: number, onComplete: (ms: number) => void) => {
    const first = reserveSeqs(count);
    const received = new Uint32Array(count);
    const sentAt = new Float64Array(count);
    let deliveries = 0;
    let sent = 0;
    let complete = 0;
    let lastDelivery = 0;
    let wake: (() => void) | null = null;
    const sendNext = () => {
      const i = sent++;
      sentAt[i] = performance.now();
      sender.emit(MessageEvent.SEND, sendPayload(args.channelId, first + i), () => {});
    };
    onFrames((frame, index) => {
      if (index === 0 || !isNewMessage(frame)) return;
      const i = seqOf(frame) - first;
      if (i < 0 || i >= count) return;
      deliveries++;
      lastDelivery = performance.now();
      if (++received[i]! === recipients) {
        complete++;
        onComplete(lastDelivery - sentAt[i]!);
        wake?.();
      }
    });
    const start = performance.now();
    while (complete < count && performance.now() < deadline) {
      while (sent < count && sent - complete < inFlight) sendNext();
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, 1_000);
      });
      clearTimeout(timer);
    }
    onFrames(null);
    return { deliveries, seconds: (lastDelivery - start) / 1000, expected: count * recipients };
  };

  await run(args.warmup, 1, () => {});
  const histogram = createHistogram();
  const paced = await run(args.paced, 1, (ms) => recordMs(histogram, ms));
  const burst = await run(args.burst, args.window, () => {});
  return {
    recipients,
    deliveries: burst.deliveries + paced.deliveries,
    expectedDeliveries: burst.expected + paced.expected,
    deliveriesPerSecond: burst.deliveries / burst.seconds,
    throughputSeconds: burst.seconds,
    lastRecipient: summarize(histogram),
  };
}
