import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Message, MessageEvent, MessageSent, SendAck } from '../../src-shared/protocol';
import { demoServer, emitWithAck, flush, nextEvent, recordEvents } from '../testing';

const demo = demoServer();

// alice's first socket is demo.sockets[0].
beforeEach(async () => {
  await demo.start();
  await demo.as('alice');
});
afterEach(() => demo.stop());

describe('message:send', () => {
  it('acks, emits message:sent to the sender and message:new to the room except the sending socket', async () => {
    const [alice, aliceLaptop, bob, carol] = [
      demo.sockets[0]!,
      (await demo.as('alice')).socket,
      (await demo.as('bob')).socket,
      (await demo.as('carol')).socket,
    ];
    const seenBySender = recordEvents(alice);
    const clientMessageId = randomUUID();
    const sentEvent = nextEvent(alice, MessageEvent.SENT);
    const bobNew = nextEvent<Message>(bob, MessageEvent.NEW);
    const carolNew = nextEvent<Message>(carol, MessageEvent.NEW);
    const laptopNew = nextEvent<Message>(aliceLaptop, MessageEvent.NEW);

    const ack = SendAck.parse(
      await emitWithAck(alice, MessageEvent.SEND, {
        content: 'hello',
        channelId: demo.general.id,
        clientMessageId,
      }),
    );
    expect(ack).toMatchObject({
      ok: true,
      channelId: demo.general.id,
      clientMessageId,
      status: 'SENT',
      seq: 1,
    });
    expect(MessageSent.parse(await sentEvent)).toEqual(ack);

    for (const received of [await bobNew, await carolNew, await laptopNew]) {
      const message = Message.parse(received);
      expect(message).toMatchObject({
        content: 'hello',
        channelId: demo.general.id,
        seq: 1,
        clientMessageId,
      });
      expect(message.id).toBe(ack.ok && ack.messageId);
      expect(message.user.name).toBe('Alice');
      expect(message.deliveryStatus).toBe('SENT');
    }
    await flush(alice);
    expect(seenBySender.map((e) => e.event)).not.toContain(MessageEvent.NEW);
  });

  it('builds no message:new for a room where nobody but the sender listens, and one as soon as someone does', async () => {
    // Bench figure 6: a replay into a channel nobody else has open encoded each message for nobody.
    const alice = demo.sockets[0]!;
    const adapter = demo.server.io.of('/').adapter;
    const broadcast = adapter.broadcast.bind(adapter);
    const broadcasts: string[] = [];
    adapter.broadcast = (packet, opts) => {
      broadcasts.push(String((packet.data as unknown[])[0]));
      broadcast(packet, opts);
    };
    const send = async () =>
      SendAck.parse(
        await emitWithAck(alice, MessageEvent.SEND, { content: 'x', channelId: demo.general.id }),
      );
    expect((await send()).ok).toBe(true);
    expect(broadcasts.filter((e) => e === MessageEvent.NEW)).toEqual([]);

    const bob = (await demo.as('bob')).socket;
    const bobNew = nextEvent<Message>(bob, MessageEvent.NEW);
    const ack = await send();
    expect(Message.parse(await bobNew).id).toBe(ack.ok && ack.messageId);
    expect(broadcasts.filter((e) => e === MessageEvent.NEW)).toEqual([MessageEvent.NEW]);
  });

  it('numbers messages per channel: seq grows by one in each channel on its own', async () => {
    const alice = demo.sockets[0]!;
    const seqs: number[] = [];
    for (const channelId of [
      demo.general.id,
      demo.general.id,
      demo.random.id,
      demo.general.id,
      demo.random.id,
    ]) {
      const ack = SendAck.parse(await emitWithAck(alice, MessageEvent.SEND, { content: 'x', channelId }));
      seqs.push(ack.ok ? ack.seq : -1);
    }
    expect(seqs).toEqual([1, 2, 1, 3, 2]);
  });

  it('works without an ack callback: message:sent still arrives', async () => {
    const alice = demo.sockets[0]!;
    const sent = nextEvent(alice, MessageEvent.SENT);
    alice.emit(MessageEvent.SEND, { content: 'no callback', channelId: demo.general.id });
    expect(MessageSent.parse(await sent).seq).toBe(1);
  });

  it('answers a replay with the first message and broadcasts nothing, whatever its content', async () => {
    const alice = demo.sockets[0]!;
    const bob = (await demo.as('bob')).socket;
    const bobSees = recordEvents(bob);
    const clientMessageId = randomUUID();
    const first = await emitWithAck(alice, MessageEvent.SEND, {
      content: 'one',
      channelId: demo.general.id,
      clientMessageId,
    });
    const again = await emitWithAck(alice, MessageEvent.SEND, {
      content: 'changed',
      channelId: demo.random.id,
      clientMessageId,
      extra: 'stripped',
    });
    expect(again).toEqual(first);
    await flush(bob);
    expect(bobSees.filter((e) => e.event === MessageEvent.NEW)).toHaveLength(1);
    const page = await demo.server.store.listMessages(demo.general.id, 'nobody', {});
    expect(page.messages.map((m) => m.content)).toEqual(['one']);
    expect((await demo.server.store.listMessages(demo.random.id, 'nobody', {})).messages).toHaveLength(0);
  });

  it('keeps the same clientMessageId from two users apart', async () => {
    const bob = (await demo.as('bob')).socket;
    const clientMessageId = randomUUID();
    const a = SendAck.parse(
      await emitWithAck(demo.sockets[0]!, MessageEvent.SEND, {
        content: 'a',
        channelId: demo.general.id,
        clientMessageId,
      }),
    );
    const b = SendAck.parse(
      await emitWithAck(bob, MessageEvent.SEND, {
        content: 'b',
        channelId: demo.general.id,
        clientMessageId,
      }),
    );
    expect(a.ok && b.ok && a.messageId !== b.messageId).toBe(true);
  });

  it('survives a replay storm: 50 concurrent copies from two sockets → one message, one message:new per other member', async () => {
    const alice = demo.sockets[0]!;
    const aliceLaptop = (await demo.as('alice')).socket;
    const bob = (await demo.as('bob')).socket;
    const carol = (await demo.as('carol')).socket;
    const seen = [alice, aliceLaptop, bob, carol].map(recordEvents);
    const clientMessageId = randomUUID();
    const payload = { content: 'storm', channelId: demo.general.id, clientMessageId };

    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        emitWithAck(i % 2 ? aliceLaptop : alice, MessageEvent.SEND, payload),
      ),
    );
    const parsed = acks.map((ack) => SendAck.parse(ack));
    expect(parsed.every((ack) => ack.ok)).toBe(true);
    expect(new Set(parsed.map((ack) => ack.ok && ack.messageId)).size).toBe(1);

    await Promise.all([alice, aliceLaptop, bob, carol].map(flush));
    const news = seen.map((events) => events.filter((e) => e.event === MessageEvent.NEW).length);
    // alice's sockets: each got the other's copy once at most; bob and carol exactly once.
    expect(news[2]).toBe(1);
    expect(news[3]).toBe(1);
    expect(news[0]! + news[1]!).toBe(1);
    expect(seen.flatMap((events) => events.filter((e) => e.event === MessageEvent.ERROR))).toEqual([]);
    expect((await demo.server.store.listMessages(demo.general.id, 'nobody', {})).messages).toHaveLength(1);
  });

  it('threads a reply to a parent in the same channel and refuses an unknown parent', async () => {
    const alice = demo.sockets[0]!;
    const parent = SendAck.parse(
      await emitWithAck(alice, MessageEvent.SEND, { content: 'p', channelId: demo.general.id }),
    );
    const bob = (await demo.as('bob')).socket;
    const bobNew = nextEvent<Message>(bob, MessageEvent.NEW);
    const reply = SendAck.parse(
      await emitWithAck(alice, MessageEvent.SEND, {
        content: 'r',
        channelId: demo.general.id,
        parentId: parent.ok ? parent.messageId : '',
      }),
    );
    expect(reply.ok).toBe(true);
    expect((await bobNew).parentId).toBe(parent.ok && parent.messageId);
    const elsewhere = SendAck.parse(
      await emitWithAck(alice, MessageEvent.SEND, {
        content: 'r',
        channelId: demo.random.id,
        parentId: parent.ok ? parent.messageId : '',
      }),
    );
    expect(elsewhere).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});
