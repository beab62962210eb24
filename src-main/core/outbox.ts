/**
 * Flushes the durable operation queue whenever connected: FIFO per channel, channels in parallel, each
 * channel's sends pipelined up to a bounded window, every emit answered or timed out by the connection's
 * progress (ack-deadline.ts).
 *
 * One queue, typed operations (Signal's JobQueue shape): sends, and changes of messages (edit, delete,
 * react, unreact; change-ops.ts). The server orders sends by their numbers but changes only by their
 * arrival, so a change goes alone: once everything before it in its channel is acknowledged, and nothing
 * behind it goes until it is. An edit therefore never overtakes the send it edits, and a delete queued
 * after an edit is applied after it. Exactly-once for changes rests on their opId, as for sends on the
 * clientMessageId.
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
 * Sends due together in a channel go as one `message:send:batch` where the server announced it
 * (send-batch.ts), one due send always alone; each item's answer is settled as a single send's ack.
 *
 * Acks that arrive together (one socket read, one event-loop turn) are applied as one batch: one
 * transaction, then the UI events. A message leaves the in-flight set only once its ack is
 * committed, so a rescan of the channel can never pick it up again.
 */
import { unlink } from 'node:fs/promises';
import type { z } from 'zod';
import {
  ChangeAck,
  type ChangeApplied,
  MessageDeliveryStatus,
  MessageEvent,
  type MessageSent,
  RelayEvent,
  type RelayFeatures,
  SendAck,
  SendMessagePayload,
} from '../../src-shared/protocol';
import type { LocalStore, MessageRow, OperationRow } from '../store/store';
import { type AckOutcome, isPermanentRefusal } from './ack';
import { AckDeadlines } from './ack-deadline';
import { changeWire } from './change-ops';
import type { RelaySocket } from './connection';
import type { ReportFault } from './guard';
import { backoffDelay, type ResolvedOptions } from './options';
import { resendFromGap } from './outbox-order';
import type { Clock, Logger } from './ports';
import { BatchSupport, batchesOf, outcomesOf } from './send-batch';
import { SendPacer } from './send-pacer';
import type { UploadControl, UploadOutcome } from './upload-op';
import { writeTogether } from './write-together';

export interface OutboxDeps {
  clock: Clock;
  options: ResolvedOptions;
  logger: Logger;
  socket(): RelaySocket | null;
  /** A message's view changed (failed). */
  changed(row: MessageRow): void;
  /** Acks (`ok`) to apply in one transaction, UI events after the commit. */
  applyAcks(acks: MessageSent[]): void;
  /** The server applied one of our changes. */
  changeApplied(op: OperationRow, ack: ChangeApplied): void;
  /** The server refused one of our changes for good (it is already dropped from the queue). */
  changeRefused(op: OperationRow, code: string, message: string): void;
  countsChanged(): void;
  /** An ack never came although the socket says it is connected. */
  stalled(): void;
  /** POSTs an upload operation's file (upload-op.ts). */
  upload(op: OperationRow, control: UploadControl): Promise<UploadOutcome>;
  /** An upload's bytes sent so far (throttled by the receiver). */
  uploadProgress(op: OperationRow, sent: number, total: number): void;
  fault: ReportFault;
}

/** One channel's operations in flight, and the queue place the next pump continues after. */
interface Lane {
  flying: Set<string>;
  /** A change in flight: nothing else of the channel goes until it is acknowledged. */
  change: string | null;
  /**
   * Everything pending up to this number is in flight or acked: the pump asks only for what comes
   * after it. `null` after anything that may leave a pending row behind (a refusal, a timeout, a
   * retry by hand): the next pump reads the channel from its head again.
   */
  after: { device_seq: number; ord: number } | null;
  /** OUT_OF_ORDER said the server expects this number next: resend from it once nothing is in flight. */
  gap?: number;
  /**
   * Slow start: a connection begins with one send in flight per channel and allows one more with each
   * accepted send, up to pipelineWindow. A backlog resent into a limit it does not know about (a fresh
   * start, a restart during a block) then meets it with a few refusals, not with the whole pipeline.
   */
  window: number;
  /**
   * Wall time the channel's head waits for (its backoff; take() set a wake for it). Until then a pump
   * from its head reads nothing: after a timeout every batch of acks pumped, and each read a whole window
   * only to stop at the head (stop 24's review: 60-87k rows for 8,000 sends at 1,024). 0: not waiting.
   * Anything that may change the head (kick, a queued or cancelled operation) clears it.
   */
  headWaitsUntil: number;
}

export class OutboxSender {
  private readonly lanes = new Map<string, Lane>();
  private readonly wakeTimers = new Map<string, unknown>();
  private readonly cautious = new Set<string>();
  /** Uploads in flight, to abort when the user cancels one. */
  private readonly uploads = new Map<string, AbortController>();
  private readonly pacer: SendPacer;
  private readonly deadlines: AckDeadlines;
  private readonly batches = new BatchSupport();
  private expiryTimer: unknown = null;
  /** Acks waiting for this turn's batch; `row` when the ack answers one of our emits. */
  private acks: { ack: MessageSent; row?: OperationRow }[] = [];
  /**
   * `message:sent`s committed whose ack (the same clientMessageId, id and seq) has not come yet: the
   * server writes both, `message:sent` first, so the ack lands in the next batch with nothing left to
   * write (bench figure 6: each replayed message was read again for it). Only a shortcut: an ack not
   * found here goes to the store, which finds a repeat itself.
   */
  private readonly committed = new Map<string, string>();
  private disposed = false;
  /** From a connection until its channel list is saved (`hold`). */
  private held = false;

  constructor(
    private readonly store: LocalStore,
    private readonly deps: OutboxDeps,
  ) {
    this.pacer = new SendPacer(store.sequence, deps.clock);
    this.deadlines = new AckDeadlines({
      clock: deps.clock,
      options: deps.options,
      logger: deps.logger,
      stalled: () => !this.disposed && deps.stalled(),
    });
  }

  /** Try every channel from its head (connected, retry requested, a backoff over). */
  kick(): void {
    this.expireOverdue();
    for (const lane of this.lanes.values()) {
      lane.after = null;
      lane.headWaitsUntil = 0;
    }
    for (const channelId of this.store.pendingChannels()) this.pump(channelId);
  }

  /** A message was just queued in this channel: it goes behind what is there. */
  queued(channelId: string): void {
    if (this.expiryTimer === null) this.expireOverdue();
    this.lane(channelId).headWaitsUntil = 0;
    this.pump(channelId);
  }

  /**
   * A fresh connection whose channel list is not saved yet (account.ts `connected`): nothing goes until
   * `connected`. What waited for a channel left meanwhile is then Failed with the reason, where sent it
   * would be refused, and a refused change is dropped with its text (stop 22's review).
   */
  hold(): void {
    this.held = true;
  }

  /** A fresh connection, its channel list saved: what waited for a backoff may go at once. */
  connected(): void {
    this.held = false;
    for (const lane of this.lanes.values()) lane.window = 1;
    this.deadlines.connected();
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
    this.deadlines.answered();
    this.enqueueAck({ ack });
  }

  /** `relay:features` from `socket`: whether (and how many) sends it takes in one batch. */
  serverFeatures(socket: RelaySocket, features: RelayFeatures): void {
    this.batches.announced(socket, features);
  }

  /** The user cancelled an upload (its row is already gone): an attempt in flight is aborted. */
  cancelUpload(opId: string): void {
    this.uploads.get(opId)?.abort();
  }

  dispose(): void {
    for (const controller of this.uploads.values()) controller.abort();
    this.uploads.clear();
    for (const timer of this.wakeTimers.values()) this.deps.clock.clearTimeout(timer);
    this.wakeTimers.clear();
    if (this.expiryTimer !== null) this.deps.clock.clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.lanes.clear();
    this.acks = [];
    this.committed.clear();
    this.deadlines.dispose();
    this.disposed = true;
  }

  private lane(channelId: string): Lane {
    let lane = this.lanes.get(channelId);
    if (!lane) {
      lane = { flying: new Set(), change: null, after: null, window: 1, headWaitsUntil: 0 };
      this.lanes.set(channelId, lane);
    }
    return lane;
  }

  private pump(channelId: string): void {
    if (this.disposed || this.held || !this.deps.socket()) return;
    const lane = this.lane(channelId);
    const window = this.cautious.has(channelId)
      ? 1
      : Math.min(lane.window, this.pacer.window(this.deps.options.pipelineWindow));
    if (lane.flying.size >= window || lane.change !== null) return;
    // Out of order: the rest of the pipeline comes back first, then the channel resends from the gap.
    if (lane.gap !== undefined && lane.flying.size > 0) return;
    if (lane.flying.size === 0) {
      lane.after = null;
      if (lane.gap !== undefined) {
        resendFromGap(this.store, channelId, lane);
        lane.headWaitsUntil = 0;
      }
    }
    if (lane.after === null && this.deps.clock.now() < lane.headWaitsUntil) return;
    const waitUntil = this.pacer.waitUntil();
    if (waitUntil !== undefined) {
      this.wakeAt(channelId, waitUntil);
      return;
    }
    const rows =
      lane.after === null
        ? this.store.pendingIn(channelId, window)
        : this.store.pendingAfter(channelId, lane.after, window - lane.flying.size);
    const socket = this.deps.socket();
    // A batch of acks frees as many slots: their sends leave in one write (write-together.ts).
    if (socket) writeTogether(socket, rows.length, () => this.take(lane, rows, window));
  }

  /** Sends what `rows` (a channel's next pending operations, in order) and the window allow. */
  private take(lane: Lane, rows: readonly OperationRow[], window: number): void {
    const now = this.deps.clock.now();
    const sends: OperationRow[] = [];
    for (const row of rows) {
      if (lane.flying.has(row.op_id)) continue;
      if (lane.flying.size >= window) break;
      // A change waits until everything before it is acknowledged.
      if (row.kind !== 'send' && lane.flying.size > 0) break;
      if (row.next_attempt_at > now) {
        // Head-of-line: later operations of this channel wait behind this one.
        if (lane.after === null) lane.headWaitsUntil = row.next_attempt_at;
        this.wakeAt(row.channel_id, row.next_attempt_at, row.op_id);
        break;
      }
      lane.flying.add(row.op_id);
      lane.after = { device_seq: row.device_seq, ord: row.ord };
      if (row.kind === 'send') {
        sends.push(row);
        continue;
      }
      lane.change = row.op_id;
      this.track(row, row.kind === 'upload' ? this.upload(row) : this.change(row));
      break;
    }
    if (sends.length > 0) this.sendAll(sends);
  }

  /** Frees `row`'s slot once `work` is over, unless its ack went into the batch (which frees it). */
  private track(row: OperationRow, work: Promise<boolean>): void {
    void work
      .then((batched) => {
        if (!batched) this.landed(row);
      })
      .catch((error: unknown) => {
        this.deps.fault('sending a message', error);
        this.landed(row);
      });
  }

  /** A channel's due sends, in order: in batches where the server takes them, one alone as itself. */
  private sendAll(rows: OperationRow[]): void {
    const socket = this.deps.socket();
    // Without a socket, or on one whose server takes no batches, every batch is one send.
    const maxItems = socket ? this.batches.maxItems(socket) : 1;
    for (const batch of batchesOf(rows, maxItems)) {
      if (!socket || batch.length === 1) this.track(batch[0]!, this.send(batch[0]!));
      else
        this.sendBatch(socket, batch).catch((error: unknown) => {
          // Before its rows were tracked (a throw while emitting): free their slots, as a single's catch does.
          this.deps.fault('sending a message', error);
          for (const row of batch) this.landed(row);
        });
    }
  }

  /** Emits one message; true when its ack went into the batch (which frees its slot). */
  private async send(row: OperationRow): Promise<boolean> {
    const socket = this.deps.socket();
    if (!socket) return false;
    const payload = this.payloadOf(row);
    return payload ? this.emitOne(socket, row, payload) : false;
  }

  /**
   * Emits `rows` as one batch; each row is settled with its own item's answer, as if it had its own ack.
   * Refused whole (nothing of it was handled), this connection goes one by one and the rows go again.
   */
  private async sendBatch(socket: RelaySocket, rows: readonly OperationRow[]): Promise<void> {
    const sent: OperationRow[] = [];
    const items: SendMessagePayload[] = [];
    for (const row of rows) {
      const payload = this.payloadOf(row);
      if (payload) {
        sent.push(row);
        items.push(payload);
      } else this.track(row, Promise.resolve(false));
    }
    if (sent.length === 1) {
      this.track(sent[0]!, this.emitOne(socket, sent[0]!, items[0]!));
      return;
    }
    if (sent.length === 0) return;
    const answers = this.deadlines
      .emit(socket, RelayEvent.SEND_BATCH, { items }, items.length)
      .then((outcome) => {
        const outcomes = outcomesOf(outcome, sent.length);
        if (!outcomes) {
          this.deps.logger.warn({ sends: sent.length }, 'batch refused whole: sending one by one');
          this.batches.refused(socket);
        }
        return outcomes;
      });
    sent.forEach((row, i) => {
      this.track(
        row,
        answers.then((outcomes) => {
          if (this.disposed) return false;
          // Unhandled: as after a cut, it goes again at once (now alone).
          if (!outcomes) return this.settle(row, { kind: 'disconnected' });
          return this.settle(row, outcomes[i]!);
        }),
      );
    });
  }

  /** A single send's emit with its payload made. */
  private async emitOne(
    socket: RelaySocket,
    row: OperationRow,
    payload: SendMessagePayload,
  ): Promise<boolean> {
    const outcome = await this.deadlines.emit(socket, MessageEvent.SEND, payload);
    if (this.disposed) return false;
    return this.settle(row, outcome);
  }

  /** A send's payload; undefined (and the send Failed) if it can never be sent. */
  private payloadOf(row: OperationRow): SendMessagePayload | undefined {
    const payload = SendMessagePayload.safeParse({
      content: row.content,
      channelId: row.channel_id,
      parentId: row.parent_id ?? undefined,
      deliveryStatus: MessageDeliveryStatus.SENT,
      clientMessageId: row.op_id,
      deviceId: this.store.sequence.deviceId(),
      deviceSeq: row.device_seq,
      fileIds: fileIdsOf(row),
    });
    if (payload.success) return payload.data;
    // Queued by an older version with other rules: it can never be sent, so it must not block the channel.
    this.fail(row.op_id, 'VALIDATION', payload.error.issues[0]?.message ?? 'Invalid message');
    return undefined;
  }

  /** An operation is over (acked and committed, refused, timed out): its slot is free. */
  private landed(row: OperationRow): void {
    const lane = this.lanes.get(row.channel_id);
    if (lane?.change === row.op_id) lane.change = null;
    if (!lane?.flying.delete(row.op_id)) return;
    try {
      this.pump(row.channel_id);
    } catch (error) {
      this.deps.fault('sending a message', error);
    }
  }

  /** Emits one change; always false (its ack is applied at once, not batched). */
  private async change(row: OperationRow): Promise<boolean> {
    const socket = this.deps.socket();
    if (!socket) return false;
    const wire = changeWire(this.store, row);
    if (!wire.ok) {
      this.refuse(row, wire.code, wire.message);
      return false;
    }
    const outcome = await this.deadlines.emit(socket, wire.event, wire.payload as never);
    if (this.disposed) return false;
    const ack = this.ackOf(row, outcome, ChangeAck, 'change');
    if (ack?.ok) this.deps.changeApplied(row, ack);
    else if (ack) this.refused(row, ack);
    return false;
  }

  /**
   * Uploads one attached file; always false (nothing is batched). Like a change it goes alone, so its
   * send (right behind it) goes only once every file of the message is on the server.
   */
  private async upload(row: OperationRow): Promise<boolean> {
    const controller = new AbortController();
    this.uploads.set(row.op_id, controller);
    let outcome: UploadOutcome;
    try {
      outcome = await this.deps.upload(row, {
        signal: controller.signal,
        progress: (sent, total) => {
          if (!controller.signal.aborted) this.deps.uploadProgress(row, sent, total);
        },
      });
    } finally {
      this.uploads.delete(row.op_id);
    }
    // Cancelled: its row is gone already, and whatever the request did is of no use now.
    if (this.disposed || controller.signal.aborted) return false;
    if (outcome.kind === 'uploaded') {
      this.store.uploaded(row.op_id, outcome.file);
      // The local copy is no longer needed (a kill -9 before this leaves it for the next start's sweep).
      if (row.file_path) void unlink(row.file_path).catch(() => {});
      this.deps.countsChanged();
    } else if (outcome.kind === 'refused') {
      // For good (too large, quota, type): the message fails with the server's words, its files with it.
      this.lane(row.channel_id).after = null;
      this.store.markFailed(row.op_id, outcome.code, outcome.message);
      this.fail(row.message_key, outcome.code, outcome.message);
    } else {
      // Unreachable, a cut, a 5xx, a short rate limit: the queue's backoff, then the same file again.
      this.lane(row.channel_id).after = null;
      this.backOff(row);
    }
    return false;
  }

  /**
   * No answer came (a cut, a timeout): it stays pending, and goes again (a timeout backs off first).
   * Whether a timeout is a stall, the deadlines decided (ack-deadline.ts).
   */
  private noAnswer(row: OperationRow, why: 'timeout' | 'disconnected'): void {
    this.lane(row.channel_id).after = null;
    if (why === 'timeout') this.backOff(row);
  }

  /** A refusal other than OUT_OF_ORDER: for good (a change is undone, a send Failed), or wait and retry. */
  private refused(row: OperationRow, ack: { code: string; error: string; retryAfterMs?: number }): void {
    this.lane(row.channel_id).after = null;
    if (isPermanentRefusal(ack.code)) {
      if (row.kind === 'send') this.fail(row.op_id, ack.code, ack.error);
      else this.refuse(row, ack.code, ack.error);
      return;
    }
    this.cautious.add(row.channel_id);
    if (ack.code === 'RATE_LIMITED') {
      const wait = ack.retryAfterMs ?? this.deps.options.rateLimitWaitMs;
      this.pacer.limited(wait);
      this.store.scheduleRetry(row.op_id, this.deps.clock.now() + wait);
    } else {
      this.backOff(row);
    }
  }

  private refuse(row: OperationRow, code: string, message: string): void {
    this.store.changes.refused(row.op_id);
    this.deps.changeRefused(row, code, message);
    this.deps.countsChanged();
  }

  /**
   * The ack an emit got, read with its schema; undefined when there was none (the row stays pending, and
   * the next connection or the backoff's end sends it again) or it was unreadable (the lane starts over
   * and the row backs off).
   */
  private ackOf<T>(row: OperationRow, outcome: AckOutcome, schema: z.ZodType<T>, kind: 'send' | 'change') {
    if (outcome.kind !== 'ack') {
      this.noAnswer(row, outcome.kind);
      return undefined;
    }
    const parsed = schema.safeParse(outcome.response);
    if (parsed.success) return parsed.data;
    const id = kind === 'send' ? { clientMessageId: row.op_id } : { opId: row.op_id };
    this.deps.logger.warn(id, `unreadable ${kind} ack`);
    this.lane(row.channel_id).after = null;
    this.backOff(row);
    return undefined;
  }

  private settle(row: OperationRow, outcome: AckOutcome): boolean {
    const ack = this.ackOf(row, outcome, SendAck, 'send');
    if (!ack) return false;
    const lane = this.lane(row.channel_id);
    if (ack.ok) {
      this.cautious.delete(row.channel_id);
      lane.window = Math.min(lane.window + 1, this.deps.options.pipelineWindow);
      this.enqueueAck({ ack, row });
      return true;
    }
    lane.after = null;
    if (ack.code === 'OUT_OF_ORDER' && ack.expectedSeq !== undefined) {
      lane.gap = ack.expectedSeq;
      // This very number was what the server expects: it contradicts itself, so do not spin.
      if (ack.expectedSeq === row.device_seq) this.backOff(row);
      return false;
    }
    this.refused(row, ack);
    return false;
  }

  private enqueueAck(entry: { ack: MessageSent; row?: OperationRow }): void {
    this.acks.push(entry);
    // Acks read from one socket chunk are all settled before this microtask runs.
    if (this.acks.length === 1) queueMicrotask(() => this.flushAcks());
  }

  private flushAcks(): void {
    const batch = this.acks;
    this.acks = [];
    if (this.disposed || batch.length === 0) return;
    try {
      const toWrite = batch.filter((b) => !(b.row && this.wasCommitted(b.ack)));
      if (toWrite.length > 0) this.deps.applyAcks(toWrite.map((b) => b.ack));
      this.remember(batch);
    } catch (error) {
      // Nothing was committed: the sends stay pending and go again from the head of their channel.
      this.deps.fault('applying acks', error);
      for (const b of batch) if (b.row) this.lane(b.row.channel_id).after = null;
    }
    // Free every slot first, then refill each channel once: one read of the queue per batch.
    const channels = new Set<string>();
    for (const b of batch) {
      if (b.row && this.lanes.get(b.row.channel_id)?.flying.delete(b.row.op_id))
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

  private wasCommitted(ack: MessageSent): boolean {
    return ack.clientMessageId !== undefined && this.committed.get(ack.clientMessageId) === ackKey(ack);
  }

  /** After a batch's commit: its `message:sent`s wait for their acks; its acks are done with. */
  private remember(batch: readonly { ack: MessageSent; row?: OperationRow }[]): void {
    // Acks that never come (a cut, a timeout) would leave theirs here: bounded, as it is only a shortcut.
    if (this.committed.size > 4 * this.deps.options.pipelineWindow) this.committed.clear();
    for (const { ack, row } of batch)
      if (!row && ack.clientMessageId !== undefined) this.committed.set(ack.clientMessageId, ackKey(ack));
    for (const { ack, row } of batch)
      if (row && ack.clientMessageId !== undefined) this.committed.delete(ack.clientMessageId);
  }

  private backOff(row: OperationRow): void {
    const delay = backoffDelay(row.attempts, this.deps.options);
    this.store.scheduleRetry(row.op_id, this.deps.clock.now() + delay);
  }

  private fail(opId: string, code: string, message: string): void {
    const row = this.store.markFailed(opId, code, message);
    if (row) this.deps.changed(row);
    this.deps.countsChanged();
  }

  /**
   * Kicks the queue at wall time `at`. `opId`: the operation waiting for it, due once the wait is over as
   * the timer measures it (monotonic): a wall clock set back meanwhile would otherwise hold it until the
   * wall caught up again (stop 24's review: an hour more for an hour set back).
   */
  private wakeAt(channelId: string, at: number, opId?: string): void {
    if (this.wakeTimers.has(channelId)) return;
    const timer = this.deps.clock.setTimeout(
      () => {
        this.wakeTimers.delete(channelId);
        if (opId !== undefined) this.store.dueNow(opId, at);
        this.kick();
      },
      Math.max(0, at - this.deps.clock.now()),
    );
    this.wakeTimers.set(channelId, timer);
  }

  /** Operations queued longer than the retry window fail, connected or not; then the next check is set. */
  private expireOverdue(): void {
    if (this.disposed) return;
    const { retryWindowMs } = this.deps.options;
    const now = this.deps.clock.now();
    for (const row of this.store.queuedBefore(now - retryWindowMs)) {
      if (!this.isFlying(row))
        this.fail(row.op_id, 'TIMEOUT', 'Not sent: the server could not be reached in time');
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

  private isFlying(row: OperationRow): boolean {
    return this.lanes.get(row.channel_id)?.flying.has(row.op_id) ?? false;
  }
}

/** What makes two acks of one message the same: the id and seq the server gave it. */
function ackKey(ack: MessageSent): string {
  return `${ack.messageId} ${ack.seq}`;
}

/** A send's uploaded file ids (none: no files, so the payload keeps no empty list). */
function fileIdsOf(row: OperationRow): string[] | undefined {
  // Most sends carry none: no JSON.parse a send for that (bench figure 6's replay).
  if (row.files_json === '[]') return undefined;
  const files = JSON.parse(row.files_json) as { id: string }[];
  return files.length > 0 ? files.map((f) => f.id) : undefined;
}
