/**
 * Receiving against the real server: catch-up after being offline, receipts both ways (early,
 * duplicate, late), notification decisions through a recording notifier, typing.
 */
import { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type ClientSocket,
  connectAs,
  emitWithAck,
  login,
  startTestServer,
  type TestServer,
} from '../../src-server/testing';
import type { MessageView } from '../../src-shared/bridge';
import { type Message, MessageEvent, SendAck, userRoom } from '../../src-shared/protocol';
import { channelId, createTestCore, serverMessages, signIn, type TestCore, waitFor } from './testing/harness';
import { startProxy, type TestProxy } from './testing/proxy';

let server: TestServer;
let bob: { socket: ClientSocket; user: { id: string; name: string } };
let aliceDevice: { socket: ClientSocket; user: { id: string; name: string } };
const open: TestCore[] = [];

beforeAll(async () => {
  server = await startTestServer({ messageRateLimit: 0 });
  bob = await connectAs(server.url, 'bob');
  aliceDevice = await connectAs(server.url, 'alice');
});
// Each test's cores go at its end: a focused core left over would read (and so receipt) the next test's messages.
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});
afterAll(async () => {
  bob?.socket.close();
  aliceDevice?.socket.close();
  await server?.close();
});

async function core(username: string, viaUrl = server.url, options = {}): Promise<TestCore> {
  const t = await createTestCore({ options });
  open.push(t);
  await signIn(t, viaUrl, username);
  return t;
}

/** Sends from a raw socket (another user, or the same user's other device); returns the server's message id. */
async function post(socket: ClientSocket, channel: string, content: string): Promise<string> {
  const ack = SendAck.parse(await emitWithAck(socket, MessageEvent.SEND, { channelId: channel, content }));
  if (!ack.ok) throw new Error(ack.error);
  return ack.messageId;
}

async function messages(t: TestCore, channel: string): Promise<MessageView[]> {
  return (await t.core.handlers.listMessages({ channelId: channel, limit: 500 })).messages;
}

async function find(t: TestCore, channel: string, content: string): Promise<MessageView | undefined> {
  return (await messages(t, channel)).find((m) => m.content === content);
}

describe('catch-up', () => {
  let proxy: TestProxy;
  afterAll(async () => proxy?.close());

  it('shows everything posted while offline after reconnecting, once', async () => {
    proxy = await startProxy(server.port);
    const alice = await core('alice', proxy.url);
    const general = await channelId(alice, 'general');
    await post(bob.socket, general, 'before the outage');
    await waitFor(() => find(alice, general, 'before the outage'), 'live message');

    proxy.refuse();
    await waitFor(
      async () => (await alice.core.handlers.getSession(undefined)).connection !== 'connected',
      'offline',
    );
    for (let i = 0; i < 30; i++) await post(bob.socket, general, `while away ${i}`);
    await post(aliceDevice.socket, general, 'from my phone');
    proxy.heal();

    await waitFor(
      async () => (await messages(alice, general)).some((m) => m.content === 'while away 29'),
      'caught up',
    );
    await waitFor(() => find(alice, general, 'from my phone'), 'own message from the other device');
    const all = await messages(alice, general);
    const contents = all.map((m) => m.content);
    for (let i = 0; i < 30; i++) expect(contents.filter((c) => c === `while away ${i}`)).toHaveLength(1);
    expect(contents.filter((c) => c === 'before the outage')).toHaveLength(1);
    const seqs = all.map((m) => m.seq ?? 0);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(await find(alice, general, 'from my phone')).toMatchObject({ own: true, status: 'Sent' });

    // A fresh connection (wake from sleep) catches up again and adds nothing.
    const before = all.length;
    const connects = alice.of('connection').filter((c) => c.state === 'connected').length;
    alice.core.resume();
    await waitFor(
      () => alice.of('connection').filter((c) => c.state === 'connected').length > connects,
      'reconnected',
    );
    await post(bob.socket, general, 'after resume');
    await waitFor(() => find(alice, general, 'after resume'), 'live again');
    expect((await messages(alice, general)).length).toBe(before + 1);
  });

  it('raises one unread event per channel for a caught-up page, with the final count (bench figure 13)', async () => {
    const away = await startProxy(server.port);
    const alice = await core('alice', away.url);
    const general = await channelId(alice, 'general');
    await alice.core.handlers.markRead({ channelId: general });
    away.refuse();
    await waitFor(
      async () => (await alice.core.handlers.getSession(undefined)).connection !== 'connected',
      'offline',
    );
    for (let i = 0; i < 40; i++) await post(bob.socket, general, `backlog ${i}`);
    const seen = alice.of('unread').length;
    away.heal();
    alice.core.resume();
    await waitFor(() => find(alice, general, 'backlog 39'), 'caught up');
    await waitFor(
      () =>
        alice
          .of('unread')
          .slice(seen)
          .some((u) => u.unreadCount === 40),
      'counted',
    );
    // Counted after each of the 40 messages, the badge total (every channel's unread) made catch-up quadratic.
    const forGeneral = alice
      .of('unread')
      .slice(seen)
      .filter((u) => u.channelId === general);
    expect(forGeneral.length).toBeLessThanOrEqual(2);
    expect(forGeneral.at(-1)).toMatchObject({ unreadCount: 40, total: 40 });
    expect(alice.badge).toBe(40);
    await away.close();
  });
});

describe('receipts', () => {
  it('takes the author from Sent to Delivered to Read, with who saw it', async () => {
    const alice = await core('alice');
    const bobCore = await core('bob');
    // A channel of two: Read once bob has read it (in #general carol would have to as well).
    const general = await channelId(alice, 'random');
    const sent = await alice.core.handlers.sendMessage({ channelId: general, content: 'please read' });

    await waitFor(
      async () => (await find(alice, general, 'please read'))?.status === 'Delivered',
      'Delivered',
    );
    expect((await find(alice, general, 'please read'))?.seenBy).toEqual([
      expect.objectContaining({ name: 'Bob', status: 'DELIVERED' }),
    ]);

    await bobCore.core.handlers.setActiveChannel({ channelId: general });
    await bobCore.core.handlers.setWindowFocused({ focused: true });
    await waitFor(async () => (await find(alice, general, 'please read'))?.status === 'Read', 'Read');
    const read = await find(alice, general, 'please read');
    expect(read?.key).toBe(sent.key);
    expect(read?.seenBy).toEqual([expect.objectContaining({ name: 'Bob', status: 'READ' })]);
    expect(
      (await bobCore.core.handlers.listChannels(undefined)).find((c) => c.id === general)?.unreadCount,
    ).toBe(0);
  });

  it('raises a message to the UI before it sends the DELIVERED receipt it owes (bench figure 2)', async () => {
    const alice = await core('alice');
    const general = await channelId(alice, 'general');
    const order: string[] = [];
    const off = alice.core.on('messageUpserted', (m) => {
      if (m.content === 'delivered after shown') order.push('shown');
    });
    const emit = Socket.prototype.emit;
    const spy = vi.spyOn(Socket.prototype, 'emit').mockImplementation(function (
      this: Socket,
      event: string | symbol,
      ...args: unknown[]
    ) {
      if (event === MessageEvent.DELIVERED) order.push('receipt');
      return emit.call(this, event, ...args);
    });
    try {
      // Receipts wait while the catch-up after connecting runs, and a flush under way takes the next
      // ones after it: a first receipt sent and acknowledged, the sender is idle.
      const first = await post(bob.socket, general, 'after the catch-up');
      let heard: (r: { messageId: string }) => void = () => {};
      const delivered = new Promise<void>((resolve) => {
        heard = (r) => r.messageId === first && resolve();
      });
      bob.socket.on(MessageEvent.DELIVERED, heard);
      await delivered;
      bob.socket.off(MessageEvent.DELIVERED, heard);
      await new Promise((resolve) => setTimeout(resolve, 100));
      order.length = 0;
      await post(bob.socket, general, 'delivered after shown');
      await waitFor(() => order.includes('receipt'), 'the receipt sent');
      // The receipt's read of its queue, its encoding and its socket write came before the UI event.
      expect(order).toEqual(['shown', 'receipt']);
    } finally {
      spy.mockRestore();
      off();
    }
  });

  it('a reader who opens the channel before its history has arrived still sends READ', async () => {
    const alice = await core('alice');
    const general = await channelId(alice, 'general');
    await alice.core.handlers.sendMessage({ channelId: general, content: 'read me on arrival' });
    await waitFor(
      async () => (await find(alice, general, 'read me on arrival'))?.status !== 'Sending',
      'sent',
    );

    // Carol's app opens on #general the moment the channel list is known, before any history is fetched.
    const carol = await createTestCore({ start: false });
    open.push(carol);
    const stop = carol.core.on('channels', (channels) => {
      if (!channels.some((c) => c.id === general)) return;
      stop();
      void carol.core.handlers.setWindowFocused({ focused: true });
      void carol.core.handlers.setActiveChannel({ channelId: general });
    });
    await carol.core.start();
    await signIn(carol, server.url, 'carol');
    await waitFor(
      async () =>
        (await find(alice, general, 'read me on arrival'))?.seenBy.some(
          (s) => s.name === 'Carol' && s.status === 'READ',
        ),
      'carol READ',
    );
    expect(
      (await carol.core.handlers.listChannels(undefined)).find((c) => c.id === general)?.unreadCount,
    ).toBe(0);
  });

  it('learns receipts given while the author was offline from the catch-up', async () => {
    const proxy = await startProxy(server.port);
    try {
      const alice = await core('alice', proxy.url);
      const bobCore = await core('bob');
      // A channel of two: Read once bob has read it (in #general carol would have to as well).
      const general = await channelId(alice, 'random');
      await alice.core.handlers.sendMessage({ channelId: general, content: 'read while away' });
      await waitFor(
        async () => (await find(alice, general, 'read while away'))?.status === 'Delivered',
        'Delivered',
      );

      proxy.refuse();
      await waitFor(
        async () => (await alice.core.handlers.getSession(undefined)).connection !== 'connected',
        'away',
      );
      await bobCore.core.handlers.setActiveChannel({ channelId: general });
      await bobCore.core.handlers.setWindowFocused({ focused: true });
      const id = (await find(bobCore, general, 'read while away'))?.id as string;
      const { token } = await login(server.url, 'alice');
      await waitFor(async () => {
        const mine = (await serverMessages(server.url, token, general)).find((m) => m.id === id);
        return mine?.receipts?.some((r) => r.status === 'READ');
      }, 'READ stored on the server');

      proxy.heal();
      await waitFor(
        async () => (await find(alice, general, 'read while away'))?.status === 'Read',
        'Read after catch-up',
      );
    } finally {
      await proxy.close();
    }
  });

  it('applies a receipt that arrives before its message; duplicates and late ones change nothing', async () => {
    const alice = await core('alice');
    const general = await channelId(alice, 'general');
    const aliceId = (await alice.core.handlers.getSession(undefined)).user?.id as string;
    // Keep the core's socket out of the channel room, so the message reaches it only by catch-up.
    server.io
      .in(userRoom(aliceId))
      .except(aliceDevice.socket.id as string)
      .socketsLeave(`channel:${general}`);
    const messageId = await post(aliceDevice.socket, general, 'receipt first');
    const at = new Date().toISOString();
    const toCore = () => server.io.in(userRoom(aliceId)).except(aliceDevice.socket.id as string);
    /** bob's receipt of the message, as the server forwards it to the core alone. */
    const receipt = (status: 'DELIVERED' | 'READ') =>
      toCore().emit(MessageEvent[status], {
        messageId,
        channelId: general,
        status: status as never,
        userId: bob.user.id,
        at,
      });
    receipt('READ');
    // A round trip on the same socket: the receipt has been handled before this shows.
    const marker = await post(bob.socket, (await channelId(alice, 'random')) as string, 'marker');
    await waitFor(
      async () => (await find(alice, await channelId(alice, 'random'), 'marker'))?.id === marker,
      'marker',
    );
    expect(await find(alice, general, 'receipt first')).toBeUndefined();

    alice.core.resume();
    await waitFor(
      async () =>
        (await find(alice, general, 'receipt first'))?.seenBy.some(
          (r) => r.userId === bob.user.id && r.status === 'READ',
        ),
      'early receipt applied',
    );

    const upserts = () => alice.of('messageUpserted').filter((m) => m.id === messageId).length;
    const seen = upserts();
    receipt('DELIVERED');
    receipt('READ');
    const marker2 = await post(bob.socket, await channelId(alice, 'random'), 'marker 2');
    await waitFor(
      async () => (await find(alice, await channelId(alice, 'random'), 'marker 2'))?.id === marker2,
      'marker 2',
    );
    expect(upserts()).toBe(seen);
    // bob alone has read it; carol (also in #general) has not: Delivered (issue 12).
    expect(await find(alice, general, 'receipt first')).toMatchObject({
      status: 'Delivered',
      seenBy: [expect.objectContaining({ userId: bob.user.id, status: 'READ' })],
    });
  });
});

describe('notifications', () => {
  it('notifies only what the user is not looking at, once, and a click navigates', async () => {
    const alice = await core('alice');
    const general = await channelId(alice, 'general');
    const random = await channelId(alice, 'random');
    const aliceId = (await alice.core.handlers.getSession(undefined)).user?.id as string;
    const shown = () => alice.notifier.shown;
    const next = async (n: number) => {
      await waitFor(() => shown().length >= n, `notification ${n}`);
      expect(shown()).toHaveLength(n);
      return shown()[n - 1];
    };

    // Unfocused: a message notifies; clicking it navigates there and focuses the window.
    const first = await post(bob.socket, general, 'hello alice');
    expect(await next(1)).toMatchObject({
      title: 'Bob in #general',
      body: 'hello alice',
      channelId: general,
      messageId: first,
    });
    alice.notifier.click();
    expect(alice.of('navigate')).toEqual([{ channelId: general, messageId: first }]);
    expect(alice.focusCalls).toBe(1);

    // Focused on general: nothing for general; in random only what is addressed to alice (issue 12).
    await alice.core.handlers.setActiveChannel({ channelId: general });
    await alice.core.handlers.setWindowFocused({ focused: true });
    await post(bob.socket, general, 'you are looking at this');
    await post(bob.socket, random, 'over in random, for nobody in particular');
    const sentinel1 = await post(bob.socket, random, '@alice over in random');
    expect(await next(2)).toMatchObject({
      channelId: random,
      messageId: sentinel1,
      body: '@alice over in random',
    });

    // Unfocused again, same active channel: notifies.
    await alice.core.handlers.setWindowFocused({ focused: false });
    const unfocused = await post(bob.socket, general, 'window in the background');
    expect(await next(3)).toMatchObject({ messageId: unfocused });

    // Muted channel: nothing.
    await alice.core.handlers.setMuted({ channelId: general, muted: true });
    await post(bob.socket, general, 'muted chatter');
    const sentinel2 = await post(bob.socket, random, 'sentinel 2');
    expect(await next(4)).toMatchObject({ messageId: sentinel2, body: 'sentinel 2' });
    await alice.core.handlers.setMuted({ channelId: general, muted: false });

    // Do not disturb: nothing.
    await alice.core.handlers.updateSettings({ doNotDisturb: true });
    await post(bob.socket, random, 'do not disturb me');
    await waitFor(() => find(alice, random, 'do not disturb me'), 'arrived during dnd');
    await alice.core.handlers.updateSettings({ doNotDisturb: false });

    // Own message from another device: nothing.
    await post(aliceDevice.socket, random, 'my own words');
    await waitFor(() => find(alice, random, 'my own words'), 'own message arrived');

    // The same message delivered twice: one notification.
    const twice = await post(bob.socket, general, 'said twice');
    expect(await next(5)).toMatchObject({ messageId: twice, body: 'said twice' });
    const again = (await alice.core.handlers.listMessages({ channelId: general })).messages.find(
      (m) => m.id === twice,
    );
    expect(again).toBeDefined();
    const [stored] = (await server.store.getMessage(twice)) ? [await server.store.getMessage(twice)] : [];
    expect(stored).toBeDefined();
    server.io.in(userRoom(aliceId)).emit(MessageEvent.NEW, stored as unknown as Message);
    alice.core.resume();
    await waitFor(
      async () => (await alice.core.handlers.getSession(undefined)).connection === 'connected',
      'resumed',
    );
    const sentinel3 = await post(bob.socket, random, 'sentinel 3');
    expect(await next(6)).toMatchObject({ messageId: sentinel3, body: 'sentinel 3' });
    expect(alice.badge).toBeGreaterThan(0);
  });
});

describe('unread and badge', () => {
  it('counts others’ messages per channel, zeroes on read, and badges the total without muted channels', async () => {
    const alice = await core('alice');
    const general = await channelId(alice, 'general');
    const random = await channelId(alice, 'random');
    const unread = async (id: string) =>
      (await alice.core.handlers.listChannels(undefined)).find((c) => c.id === id)?.unreadCount;
    await alice.core.handlers.markRead({ channelId: general });
    await alice.core.handlers.markRead({ channelId: random });
    expect(alice.badge).toBe(0);

    await post(bob.socket, general, 'u1');
    await post(bob.socket, general, 'u2');
    await post(bob.socket, random, 'u3');
    await post(aliceDevice.socket, random, 'mine does not count');
    await waitFor(() => find(alice, random, 'mine does not count'), 'all arrived');
    // Writing in random (on the phone) read it up to there, as the server counts it.
    expect([await unread(general), await unread(random)]).toEqual([2, 0]);
    expect(alice.badge).toBe(2);
    expect(alice.of('unread').at(-1)).toMatchObject({ total: 2 });

    await alice.core.handlers.setMuted({ channelId: general, muted: true });
    expect(alice.badge).toBe(0);
    await alice.core.handlers.setMuted({ channelId: general, muted: false });
    await alice.core.handlers.markRead({ channelId: general });
    expect([await unread(general), alice.badge]).toEqual([0, 0]);
  });
});

describe('typing', () => {
  it('shows who is typing, clears it when their message arrives, and expires it by itself', async () => {
    const alice = await core('alice');
    const bobCore = await core('bob', server.url, { typingExpiryMs: 300 });
    const general = await channelId(alice, 'general');
    const typists = () =>
      bobCore
        .of('typing')
        .filter((t) => t.channelId === general)
        .at(-1)?.typists ?? [];

    await alice.core.handlers.setTyping({ channelId: general, isTyping: true });
    await waitFor(() => typists().some((u) => u.name === 'Alice'), 'alice typing');
    await alice.core.handlers.sendMessage({ channelId: general, content: 'done typing' });
    await waitFor(() => typists().length === 0, 'typing cleared');

    // Someone whose stop never comes: dropped after the expiry.
    const bobId = (await bobCore.core.handlers.getSession(undefined)).user?.id as string;
    const carolId = (await connectAs(server.url, 'carol')).user.id;
    server.io
      .in(userRoom(bobId))
      .emit(MessageEvent.TYPING_START, { userId: carolId, channelId: general, isTyping: true });
    await waitFor(() => typists().some((u) => u.name === 'Carol'), 'carol typing');
    await waitFor(() => typists().length === 0, 'carol expired');
  });
});
