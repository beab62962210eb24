import { expect, it } from 'vitest';
import { MessageEvent, SendAck } from '../src-shared/protocol';
import { describeOnTwoInstances } from './socket/testing/describe-on-two-instances';
import { type ClientSocket, connectAs, emitWithAck, nextEvent } from './testing';

describeOnTwoInstances('two instances through Redis', 'redis.test.ts', (instances) => {
  it('carries messages, receipts and typing between instances', async () => {
    const alice = await connectAs(instances.a.url, 'alice');
    const bob = await connectAs(instances.b.url, 'bob');
    instances.sockets.push(alice.socket, bob.socket);
    const general = (await instances.a.store.listChannels(alice.user.id)).find((c) => c.name === 'general')!;

    const typing = nextEvent(bob.socket, MessageEvent.TYPING_START);
    await emitWithAck(alice.socket, MessageEvent.TYPING_START, { channelId: general.id });
    expect(await typing).toMatchObject({ userId: alice.user.id });

    const received = nextEvent<{ id: string; seq: number }>(bob.socket, MessageEvent.NEW);
    const ack = SendAck.parse(
      await emitWithAck(alice.socket, MessageEvent.SEND, { content: 'across', channelId: general.id }),
    );
    const message = await received;
    expect(ack.ok && message.id === ack.messageId).toBe(true);

    const delivered = nextEvent(alice.socket, MessageEvent.DELIVERED);
    await emitWithAck(bob.socket, MessageEvent.DELIVERED, { messageId: message.id, channelId: general.id });
    expect(await delivered).toMatchObject({
      messageId: message.id,
      userId: bob.user.id,
      status: 'DELIVERED',
    });
  });

  it('shares one seq and one dedupe between instances', async () => {
    const alice = await connectAs(instances.a.url, 'alice');
    const laptop = await connectAs(instances.b.url, 'alice');
    instances.sockets.push(alice.socket, laptop.socket);
    const general = (await instances.a.store.listChannels(alice.user.id)).find((c) => c.name === 'general')!;
    const clientMessageId = crypto.randomUUID();
    const payload = { content: 'twice', channelId: general.id, clientMessageId };
    const acks = (
      await Promise.all([
        emitWithAck(alice.socket, MessageEvent.SEND, payload),
        emitWithAck(laptop.socket, MessageEvent.SEND, payload),
      ])
    ).map((x) => SendAck.parse(x));
    expect(acks[0]).toEqual(acks[1]);
    const seqs = (await instances.b.store.listMessages(general.id, alice.user.id, { after: 0 })).messages.map(
      (m) => m.seq,
    );
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });

  it('counts the messages of one user across instances: a burst of 8 + 8 at a limit of 10 lets 10 in', async () => {
    // Before issue 11 each instance kept its own count, and all 16 were accepted.
    const one = await connectAs(instances.a.url, 'carol');
    const two = await connectAs(instances.b.url, 'carol');
    instances.sockets.push(one.socket, two.socket);
    const general = (await instances.a.store.listChannels(one.user.id)).find((c) => c.name === 'general')!;
    const burst = (socket: ClientSocket) =>
      Array.from({ length: 8 }, (_, i) =>
        emitWithAck(socket, MessageEvent.SEND, { content: `burst ${i}`, channelId: general.id }).then((x) =>
          SendAck.parse(x),
        ),
      );
    const acks = await Promise.all([...burst(one.socket), ...burst(two.socket)]);
    expect(acks.filter((ack) => ack.ok)).toHaveLength(10);
    const refused = acks.filter((ack) => !ack.ok);
    expect(refused).toHaveLength(6);
    for (const ack of refused) {
      expect(ack).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
      expect(!ack.ok && ack.retryAfterMs).toBeGreaterThan(0);
      expect(!ack.ok && ack.retryAfterMs).toBeLessThanOrEqual(1_000);
    }
  });
});
