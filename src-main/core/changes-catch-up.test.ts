/**
 * Catch-up of the changes feed over several pages (core/changes.ts, bench figure 12): every change
 * applied once; a page's UI events only after its commit, with its cursor; the next page fetched while
 * one is applied, yet a failed fetch leaves the pages before it applied and their cursor stored, and a
 * second run resumes there. Real server (SQLite), real account databases.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type ClientSocket,
  connectSocket,
  emitWithAck,
  login,
  nextEvent,
  startTestServer,
  type TestServer,
} from '../../src-server/testing';
import {
  ChangeAck,
  ChangeEvent,
  type LoginResponse,
  MAX_PAGE_LIMIT,
  type Message,
  ReactionUpdatedEvent,
} from '../../src-shared/protocol';
import { LocalStore, type MessageRow } from '../store/store';
import { type ApiClient, createApiClient } from './api';
import { CHANGES_CHUNK, Changes } from './changes';
import { systemClock } from './node-ports';
import { cleanupAfterEach } from './testing/cleanups';
import { editedMessages, fixed } from './testing/edited-messages';

const cleanups = cleanupAfterEach();
/** Two pages: a full one and a part. */
const COUNT = MAX_PAGE_LIMIT + 37;

interface Feed {
  server: TestServer;
  channelId: string;
  alice: LoginResponse;
  bobId: string;
  /** bob's messages as alice's app received them, each edited on the server since. */
  received: Message[];
  /** alice's app's socket (it hears the channel's live events) and bob's. */
  sockets: { alice: ClientSocket; bob: ClientSocket };
}
let feed: Feed;

beforeAll(async () => {
  const server = await startTestServer({ messageRateLimit: 0 });
  const alice = await login(server.url, 'alice');
  const bob = await login(server.url, 'bob');
  const channels = await createApiClient(fetch, 10_000).channels(server.url, alice.token);
  const channelId = channels.find((c) => c.name === 'general')!.id;
  const received = await editedMessages(server, channelId, bob.user.id, COUNT);
  const sockets = {
    alice: await connectSocket(server.url, { token: alice.token, userId: alice.user.id }),
    bob: await connectSocket(server.url, { token: bob.token, userId: bob.user.id }),
  };
  feed = { server, channelId, alice, bobId: bob.user.id, received, sockets };
}, 60_000);
afterAll(() => {
  feed?.sockets.alice.close();
  feed?.sockets.bob.close();
  return feed?.server.close();
});

/**
 * Alice's account database as it was before the edits (of `received`, the feed's first messages unless
 * told), and a second connection that sees only commits.
 */
async function accountBeforeTheEdits(received = feed.received) {
  const { server, channelId, alice } = feed;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'relay-catch-up-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'db.sqlite');
  const store = LocalStore.open({ file, selfId: alice.user.id });
  cleanups.push(async () => store.close());
  const reader = LocalStore.open({ file, selfId: alice.user.id });
  cleanups.push(async () => reader.close());
  store.saveChannels(await createApiClient(fetch, 10_000).channels(server.url, alice.token));
  store.transaction(() => {
    for (const m of received) store.upsertServerMessage(m);
  });
  store.changes.setCursor(channelId, Math.max(...received.map((m) => m.changeSeq)));
  const credentials = { serverUrl: server.url, token: alice.token };
  const edited = () => received.filter((m) => store.messageById(m.id)?.content === fixed(m));
  return { store, reader, channelId, received, credentials, edited };
}

function changesWith(
  store: LocalStore,
  api: ApiClient,
  user: { id: string; name: string },
  nextTurn?: () => Promise<void>,
) {
  const emitted: MessageRow[] = [];
  const unread: string[] = [];
  const changes = new Changes({
    store,
    nextTurn,
    user,
    clock: systemClock,
    api,
    emitMessage: (row) => emitted.push(row),
    unreadChanged: (channelId) => unread.push(channelId),
    queueChanged: () => {},
    error: (code, message) => {
      throw new Error(`${code} ${message}`);
    },
  });
  return { changes, emitted, unread };
}

/** A message from bob in the channel, straight into the server's store (a new changeSeq). */
async function post(content: string): Promise<Message> {
  const { server, channelId, bobId } = feed;
  const stored = await server.store.insertMessage({
    id: randomUUID(),
    channelId,
    userId: bobId,
    content,
    createdAt: new Date().toISOString(),
  });
  return stored.message;
}

it('catches up every change of several pages once, each page committed with its cursor before its events', async () => {
  const { store, reader, channelId, received, credentials, edited } = await accountBeforeTheEdits();
  const committed: boolean[] = [];
  const { changes, emitted, unread } = changesWith(store, createApiClient(fetch, 30_000), {
    id: store.selfId,
    name: 'alice',
  });
  const emit = emitted.push.bind(emitted);
  emitted.push = (row: MessageRow) => {
    // What the event shows is on disk, and so is a cursor at least as far as its change.
    const onDisk = reader.messageById(row.id as string);
    committed.push(
      onDisk?.content === row.content && (reader.changes.cursor(channelId) ?? 0) >= row.change_seq,
    );
    return emit(row);
  };
  await changes.catchUp(channelId, credentials);

  expect(edited()).toHaveLength(COUNT);
  expect(emitted.map((r) => r.id)).toEqual(received.map((m) => m.id));
  expect(committed.every(Boolean)).toBe(true);
  // Changes come in changeSeq order, and the unread count is asked for once per page, not per message.
  const seqs = emitted.map((r) => r.change_seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(unread).toEqual([channelId, channelId]);
  expect(reader.changes.cursor(channelId)).toBe(seqs.at(-1));

  // A second run finds nothing new: nothing applied twice.
  const again = changesWith(store, createApiClient(fetch, 30_000), { id: store.selfId, name: 'alice' });
  await again.changes.catchUp(channelId, credentials);
  expect(again.emitted).toEqual([]);
}, 30_000);

it('a failed page fetch keeps the pages before it; the next run resumes from their cursor', async () => {
  const { store, channelId, credentials, edited } = await accountBeforeTheEdits();
  const real = createApiClient(fetch, 30_000);
  let fetches = 0;
  // The server answers the first page; the second (fetched while the first is applied) fails.
  const failing: ApiClient = {
    ...real,
    json: (...args) => {
      fetches++;
      return fetches === 2 ? Promise.reject(new Error('connection cut')) : real.json(...args);
    },
  };
  const first = changesWith(store, failing, { id: store.selfId, name: 'alice' });
  await expect(first.changes.catchUp(channelId, credentials)).rejects.toThrow('connection cut');
  expect(first.emitted).toHaveLength(MAX_PAGE_LIMIT);
  expect(store.changes.cursor(channelId)).toBe(first.emitted.at(-1)?.change_seq);
  expect(edited()).toHaveLength(MAX_PAGE_LIMIT);

  const second = changesWith(store, real, { id: store.selfId, name: 'alice' });
  await second.changes.catchUp(channelId, credentials);
  expect(edited()).toHaveLength(COUNT);
  expect(second.emitted).toHaveLength(COUNT - MAX_PAGE_LIMIT);
  expect(new Set([...first.emitted, ...second.emitted].map((r) => r.id)).size).toBe(COUNT);
}, 30_000);

it('applies a page a chunk a turn, each chunk committed with its cursor, so the event loop runs between them', async () => {
  const { store, reader, channelId, credentials, edited } = await accountBeforeTheEdits();
  const { changes, emitted } = changesWith(store, createApiClient(fetch, 30_000), {
    id: store.selfId,
    name: 'alice',
  });
  // A turn counter: it moves only when the loop gets a turn between two of the catch-up's pieces.
  let turns = 0;
  let counting = true;
  const tick = () => {
    turns++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  const commits: { turn: number; cursor: number; shown: number }[] = [];
  const set = store.changes.setCursor.bind(store.changes);
  store.changes.setCursor = (id: string, seq: number) => {
    set(id, seq);
    commits.push({ turn: turns, cursor: seq, shown: emitted.length });
  };
  try {
    await changes.catchUp(channelId, credentials);
  } finally {
    counting = false;
  }
  expect(edited()).toHaveLength(COUNT);
  // 500 + 37: 20 chunks of the first page, 2 of the second.
  expect(commits).toHaveLength(Math.ceil(MAX_PAGE_LIMIT / CHANGES_CHUNK) + Math.ceil(37 / CHANGES_CHUNK));
  for (let i = 1; i < commits.length; i++) {
    const [before, now] = [commits[i - 1]!, commits[i]!];
    expect(now.turn).toBeGreaterThan(before.turn);
    expect(now.cursor).toBeGreaterThan(before.cursor);
    // When a chunk commits, what was shown is what the chunks before it committed, and nothing of its own.
    if (now.shown > 0) expect(emitted[now.shown - 1]!.change_seq).toBeLessThanOrEqual(before.cursor);
    expect(emitted[now.shown]?.change_seq ?? Number.POSITIVE_INFINITY).toBeGreaterThan(before.cursor);
  }
  expect(reader.changes.cursor(channelId)).toBe(emitted.at(-1)?.change_seq);
}, 30_000);

it('a change the server refuses to check stops its page there: the chunks before it kept, with their cursor', async () => {
  const { store, channelId, credentials, edited } = await accountBeforeTheEdits();
  const real = createApiClient(fetch, 30_000);
  const bad = 3 * CHANGES_CHUNK + 4;
  // The first page's 80th message is not a message: everything before its chunk is applied once.
  const broken: ApiClient = {
    ...real,
    json: async (...args) => {
      const page = (await real.json(...args)) as { messages: unknown[] };
      if (page.messages.length > bad) page.messages[bad] = { id: 42 };
      return page as never;
    },
  };
  const first = changesWith(store, broken, { id: store.selfId, name: 'alice' });
  await expect(first.changes.catchUp(channelId, credentials)).rejects.toThrow();
  expect(first.emitted).toHaveLength(3 * CHANGES_CHUNK);
  expect(edited()).toHaveLength(3 * CHANGES_CHUNK);
  expect(store.changes.cursor(channelId)).toBe(first.emitted.at(-1)?.change_seq);

  const second = changesWith(store, real, { id: store.selfId, name: 'alice' });
  await second.changes.catchUp(channelId, credentials);
  expect(edited()).toHaveLength(COUNT);
  expect(new Set([...first.emitted, ...second.emitted].map((r) => r.id)).size).toBe(COUNT);
  expect(first.emitted.length + second.emitted.length).toBe(COUNT);
}, 30_000);

/**
 * bob reacts to `message` on the server, and alice's app applies the `reaction:updated` it hears live
 * (the real event, over alice's socket), as the account does between two turns of a catch-up.
 */
async function reactedLive(changes: Changes, message: Message, emoji: string): Promise<ReactionUpdatedEvent> {
  const heard = nextEvent<unknown>(feed.sockets.alice, ChangeEvent.REACTION_UPDATED);
  const ack = await emitWithAck(feed.sockets.bob, ChangeEvent.REACTION_ADD, {
    messageId: message.id,
    emoji,
    opId: randomUUID(),
  });
  expect(ack).toMatchObject({ ok: true });
  const event = ReactionUpdatedEvent.parse(await heard);
  changes.reactions(event);
  return event;
}

it('a reaction heard live between a changes page and its apply does not make the page skip the edit', async () => {
  // Three messages edited while alice was away; the feed's page (a single one) brings the three edits.
  const received = await editedMessages(feed.server, feed.channelId, feed.bobId, 3);
  const { store, channelId, credentials, edited } = await accountBeforeTheEdits(received);
  const real = createApiClient(fetch, 30_000);
  const target = received[2]!;
  let reaction: ReactionUpdatedEvent | undefined;
  // The page is answered (the edit's changeSeq in it), then bob reacts and alice hears it, then it is applied.
  const api: ApiClient = {
    ...real,
    json: async (...args) => {
      const page = await real.json(...args);
      reaction ??= await reactedLive(changes, target, '👍');
      return page;
    },
  };
  const { changes, emitted } = changesWith(store, api, { id: store.selfId, name: 'alice' });
  await changes.catchUp(channelId, credentials);

  expect(reaction?.changeSeq).toBeGreaterThan(Math.max(...received.map((m) => m.changeSeq)));
  const row = store.messageById(target.id)!;
  expect(row.content).toBe(fixed(target));
  expect(JSON.parse(row.reactions_json)).toEqual([{ emoji: '👍', userIds: [feed.bobId] }]);
  expect(edited()).toHaveLength(3);
  // The last event shown for it carries the edit as well as the reaction.
  expect(emitted.filter((r) => r.id === target.id).at(-1)?.content).toBe(fixed(target));
}, 30_000);

// The review of stop 19's chunking: a page spread over turns widened the window above to every chunk.
it("reactions heard between two chunks of a page, ours acknowledged and bob's, do not make a later chunk skip its edits", async () => {
  // One page of three chunks; the reactions come after the first chunk's commit, on messages of the others.
  const received = await editedMessages(feed.server, feed.channelId, feed.bobId, 2 * CHANGES_CHUNK + 3);
  const { store, channelId, credentials, edited } = await accountBeforeTheEdits(received);
  const [theirs, ours] = [received[CHANGES_CHUNK + 5]!, received[2 * CHANGES_CHUNK + 1]!];
  let turn = 0;
  const nextTurn = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    if (++turn !== 2) return;
    expect(edited()).toHaveLength(CHANGES_CHUNK);
    await reactedLive(changes, theirs, '👍');
    // Our own reaction, queued here, sent over alice's socket, and its ack applied.
    changes.react(channelId, ours.id, '🎉', true);
    const op = store.changes.of(ours.id)[0]!;
    const ack = ChangeAck.parse(
      await emitWithAck(feed.sockets.alice, ChangeEvent.REACTION_ADD, {
        messageId: ours.id,
        emoji: '🎉',
        opId: op.op_id,
      }),
    );
    if (!ack.ok) throw new Error(ack.error);
    changes.applied(op, ack);
  };
  const { changes } = changesWith(
    store,
    createApiClient(fetch, 30_000),
    { id: store.selfId, name: 'alice' },
    nextTurn,
  );
  await changes.catchUp(channelId, credentials);

  expect(turn).toBe(3);
  expect(edited()).toHaveLength(received.length);
  expect(store.messageById(theirs.id)).toMatchObject({
    content: fixed(theirs),
    reactions_json: JSON.stringify([{ emoji: '👍', userIds: [feed.bobId] }]),
  });
  expect(store.messageById(ours.id)).toMatchObject({
    content: fixed(ours),
    reactions_json: JSON.stringify([{ emoji: '🎉', userIds: [store.selfId] }]),
  });
  expect(store.changes.of(ours.id)).toEqual([]);
}, 30_000);

// Review of stop 20: the first sync set the changes cursor to the newest changeSeq held, a live message
// stored after the page was answered included, past a live change to the page's messages that was dropped
// (not held yet when heard).
it('first sync: a reaction heard before the first page is stored still comes by the feed, a newer message held or not', async () => {
  const { server, channelId, alice, bobId } = feed;
  const target = await post('react to me');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'relay-first-sync-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const store = LocalStore.open({ file: path.join(dir, 'db.sqlite'), selfId: alice.user.id });
  cleanups.push(async () => store.close());
  const real = createApiClient(fetch, 30_000);
  store.saveChannels(await real.channels(server.url, alice.token));
  const { changes } = changesWith(store, real, { id: alice.user.id, name: 'alice' });

  const page = await real.history(server.url, alice.token, channelId, { limit: 50 });
  await reactedLive(changes, target, '👍'); // dropped: the message is not held yet
  store.upsertServerMessage(await post('later')); // a live message:new, stored
  store.transaction(() => {
    for (const m of page.messages) store.upsertServerMessage(m);
    store.setFirstSyncCursors(channelId, page.messages);
  });
  await changes.catchUp(channelId, { serverUrl: server.url, token: alice.token });
  expect(JSON.parse(store.messageById(target.id)!.reactions_json)).toEqual([
    { emoji: '👍', userIds: [bobId] },
  ]);
}, 30_000);

/**
 * Every new message takes the channel's next changeSeq, so after a catch-up of new messages the feed
 * would bring each one again (figure 13: 10,000 fetched, parsed and compared twice). The changes the
 * messages held already are, numbered without a gap after the cursor, are not asked for; the first
 * number held by nobody (a change to a message not held, or not held at its newest state) and all after it are.
 */
it('does not fetch again the changes the messages just caught up already are; a change among them still comes', async () => {
  const { server, channelId, bobId } = feed;
  const edit = (m: Message) =>
    server.store.changeMessage({
      opId: randomUUID(),
      userId: bobId,
      messageId: m.id,
      moderator: false,
      change: { kind: 'edit', content: fixed(m), mentions: [] },
      at: new Date().toISOString(),
    });
  const posts = async (prefix: string, n: number) => {
    const out: Message[] = [];
    for (let i = 0; i < n; i++) out.push(await post(`${prefix}${i}`));
    return out;
  };
  const old = await post('old');
  const { store, credentials } = await accountBeforeTheEdits([old]);
  const cursor = old.changeSeq;
  const real = createApiClient(fetch, 30_000);
  const asked: number[] = [];
  const api: ApiClient = {
    ...real,
    json: (serverUrl, token, request, schema) => {
      asked.push(Number(request.query?.after));
      return real.json(serverUrl, token, request, schema);
    },
  };

  // All new and unchanged, held as their pages brought them: nothing asked for before the newest.
  const first = await posts('a-', 30);
  store.transaction(() => {
    for (const m of first) store.upsertServerMessage(m);
  });
  const quiet = changesWith(store, api, { id: store.selfId, name: 'alice' });
  await quiet.changes.catchUp(channelId, credentials);
  expect(asked).toEqual([cursor + 30]);
  expect(quiet.emitted).toEqual([]);
  expect(store.changes.cursor(channelId)).toBe(cursor + 30);

  // Ten new; one of them edited after its page was fetched; ten new; the old message edited; ten new.
  asked.length = 0;
  const b = await posts('b-', 10);
  await edit(b[3]!);
  const c = await posts('c-', 10);
  await edit(old);
  const d = await posts('d-', 10);
  store.transaction(() => {
    for (const m of [...b, ...c, ...d]) store.upsertServerMessage(m);
  });
  const { changes, emitted } = changesWith(store, api, { id: store.selfId, name: 'alice' });
  await changes.catchUp(channelId, credentials);
  // b's ten are held at their numbers; the edit's number after them is held by nobody.
  expect(asked[0]).toBe(cursor + 30 + 10);
  expect(emitted.map((r) => r.id)).toEqual([b[3]!.id, old.id]);
  expect(store.messageById(b[3]!.id)?.content).toBe(fixed(b[3]!));
  expect(store.messageById(old.id)?.content).toBe(fixed(old));
  expect(store.changes.cursor(channelId)).toBe(d.at(-1)!.changeSeq);
  expect(d.at(-1)!.changeSeq).toBe(cursor + 30 + 32);
}, 30_000);

// An ack whose broadcast this device never heard (the op resent after a reconnect:
// the server answers a replayed opId with its first answer and broadcasts nothing) writes our reckoning
// at the change's number. The next catch-up's advanceCursor then steps over that number, so the
// server's state of the change (its mentions, its edit time) is never fetched.
it('an edit acknowledged on a resend (no broadcast heard) still gets the server state from the feed', async () => {
  const { server, channelId, alice } = feed;
  const mine = (
    await server.store.insertMessage({
      id: randomUUID(),
      channelId,
      userId: alice.user.id,
      content: 'hello',
      createdAt: new Date().toISOString(),
    })
  ).message;
  const { store, credentials } = await accountBeforeTheEdits([mine]);
  const { changes } = changesWith(store, createApiClient(fetch, 30_000), { id: store.selfId, name: 'alice' });
  changes.edit(channelId, mine.id, 'hello @bob');
  const op = store.changes.of(mine.id)[0]!;
  const payload = { messageId: mine.id, content: 'hello @bob', opId: op.op_id };
  // First send: applied and broadcast, but the connection dropped before this device heard either.
  const first = ChangeAck.parse(await emitWithAck(feed.sockets.alice, ChangeEvent.EDIT, payload));
  if (!first.ok) throw new Error(first.error);
  await new Promise((resolve) => setTimeout(resolve, 20));
  // After the reconnect the outbox resends it (outbox.connected() runs before the catch-up): replayed.
  const again = ChangeAck.parse(await emitWithAck(feed.sockets.alice, ChangeEvent.EDIT, payload));
  if (!again.ok) throw new Error(again.error);
  expect(again.changeSeq).toBe(first.changeSeq);
  changes.applied(op, again);
  await changes.catchUp(channelId, credentials);

  const onServer = (await server.store.getMessage(mine.id))!;
  expect(onServer.mentions).toEqual([feed.bobId]);
  expect(store.messageById(mine.id)).toMatchObject({
    content: 'hello @bob',
    change_seq: onServer.changeSeq,
    mentions_json: JSON.stringify(onServer.mentions),
    edited_at: onServer.editedAt,
  });
}, 30_000);
