/**
 * Sends the receipts we owe (DELIVERED for what arrived, READ for what was looked at) from their
 * durable queue whenever connected. The server ignores repeats, so a resend is always safe.
 *
 * A RATE_LIMITED refusal says when the allowance comes back (`retryAfterMs`): the rest wait that long,
 * as the outbox does, instead of a backoff that may come back sooner, into the same block.
 */
import { ErrorCode, MessageDeliveryStatus, MessageEvent, SimpleAck } from '../../src-shared/protocol';
import type { LocalStore } from '../store/store';
import { emitAndAwaitAck, isPermanentRefusal } from './ack';
import type { RelaySocket } from './connection';
import type { ReportFault } from './guard';
import { backoffDelay, type ResolvedOptions } from './options';
import type { Clock } from './ports';
import { writeTogether } from './write-together';

const BATCH = 64;

export class ReceiptSender {
  private running = false;
  private soon: NodeJS.Immediate | null = null;
  private again = false;
  private retryTimer: unknown = null;
  private failures = 0;
  private disposed = false;

  constructor(
    private readonly store: LocalStore,
    private readonly clock: Clock,
    private readonly options: ResolvedOptions,
    private readonly socket: () => RelaySocket | null,
    private readonly fault: ReportFault,
    /**
     * While true (a catch-up runs) nothing is sent: what is owed stays in its durable queue for the
     * next kick, which the catch-up gives when it ends. One socket.io event and its ack per message
     * caught up, in both processes, was ~13 % of the app's time in bench figure 13's catch-up; a
     * sender sees "delivered" a few seconds later instead.
     */
    private readonly held: () => boolean = () => false,
  ) {}

  /**
   * kick() once this turn of the loop is done: for what arrives live. The UI hears of the message first
   * (the receipt's read of its queue, encoding and socket write came before it, bench figure 2), and the
   * receipts owed by everything handled in the turn go in one flush.
   */
  kickSoon(): void {
    if (this.disposed || this.soon !== null) return;
    this.soon = setImmediate(() => {
      this.soon = null;
      this.kick();
    });
  }

  kick(): void {
    if (this.disposed || this.held()) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.flush()
      .catch((error: unknown) => {
        this.fault('sending receipts', error);
        this.retryLater();
      })
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  dispose(): void {
    this.disposed = true;
    if (this.soon !== null) clearImmediate(this.soon);
    this.soon = null;
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async flush(): Promise<void> {
    for (;;) {
      const socket = this.socket();
      if (!socket || this.disposed || this.held()) return;
      const batch = this.store.pendingReceipts(BATCH);
      if (batch.length === 0) return;
      /** The longest wait a RATE_LIMITED refusal in this batch asked for. */
      let limitedFor: number | undefined;
      /** Acknowledged (or refused for good): forgotten together once the batch is settled. */
      const done: typeof batch = [];
      // A batch's receipts leave in one write of the socket (write-together.ts).
      const emitted = writeTogether(socket, batch.length, () =>
        batch.map(async (r) => {
          const event = r.status === 'READ' ? MessageEvent.READ : MessageEvent.DELIVERED;
          const status = r.status === 'READ' ? MessageDeliveryStatus.READ : MessageDeliveryStatus.DELIVERED;
          const outcome = await emitAndAwaitAck(
            socket,
            event,
            { messageId: r.message_id, channelId: r.channel_id, status },
            this.options.ackTimeoutMs,
          );
          if (this.disposed || outcome.kind !== 'ack') return;
          const ack = SimpleAck.safeParse(outcome.response);
          if (ack.success && (ack.data.ok || isPermanentRefusal(ack.data.code))) {
            done.push(r);
            return;
          }
          if (ack.success && !ack.data.ok && ack.data.code === ErrorCode.RATE_LIMITED) {
            const wait = ack.data.retryAfterMs ?? this.options.rateLimitWaitMs;
            limitedFor = Math.max(limitedFor ?? 0, wait);
          }
        }),
      );
      await Promise.all(emitted);
      if (this.disposed) return;
      this.store.receiptsDone(done);
      if (done.length < batch.length) {
        // Rate limited, timed out or disconnected: leave the rest queued and come back later.
        this.retryLater(limitedFor);
        return;
      }
      this.failures = 0;
    }
  }

  /** After `limitedFor` ms when the server said how long to wait, else after the backoff. */
  private retryLater(limitedFor?: number): void {
    if (this.retryTimer !== null || this.disposed) return;
    this.retryTimer = this.clock.setTimeout(
      () => {
        this.retryTimer = null;
        this.kick();
      },
      limitedFor ?? backoffDelay(this.failures++, this.options),
    );
  }
}
