/**
 * review27: every field of a new message as the clients get it (`message:new` to the room, the ack and
 * `message:sent` to the sender, a replayed clientMessageId's answer) is the stored message, as a read of
 * it gives it back (history), on both stores, over real Socket.IO: plain, numbered in a batch, a thread
 * reply, with files and mentions, and a replay answered after an edit.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ChangeEvent,
  type Message,
  MessageEvent,
  RelayEvent,
  SendAck,
  SendBatchAck,
} from '../../src-shared/protocol';
import { eachStore } from '../store/postgres/testing/each-store';
import { demoServer, emitWithAck, flush, recordEvents } from '../testing';

const stores = eachStore('new-message-fields.test.ts');

describe.each(stores)('a new message as its clients get it on $store', ({ skip, options }) => {
  const demo = demoServer();
  afterEach(() => demo.stop());

  it.skipIf(skip)('message:new, the ack and a replay carry the stored message, field for field', async () => {
    await demo.start({ ...(await options()), messageRateLimit: 0 });
    const carol = await demo.as('carol');
    const bob = await demo.as('bob');
    const store = demo.server.store;
    const file = {
      id: randomUUID(),
      userId: carol.user.id,
      sha256: 'b'.repeat(64),
      name: 'plan.pdf',
      size: 1234,
      mime: 'application/pdf',
      createdAt: new Date().toISOString(),
    };
    await store.insertFile(file);
    const seenByBob = recordEvents(bob.socket);
    const seenByCarol = recordEvents(carol.socket);
    const general = demo.general.id;
    const device = randomUUID();
    const rootCmid = randomUUID();

    const rootAck = SendAck.parse(
      await emitWithAck(carol.socket, MessageEvent.SEND, {
        channelId: general,
        content: 'root @bob',
        clientMessageId: rootCmid,
      }),
    );
    if (!rootAck.ok) throw new Error(rootAck.error);
    const items = [
      {
        channelId: general,
        content: 'a reply with a file, @bob',
        parentId: rootAck.messageId,
        clientMessageId: randomUUID(),
        deviceId: device,
        deviceSeq: 1,
        fileIds: [file.id],
      },
      {
        channelId: general,
        content: 'numbered',
        clientMessageId: randomUUID(),
        deviceId: device,
        deviceSeq: 2,
      },
      { channelId: general, content: 'no client id' },
      // The root again, in the same batch as new messages: answered with the first.
      { channelId: general, content: 'root again', clientMessageId: rootCmid },
      {
        channelId: general,
        content: 'plain reply',
        parentId: rootAck.messageId,
        clientMessageId: randomUUID(),
      },
    ];
    const acks = SendBatchAck.parse(await emitWithAck(carol.socket, RelayEvent.SEND_BATCH, { items }));
    if (!Array.isArray(acks)) throw new Error(acks.error);
    expect(acks.map((a) => a.ok)).toEqual([true, true, true, true, true]);
    await flush(carol.socket);
    await flush(bob.socket);

    const stored = (await store.listMessages(general, bob.user.id, { after: 0, limit: 100 })).messages;
    const news = () => seenByBob.filter((e) => e.event === MessageEvent.NEW).map((e) => e.payload as Message);
    await expect.poll(() => news().length).toBe(5);
    // Each message:new is the message as history gives it back, every field (bob's view: none is his).
    for (const m of news()) expect(m).toStrictEqual(stored.find((s) => s.id === m.id));
    const bySeq = () => [...news()].sort((a, b) => a.seq - b.seq);
    expect(bySeq().map((m) => m.content)).toEqual([
      'root @bob',
      'a reply with a file, @bob',
      'numbered',
      'no client id',
      'plain reply',
    ]);
    const reply = bySeq()[1]!;
    expect(reply).toMatchObject({
      parentId: rootAck.messageId,
      mentions: [bob.user.id],
      files: [{ id: file.id, name: file.name, size: file.size, mime: file.mime }],
      user: { id: carol.user.id, name: carol.user.name },
    });
    // Each ack names its stored message; the replay's names the root.
    const ackOf = (m: Message) => ({
      ok: true,
      messageId: m.id,
      channelId: m.channelId,
      ...(m.clientMessageId !== undefined && { clientMessageId: m.clientMessageId }),
      status: 'SENT',
      seq: m.seq,
      createdAt: m.createdAt,
    });
    const byContent = (content: string) => stored.find((s) => s.content === content)!;
    expect([rootAck, ...acks]).toEqual(
      ['root @bob', 'a reply with a file, @bob', 'numbered', 'no client id', 'root @bob', 'plain reply'].map(
        (c) => ackOf(byContent(c)),
      ),
    );
    // message:sent for the single send carries the same fields.
    expect(seenByCarol.find((e) => e.event === MessageEvent.SENT)?.payload).toEqual(rootAck);

    // Edited, then replayed: the replay is answered with the first message (same id, seq, time).
    const edit = await emitWithAck(carol.socket, ChangeEvent.EDIT, {
      messageId: rootAck.messageId,
      content: 'root, edited',
      opId: randomUUID(),
    });
    expect(edit).toMatchObject({ ok: true });
    const replay = SendAck.parse(
      await emitWithAck(carol.socket, MessageEvent.SEND, {
        channelId: general,
        content: 'root, a third time',
        clientMessageId: rootCmid,
      }),
    );
    expect(replay).toEqual(rootAck);
    const after = await store.getMessage(rootAck.messageId);
    expect(after).toMatchObject({ content: 'root, edited', seq: rootAck.seq });
    expect(after!.changeSeq).toBeGreaterThan(bySeq()[0]!.changeSeq);
    // Each new message's changeSeq is the channel's next: distinct, in seq order.
    const changeSeqs = bySeq().map((m) => m.changeSeq);
    expect([...changeSeqs].sort((a, b) => a - b)).toEqual(changeSeqs);
    expect(new Set(changeSeqs).size).toBe(changeSeqs.length);
  });
});
