/**
 * Flushes the durable outbox whenever connected: FIFO per channel, channels in parallel, each
 * channel pipelined up to a bounded window, every emit acknowledged within a timeout.
 *
 * Exactly-once rests on the server: a clientMessageId sent again returns the first message, so a
 * resend after a lost ack, a timeout or a crash is always safe.
 *
 * Order: the transport and the server keep emit order, so timeouts and disconnects cannot reorder
 * a channel. Only a refusal of one message inside a window (RATE_LIMITED, INTERNAL) while a later
 * one is accepted can; after such a refusal the channel drops to a window of one until it is sent.
 */
import { MessageDeliveryStatus, MessageEvent, SendAck, SendMessagePayload } from '../../src-shared/protocol';
import type { LocalStore, MessageRow, OutboxRow, UpsertResult } from '../store/store';
import { type AckOutcome, emitWithAck } from './ack';
import type { RelaySocket } from './connection';
import type { ReportFault } from './guard';
import { backoffDelay, type ResolvedOptions } from './options';
import type { Clock, Logger } from './ports';

export interface OutboxDeps {
  clock: Clock;
  options: ResolvedOptions;
  logger: Logger;
  socket(): RelaySocket | null;
  /** A message's view changed (acked, failed). */
  changed(row: MessageRow, ack?: UpsertResult): void;
  countsChanged(): void;
  /** An ack never came although the socket says it is connected. */
  stalled(): void;
  fault: ReportFault;
}

/** Refusals that will not get better by sending again. */
const PERMANENT = new Set(['VALIDATION', 'FORBIDDEN', 'NOT_FOUND']);

export class OutboxSender {
  private readonly inFlight = new Map<string, Set<string>>();
  private readonly wakeTimers = new Map<string, unknown>();
  private readonly cautious = new Set<string>();
  private expiryTimer: unknown = null;

  constructor(
    private readonly store: LocalStore,
    private readonly deps: OutboxDeps,
  ) {}

  /** Try every channel now (connected, message queued, retry requested). */
  kick(): void {
    this.expireOverdue();
    for (const channelId of this.store.pendingChannels()) this.pump(channelId);
  }

  /** A fresh connection: what waited for a backoff may go at once. */
  connected(): void {
    this.store.clearBackoff();
    for (const timer of this.wakeTimers.values()) this.deps.clock.clearTimeout(timer);
    this.wakeTimers.clear();
    this.kick();
  }

  dispose(): void {
    for (const timer of this.wakeTimers.values()) this.deps.clock.clearTimeout(timer);
    this.wakeTimers.clear();
    if (this.expiryTimer !== null) this.deps.clock.clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.inFlight.clear();
    this.disposed = true;
  }

  private disposed = false;

  private pump(channelId: string): void {
    if (this.disposed || !this.deps.socket()) return;
    const flying = this.inFlight.get(channelId) ?? new Set<string>();
    this.inFlight.set(channelId, flying);
    const window = this.cautious.has(channelId) ? 1 : this.deps.options.pipelineWindow;
    const now = this.deps.clock.now();
    for (const row of this.store.pendingIn(channelId, window)) {
      if (flying.has(row.client_message_id)) continue;
      if (flying.size >= window) break;
      if (row.next_attempt_at > now) {
        // Head-of-line: later messages of this channel wait behind this one.
        this.wakeAt(channelId, row.next_attempt_at);
        break;
      }
      flying.add(row.client_message_id);
      void this.send(row)
        .catch((error: unknown) => this.deps.fault('sending a message', error))
        .finally(() => {
          flying.delete(row.client_message_id);
          try {
            this.pump(channelId);
          } catch (error) {
            this.deps.fault('sending a message', error);
          }
        });
    }
  }

  private async send(row: OutboxRow): Promise<void> {
    const socket = this.deps.socket();
    if (!socket) return;
    const payload = SendMessagePayload.safeParse({
      content: row.content,
      channelId: row.channel_id,
      parentId: row.parent_id ?? undefined,
      deliveryStatus: MessageDeliveryStatus.SENT,
      clientMessageId: row.client_message_id,
    });
    if (!payload.success) {
      // Queued by an older version with other rules: it can never be sent, so it must not block the channel.
      this.fail(row.client_message_id, 'VALIDATION', payload.error.issues[0]?.message ?? 'Invalid message');
      return;
    }
    const outcome = await emitWithAck(
      socket,
      MessageEvent.SEND,
      payload.data,
      this.deps.options.ackTimeoutMs,
    );
    if (this.disposed) return;
    this.settle(row, outcome);
  }

  private settle(row: OutboxRow, outcome: AckOutcome): void {
    const cmid = row.client_message_id;
    if (outcome.kind === 'disconnected') return; // stays pending; the next connection sends it
    if (outcome.kind === 'timeout') {
      this.backOff(row);
      this.deps.stalled();
      return;
    }
    const parsed = SendAck.safeParse(outcome.response);
    if (!parsed.success) {
      this.deps.logger.warn({ clientMessageId: cmid }, 'unreadable send ack');
      this.backOff(row);
      return;
    }
    const ack = parsed.data;
    if (ack.ok) {
      const result = this.store.applyAck(ack);
      this.cautious.delete(row.channel_id);
      if (result) this.deps.changed(result.row, result);
      this.deps.countsChanged();
      return;
    }
    if (PERMANENT.has(ack.code)) {
      this.fail(cmid, ack.code, ack.error);
      return;
    }
    this.cautious.add(row.channel_id);
    if (ack.code === 'RATE_LIMITED') {
      this.store.scheduleRetry(cmid, this.deps.clock.now() + this.deps.options.rateLimitWaitMs);
    } else {
      this.backOff(row);
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
    return this.inFlight.get(row.channel_id)?.has(row.client_message_id) ?? false;
  }
}
