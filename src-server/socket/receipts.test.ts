import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Channel,
  MessageEvent,
  type MessagesPage,
  ReceiptEvent,
  SendAck,
} from '../../src-shared/protocol';
import {
  type ClientSocket,
  connectAs,
  emitWithAck,
  flush,
  nextEvent,
  recordEvents,
  startTestServer,
  type TestServer,
} from '../testing';

let server: TestServer;
let sockets: ClientSocket[];
let alice: Awaited<ReturnType<typeof connectAs>>;
let bob: Awaited<ReturnType<typeof connectAs>>;
let carol: Awaited<ReturnType<typeof connectAs>>;
let general: Channel;
let messageId: string;

beforeEach(async () => {
  server = await startTestServer();
  [alice, bob, carol] = await Promise.all([
    connectAs(server.url, 'alice'),
    connectAs(server.url, 'bob'),
    connectAs(server.url, 'carol'),
  ]);
  sockets = [alice.socket, bob.socket, carol.socket];
  general = (await server.store.listChannels(alice.user.id)).find((c) => c.name === 'general')!;
  const ack = SendAck.parse(
    await emitWithAck(alice.socket, MessageEvent.SEND, { content: 'hi', channelId: general.id }),
  );
  if (!ack.ok) throw new Error(ack.error);
  messageId = ack.messageId;
});

afterEach(async () => {
  for (const socket of sockets) socket.close();
  await server.close();
});

const receipt = (status?: string) => ({ messageId, channelId: general.id, status });

async function history(token: string): Promise<MessagesPage> {
  const res = await fetch(`${server.url}/api/channels/${general.id}/messages`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as MessagesPage;
}

describe('receipts', () => {
  it('forwards delivered then read to every socket of the author, with who and when', async () => {
    const laptop = await connectAs(server.url, 'alice');
    sockets.push(laptop.socket);
    const delivered = [
      nextEvent(alice.socket, MessageEvent.DELIVERED),
      nextEvent(laptop.socket, MessageEvent.DELIVERED),
    ];
    expect(await emitWithAck(bob.socket, MessageEvent.DELIVERED, receipt('DELIVERED'))).toEqual({ ok: true });
    for (const event of await Promise.all(delivered)) {
      expect(ReceiptEvent.parse(event)).toMatchObject({
        messageId,
        channelId: general.id,
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
    const laptop = await connectAs(server.url, 'alice');
    sockets.push(laptop.socket);
    const seen = recordEvents(alice.socket);
    const errors = recordEvents(laptop.socket);
    expect(await emitWithAck(laptop.socket, MessageEvent.READ, receipt())).toEqual({ ok: true });
    await Promise.all([flush(alice.socket), flush(laptop.socket)]);
    expect(seen).toEqual([]);
    expect(errors).toEqual([]);
    expect((await history(alice.token)).messages[0]?.receipts).toEqual([]);
  });

  it("moves the reader's read position: unread counts agree across devices", async () => {
    const before = (await server.store.listChannels(bob.user.id)).find((c) => c.id === general.id);
    expect(before).toMatchObject({ lastSeq: 1, lastReadSeq: 0, unreadCount: 1 });
    await emitWithAck(bob.socket, MessageEvent.DELIVERED, receipt());
    expect((await server.store.listChannels(bob.user.id)).find((c) => c.id === general.id)?.unreadCount).toBe(
      1,
    );
    await emitWithAck(bob.socket, MessageEvent.READ, receipt());
    const after = (await server.store.listChannels(bob.user.id)).find((c) => c.id === general.id);
    expect(after).toMatchObject({ lastSeq: 1, lastReadSeq: 1, unreadCount: 0 });
    // The sender's own message counts as read for them.
    expect((await server.store.listChannels(alice.user.id)).find((c) => c.id === general.id)).toMatchObject({
      lastReadSeq: 1,
      unreadCount: 0,
    });
  });
});
