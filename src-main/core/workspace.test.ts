/**
 * The workspace in the core against the real server (issue 13): the channel list follows joins,
 * leaves and changes live; unsent messages of a channel left are Failed with the reason, not dropped;
 * direct messages are titled by people and notify; presence comes and goes (away while idle); a
 * revoked token shows as Unauthorized and keeps the outbox; refusals come back as clear codes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { hashPassword } from '../../src-server/auth/passwords';
import { connectAs, emitWithAck, login, startTestServer, type TestServer } from '../../src-server/testing';
import { createInvite } from '../../src-server/workspace/invites';
import { BridgeFailure, type ChannelView } from '../../src-shared/bridge';
import { MessageEvent } from '../../src-shared/protocol';
import { createTestCore, signIn, type TestCore, waitFor, waitForCaughtUp } from './testing/harness';
import { httpAs } from './testing/http-as';
import { startProxy, type TestProxy } from './testing/proxy';

let server: TestServer;
const open: TestCore[] = [];
const proxies: TestProxy[] = [];

beforeAll(async () => {
  // Offline 300 ms after the last socket instead of 30 s, so presence can be watched going offline.
  server = await startTestServer({ messageRateLimit: 0, presenceOfflineAfterMs: 300 });
});
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  for (const p of proxies.splice(0)) await p.close();
});
afterAll(async () => server?.close());

async function core(username: string, viaUrl = server.url): Promise<TestCore> {
  const t = await createTestCore();
  open.push(t);
  await signIn(t, viaUrl, username);
  return t;
}

/** The server's HTTP API as another client of that user (their phone, say). */
const api = (username: string) => httpAs(server.url, username);

const listed = async (t: TestCore, pred: (c: ChannelView) => boolean) =>
  (await t.core.handlers.listChannels(undefined)).find(pred);

async function failure(call: unknown): Promise<BridgeFailure> {
  const error = await Promise.resolve(call).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof BridgeFailure)) throw new Error(`expected a BridgeFailure, got ${String(error)}`);
  return error;
}

/** waitFor, answering what the condition found. */
async function found<T>(condition: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  let value: T | undefined;
  await waitFor(async () => {
    value = await condition();
    return value;
  }, what);
  return value as T;
}

let names = 0;
const freshName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${names++}`;

describe('the channel list, live', () => {
  it('lists a channel one is added to at once, with its history, and follows rename, topic and archive', async () => {
    const alice = await core('alice');
    const bob = await api('bob');
    const name = freshName('ops');
    const ops = await bob.call('POST', '/api/channels', { name, private: true, topic: 'pager' });
    const { socket } = await connectAs(server.url, 'bob');
    try {
      await emitWithAck(socket, MessageEvent.SEND, { channelId: ops.id, content: 'before alice came' });
    } finally {
      socket.close();
    }
    const aliceId = (await alice.core.handlers.getSession(undefined)).user!.id;
    await bob.call('POST', `/api/channels/${ops.id}/members`, { userId: aliceId });

    const seen = await found(() => listed(alice, (c) => c.id === ops.id), 'the new channel listed');
    expect(seen).toMatchObject({ name, kind: 'channel', private: true, topic: 'pager', archived: false });
    await waitFor(async () => {
      const page = await alice.core.handlers.listMessages({ channelId: ops.id });
      return page.messages.some((m) => m.content === 'before alice came');
    }, 'its history caught up');

    const renamed = freshName('pager');
    await bob.call('PATCH', `/api/channels/${ops.id}`, { name: renamed, topic: 'who is on call' });
    await waitFor(
      () => listed(alice, (c) => c.id === ops.id && c.name === renamed && c.topic === 'who is on call'),
      'rename and topic seen',
    );
    await bob.call('POST', `/api/channels/${ops.id}/archive`);
    await waitFor(() => listed(alice, (c) => c.id === ops.id && c.archived), 'archive seen');
    const refused = await failure(
      Promise.resolve().then(() =>
        alice.core.handlers.sendMessage({ channelId: ops.id, content: 'too late' }),
      ),
    );
    expect(refused.code).toBe('FORBIDDEN');
    // The session never reconnected for any of it.
    expect(alice.of('connection').filter((c) => c.state === 'connected')).toHaveLength(1);
  });

  it('creates, browses, joins and leaves through the core; a taken name and a private channel say why', async () => {
    const alice = await core('alice');
    const carol = await core('carol');
    const name = freshName('design');
    const created = await alice.core.handlers.createChannel({ name, private: false, memberIds: [] });
    expect(created).toMatchObject({ name, kind: 'channel', private: false });
    expect(await listed(alice, (c) => c.id === created.id)).toBeDefined();

    const taken = await failure(alice.core.handlers.createChannel({ name, private: false, memberIds: [] }));
    expect(taken.code).toBe('CONFLICT');
    expect(taken.message).toContain(name);

    const secret = await alice.core.handlers.createChannel({
      name: freshName('secret'),
      private: true,
      memberIds: [],
    });
    const browsed = await carol.core.handlers.browseChannels(undefined);
    expect(browsed.find((c) => c.id === created.id)).toMatchObject({ member: false, memberCount: 1 });
    expect(browsed.find((c) => c.id === secret.id)).toBeUndefined();
    expect((await failure(carol.core.handlers.joinChannel({ channelId: secret.id }))).code).toBe('FORBIDDEN');

    const joined = await carol.core.handlers.joinChannel({ channelId: created.id });
    expect(joined.id).toBe(created.id);
    await waitFor(
      () => listed(alice, (c) => c.id === created.id && c.members.some((m) => m.name === 'Carol')),
      'alice sees carol join',
    );
    await carol.core.handlers.leaveChannel({ channelId: created.id });
    expect(await listed(carol, (c) => c.id === created.id)).toBeUndefined();
    await waitFor(
      () => listed(alice, (c) => c.id === created.id && c.members.every((m) => m.name !== 'Carol')),
      'alice sees carol leave',
    );
  });

  it('creates a private channel with members, who see it live; a member that cannot be added is said', async () => {
    const alice = await core('alice');
    const carol = await core('carol');
    const people = await alice.core.handlers.listUsers(undefined);
    const carolId = people.find((p) => p.username === 'carol')!.id;
    const name = freshName('plans');
    const unknown = '00000000-0000-4000-8000-00000000dead';
    const created = await alice.core.handlers.createChannel({
      name,
      private: true,
      memberIds: [carolId, unknown],
    });
    expect(created.members.map((m) => m.id)).toContain(carolId);
    await waitFor(() => listed(carol, (c) => c.id === created.id && c.private), 'carol sees it live');
    const said = await found(
      () => alice.of('error').find((e) => e.message.includes(`#${name} was created`)),
      'the refused member said',
    );
    expect(said.code).toBe('NOT_FOUND');
  });

  it('keeps the unsent messages of a channel left elsewhere while offline, Failed with the reason', async () => {
    const proxy = await startProxy(server.port);
    proxies.push(proxy);
    const alice = await core('alice', proxy.url);
    const phone = await api('alice');
    const name = freshName('short-lived');
    const channel = await phone.call('POST', '/api/channels', { name });
    await waitFor(() => listed(alice, (c) => c.id === channel.id), 'listed');

    proxy.refuse();
    await waitFor(
      async () => (await alice.core.handlers.getSession(undefined)).connection !== 'connected',
      'offline',
    );
    await alice.core.handlers.sendMessage({ channelId: channel.id, content: 'queued one' });
    await alice.core.handlers.sendMessage({ channelId: channel.id, content: 'queued two' });
    await phone.call('POST', `/api/channels/${channel.id}/leave`);
    proxy.heal();

    await waitFor(async () => !(await listed(alice, (c) => c.id === channel.id)), 'gone from the list');
    const outbox = await found(async () => {
      const items = await alice.core.handlers.listOutbox(undefined);
      return items.length === 2 && items.every((i) => i.status === 'Failed') ? items : undefined;
    }, 'both Failed, none dropped');
    expect(outbox.map((i) => i.content)).toEqual(['queued one', 'queued two']);
    // Whichever says it first (the catch-up's channel list, or the server refusing the send as it
    // flushes on reconnect), the reason is membership, for both.
    for (const item of outbox) {
      expect(item.failure?.code).toBe('FORBIDDEN');
      expect(item.failure?.message).toMatch(/member/i);
    }
  });
});

describe('leaving while messages wait', () => {
  it('fails what still waits for a channel left live (channel:left), with the reason, dropping none', async () => {
    // One message a second: the rest of a burst waits in the outbox, paced, when the leave arrives.
    const slow = await startTestServer({ messageRateLimit: 1 });
    try {
      const alice = await createTestCore();
      open.push(alice);
      await signIn(alice, slow.url, 'alice');
      const { token } = await login(slow.url, 'alice');
      const call = (method: string, path: string, body?: unknown) =>
        fetch(`${slow.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }).then((r) => r.json() as Promise<{ id: string }>);
      const name = freshName('busy');
      const channel = await call('POST', '/api/channels', { name });
      await waitFor(() => listed(alice, (c) => c.id === channel.id), 'listed');
      for (let i = 0; i < 6; i++)
        await alice.core.handlers.sendMessage({ channelId: channel.id, content: `m${i}` });
      await call('POST', `/api/channels/${channel.id}/leave`);

      await waitFor(async () => !(await listed(alice, (c) => c.id === channel.id)), 'gone from the list');
      const items = await found(async () => {
        const list = await alice.core.handlers.listOutbox(undefined);
        return list.length > 0 && list.every((i) => i.status === 'Failed') ? list : undefined;
      }, 'what waited is Failed');
      expect(
        items.some((i) => i.failure?.message === `Not sent: you are no longer a member of #${name}`),
      ).toBe(true);
      // Sent before the leave, or kept as Failed: all six are accounted for, none left Sending.
      const last = new Map<string, string | undefined>();
      for (const m of alice.of('messageUpserted')) if (m.channelId === channel.id) last.set(m.key, m.status);
      expect(last.size).toBe(6);
      expect([...last.values()].filter((status) => status === 'Failed')).toHaveLength(items.length);
      expect([...last.values()].every((status) => status !== 'Sending')).toBe(true);
    } finally {
      await slow.close();
    }
  });
});

describe('direct messages', () => {
  it('opens the same DM for the same people, titled by the others, live for both, and it notifies', async () => {
    const alice = await core('alice');
    const carol = await core('carol');
    const carolId = (await alice.core.handlers.listUsers(undefined)).find((p) => p.username === 'carol')?.id;
    expect(carolId).toBeDefined();
    const dm = await alice.core.handlers.openDm({ userIds: [carolId!] });
    expect(dm).toMatchObject({ kind: 'dm', name: 'Carol' });
    expect((await alice.core.handlers.openDm({ userIds: [carolId!] })).id).toBe(dm.id);

    const atCarol = await found(() => listed(carol, (c) => c.id === dm.id), 'carol sees the DM live');
    expect(atCarol.name).toBe('Alice');

    // Carol is looking at #general in a focused window: only what is addressed to her notifies.
    const general = await listed(carol, (c) => c.name === 'general');
    await carol.core.handlers.setActiveChannel({ channelId: general!.id });
    await carol.core.handlers.setWindowFocused({ focused: true });
    await alice.core.handlers.sendMessage({ channelId: dm.id, content: 'lunch?' });
    const shown = await found(() => carol.notifier.shown.find((n) => n.body === 'lunch?'), 'notified');
    expect(shown.title).toBe('Alice');
  });

  it('notifies a DM message that its first history fetch brings before the live event does', async () => {
    // Carol's socket goes through a proxy and her HTTP calls straight to the server, so the live
    // event can be held back while the first fetch of the new DM's history already holds the message.
    const proxy = await startProxy(Number(new URL(server.url).port));
    proxies.push(proxy);
    let holding = false;
    const held: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const carol = await createTestCore({
      ports: {
        fetch: async (input, init) => {
          const url = String(input).replace(proxy.url, server.url);
          // A first sync asks for the newest page: no `after`, no `before`.
          if (holding && /\/api\/channels\/[^/]+\/messages/.test(url) && !/after=|before=/.test(url)) {
            held.push(url);
            await gate;
          }
          return globalThis.fetch(url, init);
        },
      },
    });
    open.push(carol);
    await signIn(carol, proxy.url, 'carol');
    await waitForCaughtUp(carol);
    // Someone new, so the DM is new to carol whatever the tests before this one opened.
    const erin = await server.store.createUser({
      username: freshName('erin'),
      name: 'Erin',
      passwordHash: await hashPassword('password'),
    });
    const { socket, token } = await connectAs(server.url, erin!.username);
    onTestFinished(() => {
      socket.close();
    });
    const carolId = (await server.store.listUsers()).find((u) => u.username === 'carol')!.id;
    const general = await listed(carol, (c) => c.name === 'general');
    await carol.core.handlers.setActiveChannel({ channelId: general!.id });
    await carol.core.handlers.setWindowFocused({ focused: true });

    holding = true;
    const res = await fetch(`${server.url}/api/dms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userIds: [carolId] }),
    });
    const dm = (await res.json()) as { id: string };
    await waitFor(() => held.some((url) => url.includes(dm.id)), "carol's first fetch of the DM's history");
    proxy.stall();
    // Acknowledged: stored on the server, and its live event held in the proxy on the way to carol.
    await emitWithAck(socket, MessageEvent.SEND, { channelId: dm.id, content: 'pizza?' });
    release();
    await waitFor(
      () => carol.of('messageUpserted').some((m) => m.content === 'pizza?'),
      'carol holds pizza? from the history page',
    );
    proxy.heal();
    const shown = await found(() => carol.notifier.shown.find((n) => n.body === 'pizza?'), 'notified');
    expect(shown.title).toBe('Erin');
  });
});

describe('presence', () => {
  it('shows others online, away while idle (the system idle time wins over the page), then offline', async () => {
    const alice = await core('alice');
    const carol = await core('carol');
    const person = async (t: TestCore, username: string) =>
      (await t.core.handlers.listUsers(undefined)).find((p) => p.username === username);

    await waitFor(async () => (await person(alice, 'carol'))?.presence === 'online', 'carol online');
    await carol.core.handlers.setIdle({ idle: true });
    await waitFor(async () => (await person(alice, 'carol'))?.presence === 'away', 'carol away');
    // Input elsewhere on the machine: the shell's system reading says she is there after all.
    carol.core.systemIdle(false);
    await waitFor(async () => (await person(alice, 'carol'))?.presence === 'online', 'carol back');
    expect(alice.of('people').length).toBeGreaterThan(0);

    await carol.close();
    open.splice(open.indexOf(carol), 1);
    await waitFor(async () => (await person(alice, 'carol'))?.presence === 'offline', 'carol offline');
    const members = await alice.core.handlers.listMembers({
      channelId: (await listed(alice, (c) => c.name === 'general'))!.id,
    });
    expect(members.find((m) => m.username === 'carol')?.presence).toBe('offline');
  });
});

describe('an invite', () => {
  it('signs the invited person in once; the same invite again is refused', async () => {
    const dave = await server.store.createUser({ username: freshName('dave'), name: 'Dave' });
    const token = await createInvite(server.store, dave!.id);
    const t = await createTestCore();
    open.push(t);
    const session = await t.core.handlers.redeemInvite({
      serverUrl: server.url,
      token,
      password: 'a long password',
    });
    expect(session).toMatchObject({ signedIn: true, user: { id: dave!.id, name: 'Dave' } });
    await waitFor(
      async () => (await t.core.handlers.getSession(undefined)).connection === 'connected',
      'connected',
    );
    const again = await failure(
      t.core.handlers.redeemInvite({ serverUrl: server.url, token, password: 'another long one' }),
    );
    expect(again.code).toBe('NOT_FOUND');
  });
});

describe('a revoked token', () => {
  it('shows Unauthorized at once when signed out everywhere, and keeps the outbox', async () => {
    const proxy = await startProxy(server.port);
    proxies.push(proxy);
    const bob = await core('bob', proxy.url);
    const general = (await listed(bob, (c) => c.name === 'general'))!.id;
    proxy.refuse();
    await waitFor(
      async () => (await bob.core.handlers.getSession(undefined)).connection !== 'connected',
      'offline',
    );
    await bob.core.handlers.sendMessage({ channelId: general, content: 'written before the revocation' });
    await (await api('bob')).call('POST', '/api/logout-everywhere');
    proxy.heal();

    await waitFor(
      async () => (await bob.core.handlers.getSession(undefined)).connection === 'unauthorized',
      'unauthorized',
    );
    expect(bob.of('connection').at(-1)?.detail).toBe('token_revoked');
    expect(await bob.core.handlers.listOutbox(undefined)).toMatchObject([
      { content: 'written before the revocation', status: 'Sending' },
    ]);
  });

  it('drops an open connection at once with token_revoked', async () => {
    const carol = await core('carol');
    await (await api('carol')).call('POST', '/api/logout-everywhere');
    await waitFor(
      async () => (await carol.core.handlers.getSession(undefined)).connection === 'unauthorized',
      'unauthorized',
    );
    expect(carol.of('connection').at(-1)?.detail).toBe('token_revoked');
    expect((await carol.core.handlers.getSession(undefined)).user?.name).toBe('Carol');
  });
});
