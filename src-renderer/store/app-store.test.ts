import { describe, expect, it, vi } from 'vitest';
import type { ChannelView } from '../../src-shared/bridge';
import {
  alice,
  bob,
  FakeRelay,
  fakeId,
  makeChannel,
  makeMessage,
  relayWithGeneral,
} from '../testing/fake-relay';
import { createAppStore, subscribeToCore } from './app-store';

async function bootedStore(relay = new FakeRelay()) {
  const store = createAppStore(relay.api, 'electron');
  const stop = subscribeToCore(relay.api, store);
  await store.getState().boot();
  await flush();
  return { relay, store, stop };
}

async function flush() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs `body` with fake timers, so that a page held back stays held however slow the machine is (the
 * wait for a channel's first page never runs out on its own); `settle` lets the fake relay answer.
 */
async function withHeldTime(body: (settle: () => Promise<void>) => Promise<void>) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    await body(async () => {
      for (let i = 0; i < 50; i++) await Promise.resolve();
    });
  } finally {
    vi.useRealTimers();
  }
}

/** Runs `body`, lets a few turns go by, and gives the rejections nobody handled meanwhile. */
async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await body();
    await flush();
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return unhandled;
}

describe('the app store', () => {
  it('boots a signed-in window: channels, the first channel active and its newest page loaded', async () => {
    const { relay, general } = relayWithGeneral(120);
    const { store } = await bootedStore(relay);
    const state = store.getState();
    expect(state.activeChannelId).toBe(general.id);
    expect(relay.callsOf('setActiveChannel')).toEqual([{ channelId: general.id }]);
    const history = state.histories[general.id]!;
    expect(history.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    expect(history.hasMore).toBe(true);
  });

  it('asks for the channels without waiting for the settings (one bridge round trip less before the first frame)', async () => {
    const { relay, general } = relayWithGeneral(3);
    relay.hold('getSettings');
    const store = createAppStore(relay.api, 'electron');
    const booting = store.getState().boot();
    await flush();
    expect(relay.callsOf('listChannels')).toHaveLength(1);
    expect(store.getState().channels.map((c) => c.id)).toContain(general.id);
    relay.release('getSettings');
    await booting;
    expect(store.getState().settings).not.toBeNull();
    expect(store.getState().booted).toBe(true);
  });

  it('asks for the workspace beside the session, not after its answer (one bridge round trip less)', async () => {
    const { relay, general } = relayWithGeneral(3);
    relay.hold('getSession');
    const store = createAppStore(relay.api, 'electron');
    const booting = store.getState().boot();
    await flush();
    expect(relay.calls[0]!.name).toBe('getSession');
    expect(relay.callsOf('listChannels')).toHaveLength(1);
    expect(relay.callsOf('getSettings')).toHaveLength(1);
    expect(store.getState().booted).toBe(false);
    relay.release('getSession');
    await booting;
    expect(store.getState().booted).toBe(true);
    expect(store.getState().activeChannelId).toBe(general.id);
    expect(relay.callsOf('listChannels')).toHaveLength(1);
  });

  it('opens the channel this account had open, even when the session answers after the channels', async () => {
    const { relay } = relayWithGeneral(3);
    const random = relay.channels[1]!;
    relay.settings = { ...relay.settings, lastChannels: { [alice.id]: random.id } };
    relay.hold('getSession');
    const store = createAppStore(relay.api, 'electron');
    const booting = store.getState().boot();
    await flush();
    relay.release('getSession');
    await booting;
    await flush();
    expect(store.getState().activeChannelId).toBe(random.id);
  });

  it('a window signed out at boot loads its workspace once signed in', async () => {
    const relay = new FakeRelay({ signedIn: false });
    relay.seed(relay.channels[0]!.id, 3);
    const { store } = await bootedStore(relay);
    expect(store.getState().channels).toEqual([]);
    const result = await store.getState().signIn({
      serverUrl: 'http://127.0.0.1:3000',
      username: 'alice',
      password: relay.password,
    });
    expect(result.ok).toBe(true);
    await flush();
    expect(relay.callsOf('listChannels')).toHaveLength(2);
    expect(store.getState().channels.map((c) => c.id)).toEqual(relay.channels.map((c) => c.id));
    expect(store.getState().histories[relay.channels[0]!.id]?.messages).toHaveLength(3);
  });

  it("shows the workspace with its open channel's first page in: one first render, not two (figure 7)", async () => {
    const { relay, general } = relayWithGeneral(3);
    relay.hold('listMessages');
    const store = createAppStore(relay.api, 'electron');
    const booted: boolean[] = [];
    store.subscribe((state) => {
      if (state.booted && booted.length === 0) booted.push(state.histories[general.id]?.status === 'ready');
    });
    await withHeldTime(async (settle) => {
      const booting = store.getState().boot();
      await settle();
      expect(store.getState().channels).toHaveLength(2);
      expect(store.getState().booted).toBe(false);
      relay.release('listMessages');
      await booting;
    });
    expect(booted).toEqual([true]);
  });

  it("keeps the person's choice made while boot's channel waits for its page, whatever channels come meanwhile", async () => {
    const { relay, general } = relayWithGeneral(3);
    const random = relay.channels[1]!;
    relay.seed(random.id, 3);
    relay.hold('listMessages');
    const store = createAppStore(relay.api, 'electron');
    subscribeToCore(relay.api, store);
    await withHeldTime(async (settle) => {
      const booting = store.getState().boot();
      await settle();
      expect(store.getState().activeChannelId).toBeNull();
      // #general (chosen at boot) still waits for its page: the person clicks #random, then the core
      // sends the channel list again (an unread count changed, say).
      const clicked = store.getState().selectChannel(random.id);
      relay.emit('channels', relay.channels);
      await settle();
      relay.release('listMessages');
      await booting;
      await clicked;
    });
    await flush();
    expect(store.getState().activeChannelId).toBe(random.id);
    expect(relay.callsOf('setActiveChannel')).toEqual([{ channelId: general.id }, { channelId: random.id }]);
  });

  it('does not hold the workspace back long for a page that is slow to come', async () => {
    const { relay, general } = relayWithGeneral(3);
    relay.hold('listMessages');
    const store = createAppStore(relay.api, 'electron');
    await store.getState().boot();
    expect(store.getState().booted).toBe(true);
    expect(store.getState().histories[general.id]?.status).toBe('loading');
    relay.release('listMessages');
    await flush();
    expect(store.getState().histories[general.id]?.status).toBe('ready');
  });

  it('pages older messages in until the start of the channel', async () => {
    const { relay, general } = relayWithGeneral(120);
    const { store } = await bootedStore(relay);
    await store.getState().loadOlder(general.id);
    await store.getState().loadOlder(general.id);
    const history = store.getState().histories[general.id]!;
    expect(history.messages.map((m) => m.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(history.hasMore).toBe(false);
    await store.getState().loadOlder(general.id);
    expect(relay.callsOf('listMessages')).toHaveLength(3);
  });

  it('shows a message once as it goes from Sending to Sent to Read (upsert by key)', async () => {
    const { relay, store } = await bootedStore();
    const channelId = store.getState().activeChannelId!;
    const sent = await store.getState().sendMessage(channelId, 'hi there');
    if (!sent.ok) throw new Error('send failed');
    const sending = sent.value;
    relay.emit('messageUpserted', sending);
    relay.emit('messageUpserted', { ...sending, id: fakeId(), seq: 1, status: 'Sent' });
    relay.emit('messageUpserted', { ...sending, id: sending.id, seq: 1, status: 'Read' });
    const messages = store.getState().histories[channelId]!.messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]!.status).toBe('Read');
  });

  it('keeps our pending messages after the server-ordered ones, and orders by seq', async () => {
    const { relay, general } = relayWithGeneral(3);
    const { store } = await bootedStore(relay);
    const pending = makeMessage(general.id, { id: undefined, key: fakeId(), own: true, status: 'Sending' });
    relay.emit('messageUpserted', pending);
    relay.emit('messageUpserted', makeMessage(general.id, { seq: 4, content: 'late' }));
    const keys = store.getState().histories[general.id]!.messages.map((m) => m.seq ?? 'pending');
    expect(keys).toEqual([1, 2, 3, 4, 'pending']);
  });

  it('removes a message the core removed (a discarded send)', async () => {
    const { relay, store } = await bootedStore();
    const channelId = store.getState().activeChannelId!;
    const message = makeMessage(channelId, { seq: 1 });
    relay.emit('messageUpserted', message);
    relay.emit('messageRemoved', { channelId, key: message.key });
    expect(store.getState().histories[channelId]!.messages).toEqual([]);
  });

  it('keeps replies out of the channel and in their open thread', async () => {
    const relay = new FakeRelay();
    const general = relay.channels[0]!;
    const [parent] = relay.seed(general.id, 1);
    const { store } = await bootedStore(relay);
    await store.getState().showThread(general.id, parent!.id!);
    relay.emit(
      'messageUpserted',
      makeMessage(general.id, { parentId: parent!.id, seq: 2, content: 'a reply' }),
    );
    expect(store.getState().histories[general.id]!.messages).toHaveLength(1);
    expect(store.getState().threads[parent!.id!]!.replies.map((r) => r.content)).toEqual(['a reply']);
  });

  it('applies a batch of messages (messagesUpserted) in one store update: channel, thread, and not held', async () => {
    const relay = new FakeRelay();
    const [general, other] = relay.channels;
    const [parent] = relay.seed(general!.id, 1);
    const { store } = await bootedStore(relay);
    await store.getState().showThread(general!.id, parent!.id!);
    let updates = 0;
    const stop = store.subscribe(() => updates++);
    relay.emit('messagesUpserted', [
      makeMessage(general!.id, { seq: 3, content: 'three' }),
      makeMessage(general!.id, { parentId: parent!.id, seq: 2, content: 'a reply' }),
      makeMessage(general!.id, { seq: 4, content: 'four' }),
      makeMessage(other!.id, { seq: 1, content: 'in a channel never opened' }),
    ]);
    stop();
    expect(updates).toBe(1);
    const state = store.getState();
    expect(state.histories[general!.id]!.messages.map((m) => m.seq)).toEqual([1, 3, 4]);
    expect(state.threads[parent!.id!]!.replies.map((r) => r.content)).toEqual(['a reply']);
    expect(state.histories[other!.id]).toBeUndefined();
  });

  it('leaves the store as it is for a batch that touches nothing held (a catch-up of channels not shown)', async () => {
    // Figure 13: each catch-up chunk of another channel replaced `threads` and `histories`, and the
    // message list (which reads `threads`) rendered again for nothing, 400 times a catch-up.
    const relay = new FakeRelay();
    const [general, other] = relay.channels;
    relay.seed(general!.id, 3);
    const { store } = await bootedStore(relay);
    const before = store.getState();
    let updates = 0;
    const stop = store.subscribe(() => updates++);
    relay.emit('messagesUpserted', [
      makeMessage(other!.id, { seq: 1, content: 'in a channel never opened' }),
      makeMessage(other!.id, { seq: 2, parentId: fakeId(), content: 'a reply in a thread not open' }),
    ]);
    stop();
    expect(updates).toBe(0);
    expect(store.getState().threads).toBe(before.threads);
    expect(store.getState().histories).toBe(before.histories);
  });

  it('marks the active channel read only while the window is focused and visible', async () => {
    const relay = new FakeRelay();
    const store = createAppStore(relay.api, 'electron');
    subscribeToCore(relay.api, store);
    store.getState().setFocus({ focused: false, visible: true });
    await store.getState().boot();
    await flush();
    const channelId = store.getState().activeChannelId!;
    relay.emit('unread', { channelId, unreadCount: 2, total: 2 });
    expect(relay.callsOf('markRead')).toEqual([]);
    store.getState().setFocus({ focused: true });
    expect(relay.callsOf('markRead')).toEqual([{ channelId }]);
    expect(relay.callsOf('setWindowFocused').at(-1)).toEqual({ focused: true });
  });

  it('opening a channel asks for its newest page beside telling the core, not after (figure 7)', async () => {
    const { relay, store } = await bootedStore();
    const random = store.getState().channels[1]!;
    relay.seed(random.id, 3);
    relay.hold('setActiveChannel');
    const opening = store.getState().selectChannel(random.id);
    await flush();
    // The core hears which channel is on screen first, and the page is in without waiting for its answer.
    const asked = relay.calls
      .map((c) => c.name)
      .filter((n) => n === 'setActiveChannel' || n === 'listMessages');
    expect(asked.slice(-2)).toEqual(['setActiveChannel', 'listMessages']);
    expect(store.getState().histories[random.id]?.messages).toHaveLength(3);
    relay.release('setActiveChannel');
    await opening;
    expect(relay.callsOf('markRead').at(-1)).toEqual({ channelId: random.id });
  });

  it("switches to a channel once its first page is in: one render with its rows, no 'Loading' frame (figure 7)", async () => {
    const { relay, store } = await bootedStore();
    const general = store.getState().activeChannelId;
    const random = store.getState().channels[1]!;
    relay.seed(random.id, 3);
    relay.hold('listMessages');
    const seen: Array<string | undefined> = [];
    store.subscribe((state, before) => {
      if (state.activeChannelId !== before.activeChannelId)
        seen.push(state.histories[state.activeChannelId!]?.status);
    });
    await withHeldTime(async (settle) => {
      const opening = store.getState().selectChannel(random.id);
      await settle();
      expect(store.getState().activeChannelId).toBe(general);
      relay.release('listMessages');
      await opening;
    });
    expect(store.getState().activeChannelId).toBe(random.id);
    expect(seen).toEqual(['ready']);
  });

  it('switches anyway when the page is slow, and the last choice wins', async () => {
    const { relay, store } = await bootedStore();
    const [general, random] = store.getState().channels as [ChannelView, ChannelView];
    relay.seed(random.id, 3);
    relay.hold('listMessages');
    const first = store.getState().selectChannel(random.id);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(store.getState().activeChannelId).toBe(random.id);
    expect(store.getState().histories[random.id]?.status).toBe('loading');
    relay.release('listMessages');
    await first;
    expect(store.getState().histories[random.id]?.status).toBe('ready');
    // Two choices in a row, the first still waiting for its page: the second is what shows.
    const other = makeChannel('other');
    relay.channels.push(other);
    relay.emit('channels', relay.channels);
    relay.hold('listMessages');
    const a = store.getState().selectChannel(other.id);
    const b = store.getState().selectChannel(general.id);
    await b;
    relay.release('listMessages');
    await a;
    await flush();
    expect(store.getState().activeChannelId).toBe(general.id);
  });

  it('a page call that throws (not a Result) fails the switch once, with no unhandled rejection', async () => {
    const { relay, store } = await bootedStore();
    const random = store.getState().channels[1]!;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      relay.api.listMessages = () => Promise.reject(new Error('bridge gone'));
      await expect(store.getState().selectChannel(random.id)).rejects.toThrow('bridge gone');
      await flush();
      expect(unhandled).toEqual([]);
      expect(store.getState().activeChannelId).toBe(random.id);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('telling the core of a switch that throws leaves no unhandled rejection, when superseded or its page throws too', async () => {
    const { relay, store } = await bootedStore();
    const [general, random] = store.getState().channels as [ChannelView, ChannelView];
    const other = makeChannel('other');
    relay.channels.push(other);
    relay.emit('channels', relay.channels);
    relay.api.setActiveChannel = () => Promise.reject(new Error('bridge gone'));
    const unhandled = await unhandledDuring(async () => {
      // #random gives way to #general before it shows: its call is nobody's to await.
      relay.hold('listMessages');
      const first = store.getState().selectChannel(random.id);
      await expect(store.getState().selectChannel(general.id)).rejects.toThrow('bridge gone');
      await first;
      relay.release('listMessages');
      // The page throws first: the switch fails with it, and the call's failure is not reported again.
      relay.api.listMessages = () => Promise.reject(new Error('page gone'));
      await expect(store.getState().selectChannel(other.id)).rejects.toThrow('page gone');
    });
    expect(unhandled).toEqual([]);
  });

  it('a workspace call that throws while nobody is signed in leaves no unhandled rejection at boot', async () => {
    const relay = new FakeRelay({ signedIn: false });
    relay.api.listChannels = () => Promise.reject(new Error('bridge gone'));
    const store = createAppStore(relay.api, 'electron');
    const unhandled = await unhandledDuring(() => store.getState().boot());
    expect(unhandled).toEqual([]);
    expect(store.getState().booted).toBe(true);
  });

  it('moves through the channels from the one being opened, not the one still shown', async () => {
    const { relay, store } = await bootedStore();
    const other = makeChannel('other');
    relay.channels.push(other);
    relay.emit('channels', relay.channels);
    relay.hold('listMessages');
    store.getState().moveChannel(1);
    store.getState().moveChannel(1);
    relay.release('listMessages');
    await flush();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(store.getState().activeChannelId).toBe(other.id);
  });

  it('marks a channel read when it is opened, whatever its unread count says', async () => {
    const { relay, store } = await bootedStore();
    const random = store.getState().channels[1]!;
    expect(random.unreadCount).toBe(0);
    await store.getState().selectChannel(random.id);
    await flush();
    expect(relay.callsOf('markRead').at(-1)).toEqual({ channelId: random.id });
  });

  it("does not answer the core's unread events with markRead once the count is zero", async () => {
    const { relay, store } = await bootedStore();
    await flush();
    const before = relay.callsOf('markRead').length;
    const channelId = store.getState().activeChannelId!;
    relay.emit('unread', { channelId, unreadCount: 0, total: 0 });
    relay.emit('unread', { channelId, unreadCount: 0, total: 0 });
    await flush();
    expect(relay.callsOf('markRead')).toHaveLength(before);
  });

  it('updates unread counts from the core', async () => {
    const { relay, store } = await bootedStore();
    const random = store.getState().channels[1]!;
    relay.emit('unread', { channelId: random.id, unreadCount: 7, total: 7 });
    expect(store.getState().channels[1]!.unreadCount).toBe(7);
    expect(store.getState().unreadTotal).toBe(7);
  });

  it('after a long time offline, replaces a history that would have a gap', async () => {
    const { relay, general } = relayWithGeneral(10);
    const { store } = await bootedStore(relay);
    relay.emit('connection', { state: 'offline' });
    relay.seed(general.id, 200); // 190 new messages arrived meanwhile
    relay.emit('connection', { state: 'connected' });
    await flush();
    const seqs = store.getState().histories[general.id]!.messages.map((m) => m.seq);
    expect(seqs[0]).toBe(151);
    expect(seqs.at(-1)).toBe(200);
    expect(seqs).toHaveLength(50);
  });

  it('when the core starts a clean local file, drops every history held and reloads the channel shown', async () => {
    const relay = new FakeRelay();
    const [general, random] = relay.channels;
    relay.seed(general!.id, 10);
    relay.seed(random!.id, 10);
    const { store } = await bootedStore(relay);
    await store.getState().loadNewest(random!.id);
    expect(Object.keys(store.getState().histories).sort()).toEqual([general!.id, random!.id].sort());
    relay.seed(general!.id, 3); // what the clean file holds so far
    const listed = relay.callsOf('listOutbox').length;
    relay.emit('error', { code: 'DATABASE_RESET', message: 'started afresh' });
    await flush();
    expect(Object.keys(store.getState().histories)).toEqual([general!.id]);
    expect(store.getState().histories[general!.id]!.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(relay.callsOf('listOutbox').length).toBe(listed + 1);
  });

  it('navigates to an older message by paging back, then highlights it', async () => {
    const relay = new FakeRelay();
    const [general, random] = relay.channels;
    const old = relay.seed(random!.id, 130)[5]!;
    const { store } = await bootedStore(relay);
    expect(store.getState().activeChannelId).toBe(general!.id);
    relay.emit('navigate', { channelId: random!.id, messageId: old.id });
    await flush();
    expect(store.getState().activeChannelId).toBe(random!.id);
    expect(store.getState().highlight).toMatchObject({
      channelId: random!.id,
      messageId: old.id,
      inThread: false,
    });
  });

  it('signing out forgets the workspace; the core keeps the outbox', async () => {
    const { relay, store } = await bootedStore();
    relay.emit('session', { signedIn: false, serverUrl: 'http://127.0.0.1:3000', connection: 'offline' });
    expect(store.getState().channels).toEqual([]);
    expect(store.getState().activeChannelId).toBeNull();
    expect(relay.callsOf('discardAllFailed')).toEqual([]);
  });

  it('a channel still waiting for its page when the person signs out does not open on the signed-out window', async () => {
    const { relay, store } = await bootedStore();
    const random = store.getState().channels[1]!;
    relay.seed(random.id, 3);
    relay.hold('listMessages');
    await withHeldTime(async (settle) => {
      const opening = store.getState().selectChannel(random.id);
      await settle();
      await store.getState().signOut();
      expect(store.getState().session?.signedIn).toBe(false);
      relay.release('listMessages');
      await opening;
    });
    await flush();
    expect(store.getState().activeChannelId).toBeNull();
  });

  it('reads still out when the person signs out leave nothing of that account on the signed-out window', async () => {
    const { relay, general } = relayWithGeneral(80);
    const { store } = await bootedStore(relay);
    const random = store.getState().channels[1]!;
    relay.seed(random.id, 3);
    const parent = store.getState().histories[general.id]!.messages.at(-1)!;
    for (const name of ['listMessages', 'listThread', 'listChannels', 'listUsers'] as const) relay.hold(name);
    const reads = [
      store.getState().loadOlder(general.id),
      store.getState().loadNewest(random.id),
      store.getState().showThread(general.id, parent.id!),
      store.getState().loadChannels(),
      store.getState().loadPeople(),
    ];
    await flush();
    await store.getState().signOut();
    for (const name of ['listMessages', 'listThread', 'listChannels', 'listUsers'] as const)
      relay.release(name);
    await Promise.all(reads);
    await flush();
    const state = store.getState();
    expect(state.session?.signedIn).toBe(false);
    expect(state.histories).toEqual({});
    expect(state.threads).toEqual({});
    expect(state.channels).toEqual([]);
    expect(state.people).toEqual([]);
  });

  it('turns core errors into toasts that say what to do', async () => {
    const { relay, store } = await bootedStore();
    relay.emit('error', { code: 'RATE_LIMITED', message: 'Too many messages' });
    expect(store.getState().toasts).toEqual([
      expect.objectContaining({
        kind: 'error',
        title: 'Sending too fast',
        detail: expect.stringContaining('Retry'),
      }),
    ]);
  });

  it('drops our own user from the typists', async () => {
    const { relay, store } = await bootedStore();
    const channelId = store.getState().activeChannelId!;
    const me = store.getState().session!.user!;
    relay.emit('typing', { channelId, typists: [me, bob] });
    expect(store.getState().typists[channelId]).toEqual([bob]);
  });

  it('selects the first channel when the active one disappears', async () => {
    const { relay, store } = await bootedStore();
    const other = makeChannel('other');
    relay.channels = [other];
    relay.emit('channels', [other]);
    await flush();
    expect(store.getState().activeChannelId).toBe(other.id);
  });

  it('a channel left drops its pages; joined again, it shows as it is now, not as it was before the leave', async () => {
    const { relay, general } = relayWithGeneral(3);
    const random = relay.channels[1]!;
    relay.seed(random.id, 3);
    const { store } = await bootedStore(relay);
    await store.getState().selectChannel(random.id);
    expect(store.getState().histories[random.id]?.messages.map((m) => m.content)).toContain('message 2');

    relay.channels = [general];
    relay.emit('channels', relay.channels);
    await flush();
    expect(store.getState().histories[random.id]).toBeUndefined();
    expect(store.getState().histories[general.id]).toBeDefined();

    // While away, message 2 was edited: the core's first page of the rejoined channel says so.
    relay.seed(random.id, 3, (i) =>
      i === 1 ? { content: 'message 2, edited', editedAt: new Date().toISOString() } : {},
    );
    relay.channels = [general, random];
    relay.emit('channels', relay.channels);
    await store.getState().selectChannel(random.id);
    expect(store.getState().histories[random.id]?.messages.map((m) => m.content)).toEqual([
      'message 1',
      'message 2, edited',
      'message 3',
    ]);
  });

  it('stops listening when unsubscribed', async () => {
    const { relay, stop } = await bootedStore();
    expect(relay.listenerCount('messageUpserted')).toBe(1);
    stop();
    expect(relay.listenerCount('messageUpserted')).toBe(0);
  });
});

describe('notifications in the browser host', () => {
  it('shows one toast per message, even when the host hands it over twice', async () => {
    const relay = new FakeRelay();
    const store = createAppStore(relay.api, 'browser');
    subscribeToCore(relay.api, store);
    await store.getState().boot();
    const notification = {
      title: 'Bob in #random',
      body: 'hi',
      channelId: relay.channels[1]!.id,
      messageId: fakeId(),
    };
    relay.emit('notification', notification);
    relay.emit('notification', notification);
    relay.emit('notification', { ...notification, messageId: fakeId() });
    expect(store.getState().toasts.map((t) => t.kind)).toEqual(['notification', 'notification']);
    await store.getState().selectChannel(relay.channels[1]!.id);
    expect(store.getState().toasts).toEqual([]);
  });
});

describe('a history that fails to load', () => {
  it('says so, and loads on a second try', async () => {
    const relay = new FakeRelay();
    relay.failNext('listMessages', 'SERVER_UNREACHABLE');
    const { store } = await bootedStore(relay);
    const channelId = store.getState().activeChannelId!;
    expect(store.getState().histories[channelId]!.status).toBe('error');
    expect(store.getState().toasts.map((t) => t.title)).toEqual(["Can't reach the server"]);
    await store.getState().loadNewest(channelId);
    expect(store.getState().histories[channelId]!.status).toBe('ready');
  });
});
