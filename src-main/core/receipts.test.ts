/**
 * ReceiptSender on its own: a real local store (SQLite file), time on a ManualClock, and a scripted
 * socket that records each receipt and lets the test answer it, so a refusal's `retryAfterMs` can be
 * checked against the clock exactly.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, type SimpleAck } from '../../src-shared/protocol';
import type { LocalStore } from '../store/store';
import { storeFolderEachTest, testChannel } from '../store/testing/store-fixture';
import type { RelaySocket } from './connection';
import { type CoreOptions, resolveOptions } from './options';
import { ReceiptSender } from './receipts';
import { createManualClock, type ManualClock } from './testing/manual-clock';

const channel = testChannel();

interface Emit {
  event: string;
  messageId: string;
  answer(response: SimpleAck): void;
}

const folder = storeFolderEachTest('relay-receipts-', { channels: [channel], now: () => clock.now() });
let store: LocalStore;
let clock: ManualClock;
let emits: Emit[];
let faults: unknown[];

const socket = {
  connected: true,
  timeout: () => ({
    emit(event: string, payload: { messageId: string }, cb: (err: Error | null, r?: unknown) => void) {
      emits.push({ event, messageId: payload.messageId, answer: (response) => cb(null, response) });
    },
  }),
} as unknown as RelaySocket;

beforeEach(() => {
  clock = createManualClock();
  store = folder.open();
  emits = [];
  faults = [];
});

// A backoff far shorter than the server's wait: a sender that ignored retryAfterMs would come back early.
const options: CoreOptions = { backoffMinMs: 10, backoffMaxMs: 20, rateLimitWaitMs: 3_000 };

function sender(held: () => boolean = () => false): ReceiptSender {
  return new ReceiptSender(
    store,
    clock,
    resolveOptions(options),
    () => socket,
    (_where, error) => faults.push(error),
    held,
  );
}

/** Lets the acks' promises and the flush's continuation run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const limited = (retryAfterMs?: number): SimpleAck => ({
  ok: false,
  code: ErrorCode.RATE_LIMITED,
  error: 'Too many receipt events',
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

function owe(count: number): string[] {
  return Array.from({ length: count }, () => {
    const id = randomUUID();
    store.queueReceipt(id, channel.id, 'READ');
    return id;
  });
}

describe('ReceiptSender', () => {
  it('waits out the retryAfterMs of a RATE_LIMITED refusal, then sends what is left', async () => {
    const [first, second] = owe(2);
    const receipts = sender();
    receipts.kick();
    expect(emits.map((e) => e.messageId)).toEqual([first, second]);
    emits[0]!.answer({ ok: true });
    emits[1]!.answer(limited(4_000));
    await settle();

    clock.advance(3_999);
    await settle();
    expect(emits).toHaveLength(2); // the backoff (at most 20 ms) would have resent long ago
    clock.advance(1);
    await settle();
    expect(emits.map((e) => e.messageId)).toEqual([first, second, second]);
    emits[2]!.answer({ ok: true });
    await settle();
    expect(store.pendingReceipts(10)).toEqual([]);
    expect(faults).toEqual([]);
    receipts.dispose();
  });

  it('waits the longest retryAfterMs of a batch, and rateLimitWaitMs when a refusal names none', async () => {
    const [a, b] = owe(2);
    const receipts = sender();
    receipts.kick();
    emits[0]!.answer(limited(500));
    emits[1]!.answer(limited());
    await settle();
    clock.advance(2_999);
    await settle();
    expect(emits).toHaveLength(2);
    clock.advance(1);
    await settle();
    expect(emits.slice(2).map((e) => e.messageId)).toEqual([a, b]);
    receipts.dispose();
  });

  it('forgets a batch of acknowledged receipts in one commit, each sent once, and keeps one raised meanwhile', async () => {
    const ids = owe(40);
    const delivered = randomUUID();
    store.queueReceipt(delivered, channel.id, 'DELIVERED');
    const receipts = sender();
    receipts.kick();
    expect(emits.map((e) => e.messageId)).toEqual([...ids, delivered]);
    // Raised to READ while its DELIVERED is on the wire: the DELIVERED's ack must not forget the READ.
    store.queueReceipt(delivered, channel.id, 'READ');
    const commits = vi.spyOn(store, 'transaction');
    for (const e of emits) e.answer({ ok: true });
    await settle();
    // One commit for the batch (figure 13: one autocommit per receipt was a WAL commit each).
    expect(commits).toHaveBeenCalledTimes(1);
    commits.mockRestore();
    // The READ still owed goes next, alone; nothing acknowledged is sent twice.
    expect(emits.slice(41).map((e) => [e.event, e.messageId])).toEqual([['message:read', delivered]]);
    emits[41]!.answer({ ok: true });
    await settle();
    expect(store.pendingReceipts(100)).toEqual([]);
    expect(new Set(emits.map((e) => `${e.event} ${e.messageId}`)).size).toBe(emits.length);
    expect(faults).toEqual([]);
    receipts.dispose();
  });

  it('kickSoon sends once the turn is over, one flush for every kick of the turn', async () => {
    const [first] = owe(1);
    const receipts = sender();
    const reads = vi.spyOn(store, 'pendingReceipts');
    receipts.kickSoon();
    const [second] = owe(1);
    receipts.kickSoon();
    expect(emits).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(emits.map((e) => e.messageId)).toEqual([first, second]);
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
    for (const e of emits) e.answer({ ok: true });
    await settle();
    expect(store.pendingReceipts(10)).toEqual([]);
    receipts.dispose();
  });

  it('kickSoon after dispose sends nothing', async () => {
    owe(1);
    const receipts = sender();
    receipts.kickSoon();
    receipts.dispose();
    await new Promise((resolve) => setImmediate(resolve));
    expect(emits).toEqual([]);
  });

  it('sends nothing while held (a catch-up runs), then everything owed on the next kick', async () => {
    const ids = owe(3);
    let held = true;
    const receipts = sender(() => held);
    receipts.kick();
    receipts.kick();
    await settle();
    // Figure 13: a socket.io event and its ack per message caught up was ~13 % of the catch-up's time.
    expect(emits).toEqual([]);
    held = false;
    receipts.kick();
    expect(emits.map((e) => e.messageId)).toEqual(ids);
    for (const e of emits) e.answer({ ok: true });
    await settle();
    expect(store.pendingReceipts(10)).toEqual([]);
    expect(faults).toEqual([]);
    receipts.dispose();
  });
});
