/**
 * review27: one batch of acks on a real SQLite file, holding every case an ack meets at once: receipts
 * before it, an upload's file carried by its send, a send failed (the server had it after all), a send
 * retried to a new place, a send whose row went with a history copy, repeats (the ack and `message:sent`),
 * an unknown message, and a send left queued. The end state is checked against what each case must give,
 * not against another run of the same code: the queue, its counts (held and recounted), the messages,
 * the device numbering after the batch, and the batch again (exactly once).
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, expect, it } from 'vitest';
import type { MessageSent } from '../../src-shared/protocol';
import * as messages from '../../src-shared/testing/messages';
import type { LocalStore } from './store';
import { bob, me, queueOwn, storeFolderEachTest, testChannel } from './testing/store-fixture';

const channel = testChannel();
const folder = storeFolderEachTest('relay-ack-batch-', { channels: [channel] });
let store: LocalStore;
beforeEach(() => {
  store = folder.open();
});

const sent = (clientMessageId: string, seq: number): MessageSent => ({
  ok: true,
  messageId: randomUUID(),
  channelId: channel.id,
  clientMessageId,
  status: 'SENT' as never,
  seq,
  createdAt: new Date(1_700_000_000_000 + seq).toISOString(),
});

it('settles a batch of every kind of ack: queue, counts, messages, numbering, exactly once', () => {
  const queue = (content: string, extra = {}) =>
    queueOwn(store, { channelId: channel.id, content, ...extra });
  const read = queue('read before its ack');
  const fileKey = randomUUID();
  const withFile = queue('with a file', {
    files: [{ key: fileKey, path: '/tmp/x.png', name: 'x.png', mime: 'image/png', size: 3 }],
  });
  const failed = queue('failed, stored after all');
  const retried = queue('failed, retried');
  const viaHistory = queue('arrived by history first');
  const left = queue('not acked');
  expect(store.outboxCounts()).toEqual({ sending: 7, failed: 0 });

  const acks = {
    read: sent(read, 1),
    withFile: sent(withFile, 2),
    failed: sent(failed, 3),
    retried: sent(retried, 4),
    viaHistory: sent(viaHistory, 5),
  };
  store.applyReceipt({
    messageId: acks.read.messageId,
    channelId: channel.id,
    userId: bob.id,
    status: 'READ' as never,
    at: new Date().toISOString(),
  });
  const file = { id: randomUUID(), name: 'x.png', size: 3, mime: 'image/png' };
  store.uploaded(fileKey, file);
  store.markFailed(failed, 'TIMEOUT', 'no answer');
  store.markFailed(retried, 'TIMEOUT', 'no answer');
  store.retry(Date.now(), retried);
  const history = acks.viaHistory;
  store.upsertServerMessage(
    messages.serverMessage({
      id: history.messageId,
      channelId: channel.id,
      user: me,
      userId: me.id,
      seq: history.seq,
      clientMessageId: viaHistory,
      content: 'arrived by history first',
      at: history.createdAt,
    }),
  );
  expect(store.outboxCounts()).toEqual({ sending: 4, failed: 1 });
  // Numbers: 1…6 as queued, the retry took 7.
  expect(store.outboxRow(retried)?.device_seq).toBe(7);

  const unknown = sent(randomUUID(), 9);
  const batch = [
    acks.read,
    acks.withFile,
    acks.read,
    acks.failed,
    acks.retried,
    unknown,
    acks.viaHistory,
    acks.withFile,
    acks.failed,
  ];
  const results = store.transaction(() => store.applyAcks(batch));
  expect(results.map((r) => [r.row.content, r.confirmedSend])).toEqual([
    ['read before its ack', true],
    ['with a file', true],
    ['read before its ack', false],
    ['failed, stored after all', true],
    ['failed, retried', true],
    ['arrived by history first', false],
    ['with a file', false],
    ['failed, stored after all', false],
  ]);
  for (const r of results) expect(r.row).toEqual(store.messageByKey(r.row.key));

  // The queue: only the send never acked; counts held and counted afresh agree.
  expect(store.outbox().map((o) => o.op_id)).toEqual([left]);
  expect(store.outboxCounts()).toEqual({ sending: 1, failed: 0 });
  store.recount();
  expect(store.outboxCounts()).toEqual({ sending: 1, failed: 0 });

  const row = (key: string) => store.messageByKey(key)!;
  expect(row(read)).toMatchObject({ id: acks.read.messageId, seq: 1, status: 'READ', send_ord: null });
  expect(JSON.parse(row(withFile).files_json!)).toEqual([file]);
  expect(row(withFile)).toMatchObject({ status: 'SENT', send_ord: null });
  for (const key of [failed, retried])
    expect(row(key)).toMatchObject({
      status: 'SENT',
      failure_code: null,
      failure_message: null,
      send_ord: null,
    });
  expect(row(viaHistory)).toMatchObject({ id: history.messageId, seq: 5 });
  expect(store.channel(channel.id)?.last_seq).toBe(5);

  // The numbering goes on after the highest given (7, the retry's), whatever left the queue.
  const next = queue('after the batch');
  expect(store.outboxRow(next)?.device_seq).toBe(8);

  // Exactly once: the same batch again changes nothing and confirms no send.
  const again = store.transaction(() => store.applyAcks(batch));
  expect(again.map((r) => r.confirmedSend)).toEqual(batch.filter((a) => a !== unknown).map(() => false));
  expect(again.map((r) => r.changed)).toEqual(batch.filter((a) => a !== unknown).map(() => false));
  expect(store.outbox().map((o) => o.op_id)).toEqual([left, next]);
  expect(store.outboxCounts()).toEqual({ sending: 2, failed: 0 });
});
