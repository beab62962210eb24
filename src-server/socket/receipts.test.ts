import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageEvent, type MessagesPage, ReceiptEvent, SendAck } from '../../src-shared/protocol';
import { type ConnectedUser, demoServer, emitWithAck, flush, nextEvent, recordEvents } from '../testing';

const demo = demoServer();
let alice: ConnectedUser;
let bob: ConnectedUser;
let carol: ConnectedUser;
let messageId: string;

// alice has said "hi" in #general; bob and carol are connected to receive it.
beforeEach(async () => {
  await demo.start();
  [alice, bob, carol] = await Promise.all([demo.as('alice'), demo.as('bob'), demo.as('carol')]);
  const ack = SendAck.parse(
    await emitWithAck(alice.socket, MessageEvent.SEND, { content: 'hi', channelId: demo.general.id }),
  );
  if (!ack.ok) throw new Error(ack.error);
  messageId = ack.messageId;
});
afterEach(() => demo.stop());

const receipt = (status?: string) => ({ messageId, channelId: demo.general.id, status });

async function history(token: string): Promise<MessagesPage> {
  const res = await fetch(`${demo.server.url}/api/channels/${demo.general.id}/messages`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as MessagesPage;
}

describe('receipts', () => {
  it('forwards delivered then read to every socket of the author, with who and when', async () => {
    const laptop = await demo.as('alice');
    const delivered = [
      nextEvent(alice.socket, MessageEvent.DELIVERED),
      nextEvent(laptop.socket, MessageEvent.DELIVERED),
    ];
    expect(await emitWithAck(bob.socket, MessageEvent.DELIVERED, receipt('DELIVERED'))).toEqual({ ok: true });
    for (const event of await Promise.all(delivered)) {
      expect(ReceiptEvent.parse(event)).toMatchObject({
        messageId,
        channelId: demo.general.id,
        status: 'DELIVERED',
        userId: bob.user.id,
      });
    }
    const read = nextEvent(alice.socket, MessageEvent.READ);
    await emitWithAck(bob.socket, MessageEvent.READ, receipt('READ'));
    expect(ReceiptEvent.parse(await read)).toMatchObject({ status: 'READ', userId: bob.user.id });
  });

  it('is idempotent and monotonic: repeats and downgrades change nothing and are not forwarded', async () => {
    const seen = recordEvents(alice.socket);
    await emitWithAck(bob.socket, MessageEvent.DELIVERED, receipt());
    await emitWithAck(bob.socket, MessageEvent.DELIVERED, receipt());
    await emitWithAck(bob.socket, MessageEvent.READ, receipt());
    await emitWithAck(bob.socket, MessageEvent.READ, receipt());
    expect(await emitWithAck(bob.socket, MessageEvent.DELIVERED, receipt())).toEqual({ ok: true });
    await flush(alice.socket);
    expect(seen.map((e) => [e.event, (e.payload as ReceiptEvent).status])).toEqual([
      [MessageEvent.DELIVERED, 'DELIVERED'],
      [MessageEvent.READ, 'READ'],
    ]);
    const [own] = (await history(alice.token)).messages;
    expect(own?.receipts).toEqual([expect.objectContaining({ userId: bob.user.id, status: 'READ' })]);
    expect(own?.deliveryStatus).toBe('READ');
  });

  it('forwards a READ that comes first as READ alone', async () => {
    const seen = recordEvents(alice.socket);
    await emitWithAck(carol.socket, MessageEvent.READ, receipt());
    await emitWithAck(carol.socket, MessageEvent.DELIVERED, receipt());
    await flush(alice.socket);
    expect(seen.map((e) => e.event)).toEqual([MessageEvent.READ]);
  });

  it('keeps one status per recipient: the author sees who reached what', async () => {
    await emitWithAck(bob.socket, MessageEvent.READ, receipt());
    await emitWithAck(carol.socket, MessageEvent.DELIVERED, receipt());
    const [own] = (await history(alice.token)).messages;
    const byUser = Object.fromEntries((own?.receipts ?? []).map((r) => [r.userId, r.status]));
    expect(byUser).toEqual({ [bob.user.id]: 'READ', [carol.user.id]: 'DELIVERED' });
    // Others' messages carry no receipts.
    const [theirs] = (await history(bob.token)).messages;
    expect(theirs?.receipts).toBeUndefined();
  });

  it("ignores silently a receipt for one's own message (from another device)", async () => {
    const laptop = await demo.as('alice');
    const seen = recordEvents(alice.socket);
    const errors = recordEvents(laptop.socket);
    expect(await emitWithAck(laptop.socket, MessageEvent.READ, receipt())).toEqual({ ok: true });
    await Promise.all([flush(alice.socket), flush(laptop.socket)]);
    expect(seen).toEqual([]);
    expect(errors).toEqual([]);
    expect((await history(alice.token)).messages[0]?.receipts).toEqual([]);
  });

  it("moves the reader's read position: unread counts agree across devices", async () => {
    const before = (await demo.server.store.listChannels(bob.user.id)).find((c) => c.id === demo.general.id);
    expect(before).toMatchObject({ lastSeq: 1, lastReadSeq: 0, unreadCount: 1 });
    await emitWithAck(bob.socket, MessageEvent.DELIVERED, receipt());
    expect(
      (await demo.server.store.listChannels(bob.user.id)).find((c) => c.id === demo.general.id)?.unreadCount,
    ).toBe(1);
    await emitWithAck(bob.socket, MessageEvent.READ, receipt());
    const after = (await demo.server.store.listChannels(bob.user.id)).find((c) => c.id === demo.general.id);
    expect(after).toMatchObject({ lastSeq: 1, lastReadSeq: 1, unreadCount: 0 });
    // The sender's own message counts as read for them.
    expect(
      (await demo.server.store.listChannels(alice.user.id)).find((c) => c.id === demo.general.id),
    ).toMatchObject({
      lastReadSeq: 1,
      unreadCount: 0,
    });
  });
});
