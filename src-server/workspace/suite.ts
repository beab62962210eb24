/**
 * The Workspace section of interface.md against a real server, written once and run on each store:
 * workspace.test.ts (SQLite) and workspace-postgres.test.ts (PostgreSQL). Real HTTP, real sockets.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  type Channel,
  ChannelJoinedEvent,
  ChannelUpdatedEvent,
  MessageEvent,
  type SendAck,
  WorkspaceEvent,
  WorkspaceUserList,
} from '../../src-shared/protocol';
import type { ServerOptions } from '../app';
import {
  type ClientSocket,
  type ConnectedUser,
  connectRefusal,
  connectSocket,
  type DemoServer,
  demoServer,
  emitWithAck,
  flush,
  nextEvent,
  recordEvents,
} from '../testing';
import { createInvite } from './invites';

export interface Api {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON the route answered, field by field.
  body: any;
}

/** One HTTP call with the bearer token; the JSON answer (or undefined). */
export async function api(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Api> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The first `event` whose payload equals `expected` (others are skipped), or a rejection after timeoutMs. */
export function eventMatching(socket: ClientSocket, event: string, expected: unknown, timeoutMs = 5_000) {
  const untyped = socket as unknown as {
    on(e: string, f: (v: unknown) => void): void;
    off(e: string, f: (v: unknown) => void): void;
  };
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      untyped.off(event, listener);
      reject(new Error(`no ${event} ${JSON.stringify(expected)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (value: unknown) => {
      if (JSON.stringify(value) !== JSON.stringify(expected)) return;
      clearTimeout(timer);
      untyped.off(event, listener);
      resolve();
    };
    untyped.on(event, listener);
  });
}

export type ApiUser = ConnectedUser & {
  call: (method: string, path: string, body?: unknown) => Promise<Api>;
};

/** A user connected to the demo server (closed by its stop) who also calls its HTTP API with their token. */
export async function connectWithApi(demo: DemoServer, username: string): Promise<ApiUser> {
  const user = await demo.as(username);
  return { ...user, call: (method, path, body) => api(demo.server.url, user.token, method, path, body) };
}

export function workspaceSuite(options: () => Promise<Partial<ServerOptions>>): void {
  // No message rate limit: the flow test sends as fast as acks come back.
  const demo = demoServer({ presenceOfflineAfterMs: 300, messageRateLimit: 0 });
  beforeEach(async () => demo.start(await options()));
  afterEach(() => demo.stop());
  const as = (username: string) => connectWithApi(demo, username);

  const send = (socket: ClientSocket, channelId: string, content: string) =>
    emitWithAck<SendAck>(socket, MessageEvent.SEND, { channelId, content, clientMessageId: randomUUID() });

  it('creates a public channel live, lets others browse and join it, and refuses a taken name', async () => {
    const alice = await as('alice');
    const bob = await as('bob');
    const joined = nextEvent<ChannelJoinedEvent>(alice.socket, WorkspaceEvent.CHANNEL_JOINED);
    const created = await alice.call('POST', '/api/channels', { name: 'ops', topic: 'pager' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'ops',
      kind: 'channel',
      private: false,
      topic: 'pager',
      archived: false,
    });
    expect(created.body.memberIds).toEqual([alice.user.id]);
    expect(ChannelJoinedEvent.parse(await joined).channel.id).toBe(created.body.id);
    expect((await alice.call('POST', '/api/channels', { name: 'ops' })).body).toMatchObject({
      code: 'CONFLICT',
    });
    expect((await alice.call('POST', '/api/channels', { name: 'Bad Name' })).status).toBe(400);

    const browse = (await bob.call('GET', '/api/channels?all=1')).body as Channel[];
    expect(browse.find((c) => c.id === created.body.id)).toMatchObject({ member: false, name: 'ops' });
    expect(browse.filter((c) => c.member).map((c) => c.name)).toEqual(['general', 'random']);
    expect((await bob.call('GET', '/api/channels')).body.map((c: Channel) => c.name)).toEqual([
      'general',
      'random',
    ]);

    const bobJoined = nextEvent<ChannelJoinedEvent>(bob.socket, WorkspaceEvent.CHANNEL_JOINED);
    const memberJoined = nextEvent(alice.socket, WorkspaceEvent.MEMBER_JOINED);
    expect((await bob.call('POST', `/api/channels/${created.body.id}/join`)).body).toMatchObject({
      name: 'ops',
    });
    expect((await bobJoined).channel.memberIds.sort()).toEqual([alice.user.id, bob.user.id].sort());
    expect(await memberJoined).toEqual({ channelId: created.body.id, userId: bob.user.id });
    // No reconnect: the socket is in the room now.
    const arrived = nextEvent<{ content: string }>(bob.socket, MessageEvent.NEW);
    await send(alice.socket, created.body.id, 'welcome');
    expect((await arrived).content).toBe('welcome');
  });

  it('delivers to a joiner everything after the join, and to a leaver nothing after the leave', async () => {
    const alice = await as('alice');
    const carol = await as('carol');
    const { body: channel } = await alice.call('POST', '/api/channels', { name: 'flow' });
    const seen = recordEvents(carol.socket);
    const phase: Record<string, string> = {};
    let current = 'before';
    let sending = true;
    const sender = (async () => {
      for (let i = 0; sending; i++) {
        const content = `m${i}`;
        const sentIn = current;
        const ack = await send(alice.socket, channel.id, content);
        expect(ack.ok).toBe(true);
        // A message belongs to a phase when it was both sent and stored (acknowledged) within it: one
        // sent before the leave but stored after it rightly does not reach the leaver.
        phase[content] = sentIn === current ? current : 'between';
      }
    })();
    const inPhase = (p: string) => Object.keys(phase).filter((c) => phase[c] === p);
    // A few sends in each phase, however slow the store: the phases are counted, not timed.
    const pause = async () => {
      while (inPhase(current).length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await pause();
    current = 'joining';
    await carol.call('POST', `/api/channels/${channel.id}/join`);
    current = 'member';
    await pause();
    current = 'leaving';
    expect((await carol.call('POST', `/api/channels/${channel.id}/leave`)).body).toEqual({ ok: true });
    current = 'left';
    await pause();
    sending = false;
    await sender;
    await flush(carol.socket);
    const received = seen
      .filter((e) => e.event === MessageEvent.NEW)
      .map((e) => (e.payload as { content: string }).content);
    expect(inPhase('member').length).toBeGreaterThan(0);
    expect(inPhase('left').length).toBeGreaterThan(0);
    for (const content of inPhase('member')) expect(received).toContain(content);
    for (const content of [...inPhase('before'), ...inPhase('left')]) expect(received).not.toContain(content);
    expect(seen.map((e) => e.event)).toContain(WorkspaceEvent.CHANNEL_LEFT);
  });

  it('tells a non-member nothing of a private channel, and lets a member add them live', async () => {
    const alice = await as('alice');
    const carol = await as('carol');
    const { body: secret } = await alice.call('POST', '/api/channels', { name: 'secret', private: true });
    expect(secret.private).toBe(true);
    const base = `/api/channels/${secret.id}`;
    expect((await carol.call('GET', '/api/channels?all=1')).body.map((c: Channel) => c.id)).not.toContain(
      secret.id,
    );
    expect((await carol.call('POST', `${base}/join`)).status).toBe(403);
    expect((await carol.call('GET', `${base}/messages`)).status).toBe(403);
    expect((await carol.call('POST', `${base}/leave`)).status).toBe(403);
    expect((await carol.call('PATCH', base, { topic: 'mine' })).status).toBe(403);
    expect((await carol.call('POST', `${base}/members`, { userId: carol.user.id })).status).toBe(403);
    expect((await carol.call('POST', `${base}/archive`)).status).toBe(403);
    const refused = await send(carol.socket, secret.id, 'let me in');
    expect(refused).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect((await carol.call('POST', `/api/channels/${randomUUID()}/join`)).status).toBe(404);

    const carolJoined = nextEvent<ChannelJoinedEvent>(carol.socket, WorkspaceEvent.CHANNEL_JOINED);
    expect((await alice.call('POST', `${base}/members`, { userId: carol.user.id })).status).toBe(200);
    expect((await carolJoined).channel).toMatchObject({ id: secret.id, private: true });
    const arrived = nextEvent<{ content: string }>(carol.socket, MessageEvent.NEW);
    await send(alice.socket, secret.id, 'hello carol');
    expect((await arrived).content).toBe('hello carol');
  });

  // message:send remembers who may send where (membership-cache.ts): each refusal below comes right
  // after a send that was accepted, so it fails if what was remembered were not forgotten.
  it('refuses the very next send of a member who left, or in a channel just archived', async () => {
    const alice = await as('alice');
    const bob = await as('bob');
    const { body: channel } = await alice.call('POST', '/api/channels', { name: 'brief' });
    expect((await bob.call('POST', `/api/channels/${channel.id}/join`)).status).toBe(200);
    expect(await send(bob.socket, channel.id, 'hello')).toMatchObject({ ok: true });
    expect((await bob.call('POST', `/api/channels/${channel.id}/leave`)).status).toBe(200);
    expect(await send(bob.socket, channel.id, 'still here?')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect((await bob.call('POST', `/api/channels/${channel.id}/join`)).status).toBe(200);
    expect(await send(bob.socket, channel.id, 'back')).toMatchObject({ ok: true });

    expect(await send(alice.socket, channel.id, 'last words')).toMatchObject({ ok: true });
    expect((await alice.call('POST', `/api/channels/${channel.id}/archive`)).status).toBe(200);
    for (const user of [alice, bob]) {
      expect(await send(user.socket, channel.id, 'too late')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
  });

  it('forgets who may send when the store itself is written, with nothing notified', async () => {
    const alice = await as('alice');
    const { body: channel } = await alice.call('POST', '/api/channels', { name: 'quiet' });
    expect(await send(alice.socket, channel.id, 'hello')).toMatchObject({ ok: true });
    await demo.server.store.removeMember(channel.id, alice.user.id);
    expect(await send(alice.socket, channel.id, 'gone')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('renames and sets a topic live, archives (creator or admin only) into read-only', async () => {
    const alice = await as('alice');
    const bob = await as('bob');
    const { body: channel } = await alice.call('POST', '/api/channels', { name: 'plans' });
    await bob.call('POST', `/api/channels/${channel.id}/join`);
    const updated = nextEvent<ChannelUpdatedEvent>(bob.socket, WorkspaceEvent.CHANNEL_UPDATED);
    expect(
      (await bob.call('PATCH', `/api/channels/${channel.id}`, { name: 'roadmap', topic: 'Q3' })).status,
    ).toBe(200);
    expect(ChannelUpdatedEvent.parse(await updated).channel).toMatchObject({ name: 'roadmap', topic: 'Q3' });
    expect((await bob.call('PATCH', `/api/channels/${channel.id}`, { name: 'general' })).status).toBe(409);
    expect((await bob.call('PATCH', `/api/channels/${channel.id}`, {})).status).toBe(400);
    await send(alice.socket, channel.id, 'before the archive');

    expect((await bob.call('POST', `/api/channels/${channel.id}/archive`)).status).toBe(403);
    const archived = nextEvent<ChannelUpdatedEvent>(bob.socket, WorkspaceEvent.CHANNEL_UPDATED);
    expect((await alice.call('POST', `/api/channels/${channel.id}/archive`)).body).toMatchObject({
      archived: true,
    });
    expect((await archived).channel.archived).toBe(true);
    expect(await send(bob.socket, channel.id, 'too late')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const history = await bob.call('GET', `/api/channels/${channel.id}/messages`);
    expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual(['before the archive']);
    expect((await bob.call('PATCH', `/api/channels/${channel.id}`, { topic: 'x' })).status).toBe(403);
  });

  it('finds a DM again for the same people in any order, live for everyone in it', async () => {
    const alice = await as('alice');
    const bob = await as('bob');
    const carol = await as('carol');
    const carolJoined = nextEvent<ChannelJoinedEvent>(carol.socket, WorkspaceEvent.CHANNEL_JOINED);
    const first = await alice.call('POST', '/api/dms', { userIds: [carol.user.id] });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'dm', private: true });
    expect((await carolJoined).channel.id).toBe(first.body.id);
    const again = await carol.call('POST', '/api/dms', { userIds: [alice.user.id, carol.user.id] });
    expect([again.status, again.body.id]).toEqual([200, first.body.id]);
    const arrived = nextEvent<{ content: string }>(carol.socket, MessageEvent.NEW);
    await send(alice.socket, first.body.id, 'psst');
    expect((await arrived).content).toBe('psst');

    const trio = await bob.call('POST', '/api/dms', { userIds: [carol.user.id, alice.user.id] });
    const trioAgain = await carol.call('POST', '/api/dms', { userIds: [bob.user.id, alice.user.id] });
    expect(trio.body.id).toBe(trioAgain.body.id);
    expect(trio.body.id).not.toBe(first.body.id);
    expect(trio.body.memberIds).toHaveLength(3);
    expect((await bob.call('GET', '/api/channels?all=1')).body.map((c: Channel) => c.id)).not.toContain(
      first.body.id,
    );
    expect((await alice.call('POST', `/api/channels/${first.body.id}/leave`)).status).toBe(403);
    expect((await alice.call('POST', '/api/dms', { userIds: [] })).status).toBe(400);
    expect((await alice.call('POST', '/api/dms', { userIds: [alice.user.id] })).status).toBe(400);
    expect((await alice.call('POST', '/api/dms', { userIds: [randomUUID()] })).status).toBe(404);
  });

  it('lists the active users with presence, and tells people sharing a channel when someone comes and goes', async () => {
    const alice = await as('alice');
    const bobId = (await demo.server.store.findUserByUsername('bob'))!.id;
    const presence = (state: string, timeoutMs?: number) =>
      eventMatching(
        alice.socket,
        WorkspaceEvent.PRESENCE_UPDATE,
        { userId: bobId, presence: state },
        timeoutMs,
      );
    const online = presence('online');
    const bob = await as('bob');
    await online;
    const users = WorkspaceUserList.parse((await alice.call('GET', '/api/users')).body);
    expect(users.map((u) => [u.username, u.presence])).toEqual([
      ['alice', 'online'],
      ['bob', 'online'],
      ['carol', 'offline'],
    ]);
    const away = presence('away');
    expect(await emitWithAck(bob.socket, WorkspaceEvent.PRESENCE_SET, { presence: 'away' })).toEqual({
      ok: true,
    });
    await away;
    const offline = presence('offline', 10_000);
    bob.socket.close();
    await offline;
    expect((await alice.call('GET', '/api/users')).body[1]).toMatchObject({
      username: 'bob',
      presence: 'offline',
    });
  });

  it('signs out everywhere: earlier tokens fail on HTTP and open sockets at once (token_revoked)', async () => {
    const bob = await as('bob');
    const dropped = nextEvent(bob.socket, 'disconnect');
    expect((await bob.call('POST', '/api/logout-everywhere')).status).toBe(200);
    await dropped;
    expect((await bob.call('GET', '/api/channels')).body).toMatchObject({
      code: 'UNAUTHORIZED',
      reason: 'token_revoked',
    });
    expect((await connectRefusal(demo.server.url, { token: bob.token })).data).toEqual({
      reason: 'token_revoked',
    });
  });

  it('sets a password once through an invite (at least 10 characters), and serves the invite page', async () => {
    const dana = (await demo.server.store.createUser({ username: 'dana', name: 'Dana' }))!;
    const token = await createInvite(demo.server.store, dana.id);
    const redeem = (password: string) =>
      fetch(`${demo.server.url}/api/invites/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
      });
    const page = await fetch(`${demo.server.url}/invite/${token}`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('Choose a password');
    expect((await redeem('short')).status).toBe(400);
    const ok = await redeem('correct horse battery');
    expect(ok.status).toBe(200);
    const { token: session } = (await ok.json()) as { token: string };
    const socket = await connectSocket(demo.server.url, { token: session });
    demo.closeAtStop(socket);
    expect(socket.connected).toBe(true);
    expect((await redeem('another password')).status).toBe(404);
    const login = await fetch(`${demo.server.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dana', password: 'correct horse battery' }),
    });
    expect(login.status).toBe(200);
  });
}
