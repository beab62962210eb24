/**
 * Issue 12, findings 2 and 3, against the real server: a thread reply is read only when its thread
 * is open in a focused window; a reply in a thread one is in counts as unread and notifies; in a
 * channel of several people an own message is Read only once every other member has read it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientSocket,
  connectAs,
  emitWithAck,
  startTestServer,
  type TestServer,
} from '../../src-server/testing';
import type { MessageView } from '../../src-shared/bridge';
import { MessageEvent, SendAck } from '../../src-shared/protocol';
import { channelId, createTestCore, signIn, type TestCore, waitFor } from './testing/harness';

let server: TestServer;
let bob: { socket: ClientSocket; user: { id: string; name: string } };
const open: TestCore[] = [];

beforeAll(async () => {
  server = await startTestServer({ messageRateLimit: 0 });
  bob = await connectAs(server.url, 'bob');
});
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  // The harness's "caught up" looks at each channel's newest top-level message: end on one.
  const random = (await server.store.listChannels(bob.user.id)).find((c) => c.name === 'random')?.id;
  if (random) await emitWithAck(bob.socket, MessageEvent.SEND, { channelId: random, content: 'top level' });
});
afterAll(async () => {
  bob?.socket.close();
  await server?.close();
});

async function core(username: string): Promise<TestCore> {
  const t = await createTestCore();
  open.push(t);
  await signIn(t, server.url, username);
  return t;
}

/** alice signed in, #random open in her focused window. */
async function aliceLookingAtRandom() {
  const alice = await core('alice');
  const random = await channelId(alice, 'random');
  await alice.core.handlers.setActiveChannel({ channelId: random });
  await alice.core.handlers.setWindowFocused({ focused: true });
  return { alice, random };
}

async function reply(socket: ClientSocket, channel: string, parentId: string, content: string) {
  const ack = SendAck.parse(
    await emitWithAck(socket, MessageEvent.SEND, { channelId: channel, content, parentId }),
  );
  if (!ack.ok) throw new Error(ack.error);
  return ack.messageId;
}

async function own(t: TestCore, channel: string, content: string): Promise<MessageView> {
  await t.core.handlers.sendMessage({ channelId: channel, content });
  const find = async () =>
    (await t.core.handlers.listMessages({ channelId: channel })).messages.find((x) => x.content === content);
  await waitFor(async () => (await find())?.id, 'sent');
  return (await find()) as MessageView;
}

async function threadReply(t: TestCore, channel: string, parentId: string, replyId: string) {
  return (await t.core.handlers.listThread({ channelId: channel, parentId })).find((m) => m.id === replyId);
}

const unreadOf = async (t: TestCore, id: string) =>
  (await t.core.handlers.listChannels(undefined)).find((c) => c.id === id)?.unreadCount;

describe('a thread reply is read when its thread is shown', () => {
  it('looking at the channel is not reading a reply under one of its messages', async () => {
    const { alice, random } = await aliceLookingAtRandom();
    const parent = await own(alice, random, 'lunch plans?');

    // bob's own app, to see the status of his reply.
    const bobCore = await core('bob');
    await bobCore.core.handlers.sendMessage({ channelId: random, content: 'ramen', parentId: parent.id });
    const status = async () =>
      (await bobCore.core.handlers.listThread({ channelId: random, parentId: parent.id! })).find(
        (m) => m.content === 'ramen',
      );
    await waitFor(async () => (await status())?.status === 'Delivered', 'Delivered to alice');

    // A reply to her own message: unread for her, and she is told.
    await waitFor(async () => (await unreadOf(alice, random)) === 1, 'unread reply');
    await waitFor(() => alice.notifier.shown.some((n) => n.body === 'ramen'), 'notified of the reply');
    expect((await status())?.seenBy).toEqual([
      expect.objectContaining({ name: 'Alice', status: 'DELIVERED' }),
    ]);

    // Opening the thread (window focused) reads it.
    await alice.core.handlers.setOpenThread({ parentId: parent.id! });
    await waitFor(async () => (await status())?.status === 'Read', 'Read once the thread is open');
    expect(await unreadOf(alice, random)).toBe(0);

    // While the thread stays open, a new reply is read at once and adds nothing unread.
    const second = await reply(bob.socket, random, parent.id!, 'or tacos');
    await waitFor(
      async () => (await threadReply(alice, random, parent.id!, second)) !== undefined,
      'arrived',
    );
    expect(await unreadOf(alice, random)).toBe(0);

    // Thread closed: the next reply is unread again.
    await alice.core.handlers.setOpenThread({ parentId: null });
    await reply(bob.socket, random, parent.id!, 'final answer: ramen');
    await waitFor(async () => (await unreadOf(alice, random)) === 1, 'unread after closing');
  });

  it('a reply in a thread she is not in neither counts as unread nor notifies, and is not read', async () => {
    const { alice, random } = await aliceLookingAtRandom();
    await waitFor(async () => (await unreadOf(alice, random)) === 0, 'earlier messages read');
    await alice.core.handlers.setWindowFocused({ focused: false });
    const bobCore = await core('bob');
    const root = await own(bobCore, random, 'my own musings');
    await waitFor(async () => (await unreadOf(alice, random)) === 1, 'top-level unread');
    await alice.core.handlers.setWindowFocused({ focused: true });
    await waitFor(async () => (await unreadOf(alice, random)) === 0, 'read on focus');
    const shownBefore = alice.notifier.shown.length;

    await bobCore.core.handlers.sendMessage({ channelId: random, content: 'musing on', parentId: root.id });
    const mine = async () =>
      (await bobCore.core.handlers.listThread({ channelId: random, parentId: root.id! })).find(
        (m) => m.content === 'musing on',
      );
    await waitFor(async () => (await mine())?.status === 'Delivered', 'Delivered');
    expect(await unreadOf(alice, random)).toBe(0);
    expect(alice.notifier.shown.length).toBe(shownBefore);
  });
});

describe('a channel message is read when it is in view', () => {
  it('scrolled up in the focused channel, a new message stays unread until the newest is in view', async () => {
    const { alice, random } = await aliceLookingAtRandom();
    await waitFor(async () => (await unreadOf(alice, random)) === 0, 'read');
    await alice.core.handlers.setAtNewest({ atNewest: false });
    const id = SendAck.parse(
      await emitWithAck(bob.socket, MessageEvent.SEND, { channelId: random, content: 'below the fold' }),
    );
    if (!id.ok) throw new Error(id.error);
    await waitFor(async () => (await unreadOf(alice, random)) === 1, 'unread while scrolled up');
    await alice.core.handlers.setAtNewest({ atNewest: true });
    await waitFor(async () => (await unreadOf(alice, random)) === 0, 'read once in view');
  });
});

describe('Read means every other member read it', () => {
  it('in #general (alice, bob, carol) bob reading alone leaves it Delivered; carol too makes it Read', async () => {
    const alice = await core('alice');
    const general = await channelId(alice, 'general');
    const bobCore = await core('bob');
    const sent = await own(alice, general, 'all hands at three');
    const status = async () =>
      (await alice.core.handlers.listMessages({ channelId: general })).messages.find((m) => m.id === sent.id);

    await bobCore.core.handlers.setActiveChannel({ channelId: general });
    await bobCore.core.handlers.setWindowFocused({ focused: true });
    await waitFor(
      async () => (await status())?.seenBy.some((s) => s.name === 'Bob' && s.status === 'READ'),
      'bob READ',
    );
    expect((await status())?.status).toBe('Delivered');

    const carol = await core('carol');
    await carol.core.handlers.setActiveChannel({ channelId: general });
    await carol.core.handlers.setWindowFocused({ focused: true });
    await waitFor(async () => (await status())?.status === 'Read', 'Read by everyone');
  });
});
