/**
 * Keeps duplicate receipts off the writer. A receipt is idempotent and monotonic in the store, but
 * each call was still a job on the writer thread: a flood of duplicates inside the allowance (1,000 a
 * socket in 10 s) queued a thousand no-op writes ahead of other users' sends (issue 11, figure 11:
 * alice's send-ack p99 12.9× its figure without the flood). Two things stop them here:
 * - one in flight: a duplicate arriving while the same receipt is being written waits for that write
 *   and forwards nothing (the write that changed something forwards it);
 * - known: the highest status this process has seen stored for (message, reader). Statuses only go up,
 *   on every instance, so a receipt at or below it is a no-op, answered without the writer. The map is
 *   bounded (oldest forgotten first): forgetting costs one idempotent write, never a wrong answer.
 */
import { STATUS_RANK } from '../../src-shared/protocol';
import type { ReceiptResult, ReceiptStatus, Store } from '../store/types';

/** Enough for every receipt of a busy minute or so; about 100 bytes each. */
const KNOWN_CAPACITY = 20_000;

const rank = (status: ReceiptStatus) => STATUS_RANK[status];

/** What a receipt did: `changed` with what to forward, or nothing new. */
export type Recorded = (ReceiptResult & { changed: true }) | { changed: false };

export class ReceiptWrites {
  private readonly known = new Map<string, ReceiptStatus>();
  private readonly writing = new Map<string, Promise<ReceiptResult>>();

  constructor(
    private readonly store: Pick<Store, 'recordReceipt'>,
    private readonly capacity = KNOWN_CAPACITY,
  ) {}

  async record(messageId: string, userId: string, status: ReceiptStatus, at: string): Promise<Recorded> {
    const reader = `${messageId}:${userId}`;
    const stored = this.known.get(reader);
    if (stored && rank(stored) >= rank(status)) return { changed: false };
    const key = `${reader}:${status}`;
    const inFlight = this.writing.get(key);
    if (inFlight) {
      await inFlight;
      return { changed: false };
    }
    const write = this.store.recordReceipt(messageId, userId, status, at);
    this.writing.set(key, write);
    try {
      const result = await write;
      this.remember(reader, result.status);
      return result.changed ? { ...result, changed: true } : { changed: false };
    } finally {
      this.writing.delete(key);
    }
  }

  private remember(reader: string, status: ReceiptStatus): void {
    const before = this.known.get(reader);
    if (before && rank(before) >= rank(status)) return;
    this.known.delete(reader); // re-inserted as the newest
    this.known.set(reader, status);
    if (this.known.size > this.capacity) this.known.delete(this.known.keys().next().value as string);
  }
}
