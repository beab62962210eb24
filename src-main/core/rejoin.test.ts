/**
 * Leaving a channel and coming back, against the real server and real SQLite files: what changed while
 * away (an older message edited, one deleted, one reacted to) is what the rejoined app shows when it
 * scrolls back, never the copy held from before the leave. A channel left keeps nothing of its messages
 * on disk (least privilege: a private channel's text is the members'), except our own unsent ones, which
 * stay Failed with the reason (reconnect-channel-list.test.ts), like any send the server refuses.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload } from '../../src-server/files/suite';
import { connectAs, emitWithAck, login, startTestServer, type TestServer } from '../../src-server/testing';
import type { MessageView } from '../../src-shared/bridge';
import { ChangeEvent, MessageEvent, type SendAck } from '../../src-shared/protocol';
import { cleanupAfterEach } from './testing/cleanups';
import { createTestCore, signIn, type TestCore, waitFor } from './testing/harness';

const cleanups = cleanupAfterEach();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ messageRateLimit: 0 });
});
afterAll(async () => server?.close());

/** More than the first page (50): the oldest ten are only seen by scrolling back. */
const HISTORY = 60;

let names = 0;
const freshName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${names++}`;

async function http(username: string) {
  const { token, user } = await login(server.url, username);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => undefined)) as { id: string };
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return { token, user, call };
}

async function core(username: string, opts: { userData?: string } = {}): Promise<TestCore> {
  const t = await createTestCore({ userData: opts.userData });
  cleanups.push(() => t.close({ keep: true }));
  if (!opts.userData) await signIn(t, server.url, username);
  return t;
}

/** Bob's channel of HISTORY messages (`old`), their ids in seq order. */
async function bobsChannel(): Promise<{ id: string; ids: string[] }> {
  const bob = await http('bob');
  const channel = await bob.call('POST', '/api/channels', { name: freshName('rejoin') });
  // Stored together (the writer commits them in groups), then named in seq order.
  const stored = await Promise.all(
    Array.from({ length: HISTORY }, () =>
      server.store.insertMessage({
        id: randomUUID(),
        channelId: channel.id,
        userId: bob.user.id,
        content: 'old',
        createdAt: new Date().toISOString(),
      }),
    ),
  );
  const ids = stored
    .map((s) => s.message)
    .sort((a, b) => a.seq - b.seq)
    .map((m) => m.id);
  return { id: channel.id, ids };
}

/** Everything the app shows of a channel, scrolled back to its first message (history fetched as needed). */
async function scrolledBack(t: TestCore, channelId: string): Promise<MessageView[]> {
  let page = await t.core.handlers.listMessages({ channelId });
  const all = [...page.messages];
  while (all[0]?.seq !== undefined && all[0].seq > 1 && page.messages.length > 0) {
    page = await t.core.handlers.listMessages({ channelId, before: all[0].seq });
    all.unshift(...page.messages);
  }
  return all;
}

const listed = async (t: TestCore, channelId: string) =>
  (await t.core.handlers.listChannels(undefined)).some((c) => c.id === channelId);

/** Alice holds the whole channel: joined, its newest page synced, the rest fetched by scrolling back. */
async function aliceHoldsIt(
  alice: TestCore,
  channel: { id: string; ids: string[] },
  count = HISTORY,
): Promise<void> {
  await alice.core.handlers.joinChannel({ channelId: channel.id });
  await waitFor(
    async () => (await alice.core.handlers.listMessages({ channelId: channel.id })).messages.length > 0,
    'first page synced',
  );
  const all = await scrolledBack(alice, channel.id);
  expect(all.map((m) => m.id).slice(0, HISTORY)).toEqual(channel.ids);
  expect(all).toHaveLength(count);
}

/** While alice is away, bob edits his third message, deletes the fifth and reacts to the seventh. */
async function bobChangesOldMessages(channel: { ids: string[] }): Promise<void> {
  const { socket } = await connectAs(server.url, 'bob');
  try {
    const acks = [
      await emitWithAck(socket, ChangeEvent.EDIT, {
        messageId: channel.ids[2],
        content: 'edited while alice was away',
        opId: randomUUID(),
      }),
      await emitWithAck(socket, ChangeEvent.DELETE, { messageId: channel.ids[4], opId: randomUUID() }),
      await emitWithAck(socket, ChangeEvent.REACTION_ADD, {
        messageId: channel.ids[6],
        emoji: '🎉',
        opId: randomUUID(),
      }),
    ];
    for (const ack of acks) expect(ack).toMatchObject({ ok: true });
  } finally {
    socket.close();
  }
}

/** Alice rejoins and scrolls back: the current state of every message, not the one held before. */
async function rejoinedSeesCurrentState(alice: TestCore, channel: { id: string; ids: string[] }) {
  await alice.core.handlers.joinChannel({ channelId: channel.id });
  await waitFor(
    async () =>
      (await alice.core.handlers.listMessages({ channelId: channel.id })).messages.at(-1)?.id ===
      channel.ids.at(-1),
    'the newest page synced again',
  );
  const all = await scrolledBack(alice, channel.id);
  expect(all).toHaveLength(HISTORY);
  const byId = new Map(all.map((m) => [m.id, m]));
  expect(byId.get(channel.ids[2])).toMatchObject({ content: 'edited while alice was away' });
  expect(byId.get(channel.ids[2])?.editedAt).toBeDefined();
  expect(byId.get(channel.ids[4])).toMatchObject({ deleted: true, content: '' });
  expect(byId.get(channel.ids[6])?.reactions).toMatchObject([{ emoji: '🎉', count: 1 }]);
  expect(byId.get(channel.ids[8])).toMatchObject({ content: 'old', deleted: false, reactions: [] });
}

/** What alice's file holds of a channel: its messages, and the receipts waiting to go there. */
function onDisk(t: TestCore, aliceId: string, channelId: string) {
  const db = new Database(join(t.userData, `relay-${aliceId}.sqlite`), { readonly: true });
  try {
    const count = (sql: string) => (db.prepare(sql).pluck().get(channelId) as number) ?? 0;
    return {
      messages: count('SELECT count(*) FROM messages WHERE channel_id = ?'),
      receipts: count('SELECT count(*) FROM receipt_outbox WHERE channel_id = ?'),
    };
  } finally {
    db.close();
  }
}

describe('leaving a channel and coming back', () => {
  it('left here (leaveChannel): nothing of it kept, and the rejoin shows the edits, deletion and reaction made meanwhile', async () => {
    const channel = await bobsChannel();
    const alice = await core('alice');
    const aliceId = (await alice.core.handlers.getSession(undefined)).user!.id;
    await aliceHoldsIt(alice, channel);
    expect(onDisk(alice, aliceId, channel.id).messages).toBe(HISTORY);

    await alice.core.handlers.leaveChannel({ channelId: channel.id });
    expect(await listed(alice, channel.id)).toBe(false);
    expect(onDisk(alice, aliceId, channel.id)).toEqual({ messages: 0, receipts: 0 });

    await bobChangesOldMessages(channel);
    await rejoinedSeesCurrentState(alice, channel);
  });

  it('left on another device while running (channel:left): the same', async () => {
    const channel = await bobsChannel();
    const alice = await core('alice');
    const phone = await http('alice');
    await aliceHoldsIt(alice, channel);

    await phone.call('POST', `/api/channels/${channel.id}/leave`);
    await waitFor(async () => !(await listed(alice, channel.id)), 'channel:left heard');
    expect(onDisk(alice, phone.user.id, channel.id)).toEqual({ messages: 0, receipts: 0 });

    await bobChangesOldMessages(channel);
    await rejoinedSeesCurrentState(alice, channel);
  });

  it('left while the app was closed: the next channel list drops it and its messages; the rejoin is current', async () => {
    const channel = await bobsChannel();
    const first = await createTestCore();
    await signIn(first, server.url, 'alice');
    const phone = await http('alice');
    await aliceHoldsIt(first, channel);
    await first.close({ keep: true });

    await phone.call('POST', `/api/channels/${channel.id}/leave`);
    await bobChangesOldMessages(channel);

    const alice = await core('alice', { userData: first.userData });
    await waitFor(
      async () => (await alice.core.handlers.getSession(undefined)).connection === 'connected',
      'connected',
    );
    await waitFor(
      async () =>
        (await alice.core.handlers.listChannels(undefined)).length > 0 && !(await listed(alice, channel.id)),
      'the channel list synced without it',
    );
    expect(onDisk(alice, phone.user.id, channel.id)).toEqual({ messages: 0, receipts: 0 });
    await rejoinedSeesCurrentState(alice, channel);
  });

  it('a channel left takes its files out of the file cache', async () => {
    const channel = await bobsChannel();
    const bob = await connectAs(server.url, 'bob');
    cleanups.push(async () => bob.socket.close());
    const uploaded = await upload(server.url, bob.token, new Uint8Array(Buffer.from('plans\n'.repeat(40))), {
      'x-file-name': 'plans.txt',
    });
    const fileId = uploaded.body.id!;
    const sent = await emitWithAck<SendAck>(bob.socket, MessageEvent.SEND, {
      channelId: channel.id,
      content: 'the plans',
      clientMessageId: randomUUID(),
      fileIds: [fileId],
    });
    expect(sent.ok).toBe(true);
    const alice = await core('alice');
    await aliceHoldsIt(alice, channel, HISTORY + 1);
    const opened = await alice.core.files.open(fileId, 'original');
    expect(await readFile(opened.path, 'utf8')).toContain('plans');

    await alice.core.handlers.leaveChannel({ channelId: channel.id });
    await waitFor(
      async () => !existsSync(opened.path) && !existsSync(`${opened.path}.json`),
      'its file forgotten',
    );
  });
});
