import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { MessageDeliveryStatus } from '../../../src-shared/protocol';
import { waitFor } from '../../../src-shared/testing/wait-for';
import { MAX_QUEUED_WRITES, WriterClient } from './writer-client';
import type { WriteOp } from './writes';

/**
 * A stand-in for worker.ts speaking the same messages: it answers each batch at once with, for
 * every op, the size of the batch it came in; an op for message "fail" fails, one for "crash" ends the
 * thread with exit code 3.
 */
const STAND_IN = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (message) => {
  if (message.type === 'close') return parentPort.close();
  if (message.ops.some((op) => op.messageId === 'crash')) process.exit(3);
  parentPort.postMessage({
    type: 'committed',
    outcomes: message.ops.map((op) =>
      op.messageId === 'fail'
        ? { ok: false, error: { message: 'constraint failed', code: 'SQLITE_CONSTRAINT' } }
        : { ok: true, value: { id: op.messageId, batch: message.ops.length } },
    ),
  });
});
parentPort.postMessage({ type: 'ready' });
`;

const op = (messageId: string): WriteOp => ({
  kind: 'recordReceipt',
  messageId,
  userId: 'u',
  status: MessageDeliveryStatus.DELIVERED,
  at: '2026-01-01T00:00:00.000Z',
});

async function startStandIn(logger?: Logger): Promise<WriterClient> {
  const writer = new WriterClient(new Worker(STAND_IN, { eval: true }), logger);
  await writer.ready;
  return writer;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('WriterClient', () => {
  it("sends a turn's writes as one batch, and gathers the next batch while one is committing", async () => {
    const writer = await startStandIn();
    const first = [writer.run(op('a')), writer.run(op('b'))];
    await nextTurn(); // a and b are with the thread now
    const next = ['c', 'd', 'e'].map((id) => writer.run(op(id)));
    expect(await Promise.all([...first, ...next])).toEqual([
      { id: 'a', batch: 2 },
      { id: 'b', batch: 2 },
      { id: 'c', batch: 3 },
      { id: 'd', batch: 3 },
      { id: 'e', batch: 3 },
    ]);
    await writer.close();
  });

  it('resolves in the order run was called, and rejects only the write that failed', async () => {
    const writer = await startStandIn();
    const settled: string[] = [];
    const writes = ['a', 'fail', 'c'].map((id) =>
      writer.run(op(id)).then(
        () => settled.push(id),
        (error: Error & { code?: string }) => settled.push(`${id}: ${error.message} (${error.code})`),
      ),
    );
    await Promise.all(writes);
    expect(settled).toEqual(['a', 'fail: constraint failed (SQLITE_CONSTRAINT)', 'c']);
    await writer.close();
  });

  it('commits what is queued before closing, and refuses writes after', async () => {
    const writer = await startStandIn();
    const queued = writer.run(op('a'));
    const closed = writer.close();
    await expect(writer.run(op('b'))).rejects.toThrow(/not open/);
    await expect(queued).resolves.toEqual({ id: 'a', batch: 1 });
    await closed;
    expect(writer.close()).toBe(closed);
  });

  it('rejects pending and later writes, and logs, when the thread dies', async () => {
    const error = vi.fn();
    const writer = await startStandIn({ error } as unknown as Logger);
    const lost = [writer.run(op('crash')), writer.run(op('b'))];
    await nextTurn();
    const queuedBehind = writer.run(op('c'));
    for (const write of [...lost, queuedBehind]) {
      await expect(write).rejects.toThrow(/writer thread stopped \(it exited with code 3\)/);
    }
    await expect(writer.run(op('d'))).rejects.toThrow(/writer thread stopped/);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]?.[1]).toMatch(/cannot be stored until the server restarts/);
    await writer.close(); // does not hang
  });

  it('does not hang a close whose queued writes die with the thread', async () => {
    const error = vi.fn();
    const writer = await startStandIn({ error } as unknown as Logger);
    const lost = writer.run(op('crash'));
    await writer.close();
    await expect(lost).rejects.toThrow(/exited with code 3/);
    expect(error).toHaveBeenCalledTimes(1);
  });
});

describe('WriterClient back-pressure (issue 11)', () => {
  /** A thread that takes batches and never answers: everything after the first batch waits. */
  const SLOW = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (message) => { if (message.type === 'close') parentPort.close(); });
parentPort.postMessage({ type: 'ready' });
`;

  it('refuses a write with RATE_LIMITED once MAX_QUEUED_WRITES are waiting, and keeps the ones it took', async () => {
    const worker = new Worker(SLOW, { eval: true });
    const writer = new WriterClient(worker);
    await writer.ready;
    const inFlight = writer.run(op('first'));
    inFlight.catch(() => {});
    await nextTurn(); // 'first' is with the thread, which never answers
    const waiting = Array.from({ length: MAX_QUEUED_WRITES }, (_, i) => writer.run(op(`w${i}`)));
    for (const write of waiting) write.catch(() => {});
    await expect(writer.run(op('one too many'))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await worker.terminate();
    // The queued ones were not dropped: they fail only because the thread is gone.
    await expect(waiting[0]).rejects.toThrow(/writer thread stopped/);
  });
});

describe('WriterClient, search read-your-writes', () => {
  /**
   * Answers batches at once; holds each `index` request until the test posts `flush`, then answers them
   * all and tells the test how many it held.
   */
  const INDEXING = `
const { parentPort } = require('node:worker_threads');
let held = 0;
parentPort.on('message', (message) => {
  if (message.type === 'close') return parentPort.close();
  if (message.type === 'index') return held++;
  if (message.type === 'flush') {
    parentPort.postMessage({ type: 'held', count: held });
    for (; held > 0; held--) parentPort.postMessage({ type: 'indexed', ok: true });
    return;
  }
  parentPort.postMessage({ type: 'committed', outcomes: message.ops.map(() => ({ ok: true, value: 1 })) });
});
parentPort.postMessage({ type: 'ready' });
`;

  it('waits for the index of the writes answered before, asks once for many searches, and not again', async () => {
    const worker = new Worker(INDEXING, { eval: true });
    const writer = new WriterClient(worker);
    await writer.ready;
    const heldCounts: number[] = [];
    worker.on('message', (message: { type: string; count?: number }) => {
      if (message.type === 'held') heldCounts.push(message.count!);
    });
    const flush = async () => {
      const before = heldCounts.length;
      worker.postMessage({ type: 'flush' });
      await waitFor(() => heldCounts.length > before, 'the stand-in to answer flush');
    };
    await writer.indexed(); // nothing answered yet: no request
    await writer.run(op('a'));
    let settled = 0;
    const searches = [writer.indexed(), writer.indexed()].map((p) => p.then(() => settled++));
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    expect(settled).toBe(0); // the thread has not said the index holds 'a'
    await flush();
    await Promise.all(searches);
    expect(heldCounts).toEqual([1]); // two searches, one request
    await writer.indexed(); // nothing answered since: resolves without a request
    await flush();
    expect(heldCounts).toEqual([1, 0]);
    await writer.close();
  });

  it('does not keep a search waiting once the thread has died', async () => {
    const worker = new Worker(INDEXING, { eval: true });
    const writer = new WriterClient(worker);
    await writer.ready;
    await writer.run(op('a'));
    const search = writer.indexed();
    await worker.terminate();
    await expect(search).resolves.toBeUndefined();
    await expect(writer.indexed()).resolves.toBeUndefined();
  });
});
