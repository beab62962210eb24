/**
 * send → receive latency, all timed in this one process (one clock for sender and receiver).
 *
 * - idle: one message in flight; the next is sent `gapMs` after the previous arrived (one-in-flight.ts).
 *   Nothing queues, so there is no coordinated omission to correct; latency runs from the actual send.
 * - load: an open-loop schedule of `rate` messages a second from random senders, whatever the
 *   server's answers; each delivery's latency runs from the message's *intended* send time, so a
 *   stall is charged to every message it delayed (coordinated-omission correction, as in wrk2).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { MessageEvent } from '../../src-shared/protocol';
import { createHistogram, type LatencySummary, recordMs, summarize } from '../lib/stats';
import { OneInFlight } from './one-in-flight';
import { isNewMessage, onFrames, pool, reserveSeqs, sendPayload, seqOf } from './pool';
import { rawSocket } from './sio-lite';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface IdleArgs {
  /** 'sio': pool[0] sends to `channelId`, pool[1] receives. 'ws': a raw echo round trip to `url`. */
  mode: 'sio' | 'ws';
  url?: string;
  channelId?: string;
  warmup: number;
  count: number;
  gapMs: number;
  timeoutMs: number;
}

export async function idleLatency(args: IdleArgs): Promise<LatencySummary & { lost: number }> {
  const flight = new OneInFlight(args);
  const onArrival = (frame: Buffer) => flight.arrived(seqOf(frame));
  let send: (seq: number) => void;
  let echo: WebSocket | null = null;
  if (args.mode === 'ws') {
    echo = await rawSocket(args.url!, onArrival);
    const socket = echo;
    send = (seq) => socket.send(`42${JSON.stringify([MessageEvent.SEND, sendPayload('echo', seq)])}`);
  } else {
    const [sender, receiver] = [pool[0]!, pool[1]!];
    if (!receiver) throw new Error('idle latency needs two connected sockets');
    onFrames((frame, index) => {
      if (index === 1 && isNewMessage(frame)) onArrival(frame);
    });
    send = (seq) => sender.emit(MessageEvent.SEND, sendPayload(args.channelId!, seq), () => {});
  }
  const result = await flight.run(send);
  onFrames(null);
  echo?.terminate();
  return result;
}

export interface LoadArgs {
  /** Channel of every pooled socket (index-aligned with the pool). */
  channelOf: string[];
  /** How many other sockets receive a message sent in each channel. */
  recipientsOf: Record<string, number>;
  rate: number;
  warmupSeconds: number;
  seconds: number;
  /** How long to wait for stragglers after the last send. */
  drainMs: number;
}

export interface LoadResult extends LatencySummary {
  sent: number;
  expectedDeliveries: number;
  deliveries: number;
  /**
   * Deliveries still missing `drainMs` after the last send. Each is recorded in the histogram at the
   * time waited so far (a lower bound), so the percentiles never look better for what never came.
   */
  undelivered: number;
  /** The load generator's own event-loop delay over the run (ms): its stalls are in every latency. */
  loopDelayP99: number;
  loopDelayMax: number;
  /** Sends the schedule made later than 5 ms after their intended time (the load generator lagging). */
  lateSends: number;
  seconds: number;
}

export async function loadLatency(args: LoadArgs): Promise<LoadResult> {
  const histogram = createHistogram();
  const total = Math.ceil(args.rate * (args.warmupSeconds + args.seconds));
  const warmupCount = Math.ceil(args.rate * args.warmupSeconds);
  const first = reserveSeqs(total);
  const intended = new Float64Array(total);
  const expected = new Uint16Array(total);
  const received = new Uint16Array(total);
  let deliveries = 0;
  let expectedDeliveries = 0;
  onFrames((frame) => {
    if (!isNewMessage(frame)) return;
    const i = seqOf(frame) - first;
    if (i < 0 || i >= total) return;
    if (i >= warmupCount) {
      deliveries++;
      received[i]!++;
      recordMs(histogram, performance.now() - intended[i]!);
    }
  });

  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const interval = 1000 / args.rate;
  const start = performance.now() + 20;
  let i = 0;
  let lateSends = 0;
  while (i < total) {
    const now = performance.now();
    // Bounded: the schedule ends at `total`, and a sender that falls behind still only sends what is due.
    while (i < total && start + i * interval <= now) {
      const due = start + i * interval;
      if (now - due > 5) lateSends++;
      intended[i] = due;
      const socketIndex = Math.floor(Math.random() * pool.length);
      const channelId = args.channelOf[socketIndex]!;
      const socket = pool[socketIndex]!;
      if (socket.connected) {
        socket.emit(MessageEvent.SEND, sendPayload(channelId, first + i), () => {});
        expected[i] = args.recipientsOf[channelId] ?? 0;
        if (i >= warmupCount) expectedDeliveries += expected[i]!;
      }
      i++;
    }
    await sleep(Math.max(0, Math.min(1, start + i * interval - performance.now())));
  }
  const drainUntil = performance.now() + args.drainMs;
  while (deliveries < expectedDeliveries && performance.now() < drainUntil) await sleep(10);
  onFrames(null);
  loopDelay.disable();
  const givenUpAt = performance.now();
  let undelivered = 0;
  for (let m = warmupCount; m < total; m++) {
    for (let missing = expected[m]! - received[m]!; missing > 0; missing--) {
      undelivered++;
      recordMs(histogram, givenUpAt - intended[m]!);
    }
  }
  return {
    ...summarize(histogram),
    sent: total - warmupCount,
    expectedDeliveries,
    deliveries,
    undelivered,
    loopDelayP99: loopDelay.percentile(99) / 1e6,
    loopDelayMax: loopDelay.max / 1e6,
    lateSends,
    seconds: args.seconds,
  };
}
