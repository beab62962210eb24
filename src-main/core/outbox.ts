/**
 * Flushes the durable outbox whenever connected: FIFO per channel, channels in parallel, each
 * channel pipelined up to a bounded window, every emit acknowledged within a timeout.
 *
 * Exactly-once rests on the server: a clientMessageId sent again returns the first message, so a
 * resend after a lost ack, a timeout or a crash is always safe.
 *
 * Order by construction: every send carries this device's id and its number in the channel
 * (store/device-sequence.ts), and the server takes it only as the next one; a send refused while later
 * ones are in flight makes those come back OUT_OF_ORDER, and once the channel has nothing in flight it
 * resends from the gap the server named (outbox-order.ts). After RATE_LIMITED every channel waits the
 * server's retryAfterMs and then sends one at a time for a while (send-pacer.ts). A server that ignores
 * the numbers still gets the older guard: after a refusal the channel drops to a window of one.
 *
 * Acks that arrive together (one socket read, one event-loop turn) are applied as one batch: one
 * transaction, then the UI events. A message leaves the in-flight set only once its ack is
 * committed, so a rescan of the channel can never pick it up again.
 */
import {
  MessageDeliveryStatus,
  MessageEvent,
  type MessageSent,
  SendAck,
  SendMessagePayload,
} from '../../src-shared/protocol';
import type { LocalStore, MessageRow, OutboxRow } from '../store/store';
import { type AckOutcome, emitAndAwaitAck, isPermanentRefusal } from './ack';
import type { RelaySocket } from './connection';
import type { ReportFault } from './guard';
import { backoffDelay, type ResolvedOptions } from './options';
import { resendFromGap } from './outbox-order';
import type { Clock, Logger } from './ports';
import { SendPacer } from './send-pacer';

export interface OutboxDeps {
  clock: Clock;
  options: ResolvedOptions;
  logger: Logger;
  socket(): RelaySocket | null;
  /** A message's view changed (failed). */
  changed(row: MessageRow): void;
  /** Acks (`ok`) to apply in one transaction, UI events after the commit. */
  applyAcks(acks: MessageSent[]): void;
  countsChanged(): void;
  /** An ack never came although the socket says it is connected. */
  stalled(): void;
  fault: ReportFault;
}

/** One channel's sends in flight, and the outbox `device_seq` the next pump continues after. */
interface Lane {
  flying: Set<string>;
  /**
   * Everything pending up to this number is in flight or acked: the pump asks only for what comes
   * after it. `null` after anything that may leave a pending row behind (a refusal, a timeout, a
   * retry by hand): the next pump reads the channel from its head again.
   */
  after: number | null;
  /** OUT_OF_ORDER said the server expects this number next: resend from it once nothing is in flight. */
  gap?: number;
  /**
   * Slow start: a connection begins with one send in flight per channel and allows one more with each
   * accepted send, up to pipelineWindow. A backlog resent into a limit it does not know about (a fresh
   * start, a restart during a block) then meets it with a few refusals, not with the whole pipeline.
   */
  window: number;
}

export class OutboxSender {
  private readonly lanes = new Map<string, Lane>();
  private readonly wakeTimers = new Map<string, unknown>();
  private readonly cautious = new Set<string>();
  private readonly pacer: SendPacer;
  private expiryTimer: unknown = null;
  /** Acks waiting for this turn's batch; `row` when the ack answers one of our emits. */
  private acks: { ack: MessageSent; row?: OutboxRow }[] = [];
  private disposed = false;

  constructor(
    private readonly store: LocalStore,
    private readonly deps: OutboxDeps,
  ) {
    this.pacer = new SendPacer(store.sequence, deps.clock);
  }

  /** Try every channel from its head (connected, retry requested, a backoff over). */
  kick(): void {
    this.expireOverdue();
    for (const lane of this.lanes.values()) lane.after = null;
    for (const channelId of this.store.pendingChannels()) this.pump(channelId);
  }

  /** A message was just queued in this channel: it goes behind what is there. */
  queued(channelId: string): void {
    if (this.expiryTimer === null) this.expireOverdue();
    this.pump(channelId);
  }

  /** A fresh connection: what waited for a backoff may go at once. */
  connected(): void {
    for (const lane of this.lanes.values()) lane.window = 1;
    this.store.clearBackoff();
    for (const timer of this.wakeTimers.values()) this.deps.clock.clearTimeout(timer);
    this.wakeTimers.clear();
    this.kick();
  }

  /**
   * An ack for one of our sends, from `message:sent` (this or another of our connections): applied
   * with this turn's batch, where a repeat of an ack already applied changes nothing.
   */
  ackArrived(ack: MessageSent): void {
    this.enqueueAck({ ack });
  }

  dispose(): void {
    for (const timer of this.wakeTimers.values()) this.deps.clock.clearTimeout(timer);
    this.wakeTimers.clear();
    if (this.expiryTimer !== null) this.deps.clock.clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.lanes.clear();
    this.acks = [];
    this.disposed = true;
  }

  private lane(channelId: string): Lane {
    let lane = this.lanes.get(channelId);
    if (!lane) {
      lane = { flying: new Set(), after: null, window: 1 };
      this.lanes.set(channelId, lane);
    }
    return lane;
  }

  private pump(channelId: string): void {
    if (this.disposed || !this.deps.socket()) return;
    const lane = this.lane(channelId);
    const window = this.cautious.has(channelId)
      ? 1
      : Math.min(lane.window, this.pacer.window(this.deps.options.pipelineWindow));
    if (lane.flying.size >= window) return;
    // Out of order: the rest of the pipeline comes back first, then the channel resends from the gap.
    if (lane.gap !== undefined && lane.flying.size > 0) return;
    if (lane.flying.size === 0) {
      lane.after = null;
      if (lane.gap !== undefined) resendFromGap(this.store, channelId, lane);
    }
    const waitUntil = this.pacer.waitUntil();
    if (waitUntil !== undefined) {
      this.wakeAt(channelId, waitUntil);
      return;
    }
    const rows =
      lane.after === null
        ? this.store.pendingIn(channelId, window)
        : this.store.pendingAfter(channelId, lane.after, window - lane.flying.size);
    const now = this.deps.clock.now();
    for (const row of rows) {
      if (lane.flying.has(row.client_message_id)) continue;
      if (lane.flying.size >= window) break;
      if (row.next_attempt_at > now) {
        // Head-of-line: later messages of this channel wait behind this one.
        this.wakeAt(channelId, row.next_attempt_at);
        break;
      }
      lane.flying.add(row.client_message_id);
      lane.after = row.device_seq;
      void this.send(row)
        .then((batched) => {
          if (!batched) this.landed(row);
        })
        .catch((error: unknown) => {
          this.deps.fault('sending a message', error);
          this.landed(row);
        });
    }
  }

  /** A send is over (acked and committed, refused, timed out): its slot is free. */
  private landed(row: OutboxRow): void {
    const lane = this.lanes.get(row.channel_id);
    if (!lane?.flying.delete(row.client_message_id)) return;
    try {
      this.pump(row.channel_id);
    } catch (error) {
      this.deps.fault('sending a message', error);
    }
  }

  /** Emits one message; true when its ack went into the batch (which frees its slot). */
  private async send(row: OutboxRow): Promise<boolean> {
    const socket = this.deps.socket();
    if (!socket) return false;
    const payload = SendMessagePayload.safeParse({
      content: row.content,
      channelId: row.channel_id,
      parentId: row.parent_id ?? undefined,
      deliveryStatus: MessageDeliveryStatus.SENT,
      clientMessageId: row.client_message_id,
      deviceId: this.store.sequence.deviceId(),
      deviceSeq: row.device_seq,
    });
    if (!payload.success) {
      // Queued by an older version with other rules: it can never be sent, so it must not block the channel.
      this.fail(row.client_message_id, 'VALIDATION', payload.error.issues[0]?.message ?? 'Invalid message');
      return false;
    }
    const outcome = await emitAndAwaitAck(
      socket,
      MessageEvent.SEND,
      payload.data,
      this.deps.options.ackTimeoutMs,
    );
    if (this.disposed) return false;
    return this.settle(row, outcome);
  }

  private settle(row: OutboxRow, outcome: AckOutcome): boolean {
    const cmid = row.client_message_id;
    const lane = this.lane(row.channel_id);
    if (outcome.kind === 'disconnected') {
      lane.after = null;
      return false; // stays pending; the next connection sends it
    }
    if (outcome.kind === 'timeout') {
      lane.after = null;
      this.backOff(row);
      this.deps.stalled();
      return false;
    }
    const parsed = SendAck.safeParse(outcome.response);
    if (!parsed.success) {
      this.deps.logger.warn({ clientMessageId: cmid }, 'unreadable send ack');
      lane.after = null;
      this.backOff(row);
      return false;
    }
    const ack = parsed.data;
    if (ack.ok) {
      this.cautious.delete(row.channel_id);
      lane.window = Math.min(lane.window + 1, this.deps.options.pipelineWindow);
      this.enqueueAck({ ack, row });
      return true;
    }
    lane.after = null;
    if (isPermanentRefusal(ack.code)) {
      this.fail(cmid, ack.code, ack.error);
      return false;
    }
    if (ack.code === 'OUT_OF_ORDER' && ack.expectedSeq !== undefined) {
      lane.gap = ack.expectedSeq;
      // This very number was what the server expects: it contradicts itself, so do not spin.
      if (ack.expectedSeq === row.device_seq) this.backOff(row);
      return false;
    }
    this.cautious.add(row.channel_id);
    if (ack.code === 'RATE_LIMITED') {
      const wait = ack.retryAfterMs ?? this.deps.options.rateLimitWaitMs;
      this.pacer.limited(wait);
      this.store.scheduleRetry(cmid, this.deps.clock.now() + wait);
    } else {
      this.backOff(row);
    }
    return false;
  }

  private enqueueAck(entry: { ack: MessageSent; row?: OutboxRow }): void {
    this.acks.push(entry);
    // Acks read from one socket chunk are all settled before this microtask runs.
    if (this.acks.length === 1) queueMicrotask(() => this.flushAcks());
  }

  private flushAcks(): void {
    const batch = this.acks;
    this.acks = [];
    if (this.disposed || batch.length === 0) return;
    try {
      this.deps.applyAcks(batch.map((b) => b.ack));
    } catch (error) {
      // Nothing was committed: the sends stay pending and go again from the head of their channel.
      this.deps.fault('applying acks', error);
      for (const b of batch) if (b.row) this.lane(b.row.channel_id).after = null;
    }
    // Free every slot first, then refill each channel once: one read of the queue per batch.
    const channels = new Set<string>();
    for (const b of batch) {
      if (b.row && this.lanes.get(b.row.channel_id)?.flying.delete(b.row.client_message_id))
        channels.add(b.row.channel_id);
    }
    for (const channelId of channels) {
      try {
        this.pump(channelId);
      } catch (error) {
        this.deps.fault('sending a message', error);
      }
    }
  }

  private backOff(row: OutboxRow): void {
    const delay = backoffDelay(row.attempts, this.deps.options);
    this.store.scheduleRetry(row.client_message_id, this.deps.clock.now() + delay);
  }

  private fail(cmid: string, code: string, message: string): void {
    const row = this.store.markFailed(cmid, code, message);
    if (row) this.deps.changed(row);
    this.deps.countsChanged();
  }

  private wakeAt(channelId: string, at: number): void {
    if (this.wakeTimers.has(channelId)) return;
    const timer = this.deps.clock.setTimeout(
      () => {
        this.wakeTimers.delete(channelId);
        this.kick();
      },
      Math.max(0, at - this.deps.clock.now()),
    );
    this.wakeTimers.set(channelId, timer);
  }

  /** Messages queued longer than the retry window fail, connected or not; then the next check is set. */
  private expireOverdue(): void {
    if (this.disposed) return;
    const { retryWindowMs } = this.deps.options;
    const now = this.deps.clock.now();
    for (const row of this.store.queuedBefore(now - retryWindowMs)) {
      if (!this.isFlying(row))
        this.fail(row.client_message_id, 'TIMEOUT', 'Not sent: the server could not be reached in time');
    }
    if (this.expiryTimer !== null) this.deps.clock.clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    const oldest = this.store.oldestQueuedAt(now - retryWindowMs);
    if (oldest !== undefined) {
      this.expiryTimer = this.deps.clock.setTimeout(
        () => {
          this.expiryTimer = null;
          this.kick();
        },
        Math.max(0, oldest + retryWindowMs - now),
      );
    }
  }

  private isFlying(row: OutboxRow): boolean {
    return this.lanes.get(row.channel_id)?.flying.has(row.client_message_id) ?? false;
  }
}
