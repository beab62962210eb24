/**
 * Catch-up in batches (bench figures 13 and 14): a page is stored in chunks, each one commit with the
 * channel's cursor, raised to the UI as one event; a kill -9 inside a chunk leaves the cursor where
 * the stored messages end, and the restarted app catches up the rest exactly once, in order.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { login, startTestServer, type TestServer } from '../../src-server/testing';
import type { MessageView } from '../../src-shared/bridge';
import { waitFor } from '../../src-shared/testing/wait-for';
import { LocalStore } from '../store/store';
import { CATCH_UP_CHUNK, CATCH_UP_PAGE } from './account';
import { cleanupAfterEach } from './testing/cleanups';
import { createTestCore, makeUserData, signIn, type TestCore, waitForCaughtUp } from './testing/harness';

const cleanups = cleanupAfterEach();
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Alice signed in and caught up on general (one message: a channel never synced would get only its
 * newest page), then closed; her folder and the general channel's id.
 */
async function aliceWasHere(
  server: TestServer,
): Promise<{ userData: string; aliceId: string; general: string }> {
  const bob = await login(server.url, 'bob');
  const general = (await server.store.listChannels(bob.user.id)).find((c) => c.name === 'general')!.id;
  await bobWrites(server, general, 'seed-', 1);
  const userData = await makeUserData();
  const alice = await createTestCore({ userData });
  await signIn(alice, server.url, 'alice');
  const aliceId = (await alice.core.handlers.getSession(undefined)).user!.id;
  // Shown is not synced (listMessages fetches what it lacks itself): the catch-up has set the cursor.
  await waitFor(() => held(userData, aliceId, general).cursor !== null, 'general synced');
  await alice.close({ keep: true });
  return { userData, aliceId, general };
}

/** `count` messages from bob in the channel while alice is away: `prefix0` … in seq order. */
async function bobWrites(
  server: TestServer,
  channelId: string,
  prefix: string,
  count: number,
): Promise<void> {
  const bob = await login(server.url, 'bob');
  for (let i = 0; i < count; i++)
    await server.store.insertMessage({
      id: randomUUID(),
      channelId,
      userId: bob.user.id,
      content: `${prefix}${i}`,
      createdAt: new Date().toISOString(),
    });
}

function held(userData: string, aliceId: string, channelId: string) {
  const db = new Database(join(userData, `relay-${aliceId}.sqlite`), { readonly: true });
  try {
    const contents = db
      .prepare('SELECT content FROM messages WHERE channel_id = ? ORDER BY seq')
      .pluck()
      .all(channelId) as string[];
    const { cursor, maxSeq } = db
      .prepare(
        'SELECT cursor, (SELECT max(seq) FROM messages WHERE channel_id = c.id) AS maxSeq FROM channels c WHERE id = ?',
      )
      .get(channelId) as { cursor: number | null; maxSeq: number };
    return { contents, cursor, maxSeq };
  } finally {
    db.close();
  }
}

function upsertedWith(t: TestCore, prefix: string): MessageView[] {
  return t.of('messageUpserted').filter((m) => m.content.startsWith(prefix));
}

/** A server, and alice's folder from before 250 messages of bob's in general (`prefix0` …) while she was away. */
async function awayFor250(prefix: string) {
  const server = await startTestServer({ messageRateLimit: 0 });
  cleanups.push(() => server.close());
  const { userData, aliceId, general } = await aliceWasHere(server);
  cleanups.push(() => rm(userData, { recursive: true, force: true }));
  await bobWrites(server, general, prefix, 250);
  return { server, userData, aliceId, general };
}

describe('catch-up in batches', () => {
  it('raises a chunk of caught-up messages as one event, each message once, and one notification for the run', async () => {
    const { userData, general } = await awayFor250('b-');

    const alice = await createTestCore({ userData });
    cleanups.push(() => alice.close({ keep: true }));
    await waitForCaughtUp(alice);
    await waitFor(() => upsertedWith(alice, 'b-').length >= 250, 'all 250 raised');

    const raised = upsertedWith(alice, 'b-');
    expect(new Set(raised.map((m) => m.id)).size).toBe(250);
    expect(raised.map((m) => m.content)).toEqual(Array.from({ length: 250 }, (_, i) => `b-${i}`));
    // 250 in one page: in chunks, each one event.
    const batches = alice.events
      .filter((e) => e.event === 'messagesUpserted')
      .map((e) => (e.payload as MessageView[]).filter((m) => m.content.startsWith('b-')).length)
      .filter((n) => n > 0);
    expect(batches).toEqual(Array.from({ length: 250 / CATCH_UP_CHUNK }, () => CATCH_UP_CHUNK));
    // The unread count is raised per page of the catch-up, not per chunk or message (figure 13: a
    // recount and a bridge event each), and its last value is the store's recount.
    const unread = alice.of('unread').filter((u) => u.channelId === general);
    expect(unread.length).toBeGreaterThan(0);
    expect(unread.length).toBeLessThanOrEqual(Math.ceil(250 / CATCH_UP_PAGE));
    expect(unread.at(-1)?.unreadCount).toBe(251); // with the seed message, never read
    const channel = (await alice.core.handlers.listChannels(undefined)).find((c) => c.id === general);
    expect(unread.at(-1)?.unreadCount).toBe(channel?.unreadCount);
    // The window is not focused: the run's messages notify, once, as one summary.
    await waitFor(() => alice.notifier.shown.length > 0, 'a notification');
    expect(alice.notifier.shown).toHaveLength(1);
    expect(alice.notifier.shown[0]!.body).toMatch(/^250 new messages\./);
  }, 60_000);

  it('reads a looked-at channel once per chunk, not once per message: every message read', async () => {
    const { server, userData, aliceId, general } = await awayFor250('r-');

    // general open in a focused window before the catch-up starts: each chunk arrives read.
    const alice = await createTestCore({ userData, start: false });
    cleanups.push(() => alice.close({ keep: true }));
    await alice.core.handlers.setActiveChannel({ channelId: general });
    await alice.core.handlers.setWindowFocused({ focused: true });
    const moves = vi.spyOn(LocalStore.prototype, 'markReadUpTo');
    cleanups.push(async () => moves.mockRestore());
    await alice.core.start();
    await waitForCaughtUp(alice);
    await waitFor(() => upsertedWith(alice, 'r-').length >= 250, 'all 250 raised');

    const channel = (await alice.core.handlers.listChannels(undefined)).find((c) => c.id === general);
    expect(channel?.unreadCount).toBe(0);
    // Figure 13: the read position was moved per message of the chunk, the first call doing the work
    // and the 24 after it finding nothing new (a read of the channel and an empty transaction each).
    const generalMoves = moves.mock.calls.filter(([channelId]) => channelId === general).length;
    expect(generalMoves).toBeGreaterThanOrEqual(250 / CATCH_UP_CHUNK);
    expect(generalMoves).toBeLessThanOrEqual(250 / CATCH_UP_CHUNK + 3);
    const unread = alice.of('unread').filter((u) => u.channelId === general);
    expect(unread.at(-1)?.unreadCount).toBe(0);
    // Read once a chunk, yet a READ owed and sent for each message: the server's read position is at the
    // last (250 and the seed), and bob's history shows each of his 250 READ. Looked at: nothing notified.
    const serverRead = async () =>
      (await server.store.listChannels(aliceId)).find((c) => c.id === general)?.lastReadSeq;
    await waitFor(async () => (await serverRead()) === 251, 'the server read up to the last');
    const bob = (await server.store.findUserByUsername('bob'))!;
    const statuses: string[] = [];
    for (let after = 0, more = true; more; ) {
      const page = await server.store.listMessages(general, bob.id, { after, limit: 100 });
      for (const m of page.messages) if (m.content.startsWith('r-')) statuses.push(m.deliveryStatus);
      after = page.messages.at(-1)?.seq ?? after;
      more = page.hasMore;
    }
    expect(statuses).toEqual(Array.from({ length: 250 }, () => 'READ'));
    expect(alice.notifier.shown).toHaveLength(0);
  }, 60_000);

  it('survives kill -9 inside a chunk: the cursor is where the stored messages end; restarted, the rest once, in order', async () => {
    const server = await startTestServer({ messageRateLimit: 0 });
    cleanups.push(() => server.close());
    const { userData, aliceId, general } = await aliceWasHere(server);
    cleanups.push(() => rm(userData, { recursive: true, force: true }));
    const before = held(userData, aliceId, general);
    await bobWrites(server, general, 'k-', 250);

    // Killed while storing k-110, inside the transaction of its chunk.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src-main/core/testing/child-catch-up.ts', userData, server.url, 'k-110'],
      { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    expect(signal).toBe('SIGKILL');

    const atKill = held(userData, aliceId, general);
    // The chunks before it committed with their cursor; nothing of its own chunk, though written up to it.
    const first = Array.from(
      { length: Math.floor(110 / CATCH_UP_CHUNK) * CATCH_UP_CHUNK },
      (_, i) => `k-${i}`,
    );
    expect(atKill.contents).toEqual([...before.contents, ...first]);
    expect(atKill.cursor).toBe(atKill.maxSeq);

    const alice = await createTestCore({ userData });
    cleanups.push(() => alice.close({ keep: true }));
    await waitForCaughtUp(alice);
    const all = Array.from({ length: 250 }, (_, i) => `k-${i}`);
    await waitFor(
      () => held(userData, aliceId, general).contents.length === before.contents.length + 250,
      'all held',
    );
    expect(held(userData, aliceId, general).contents).toEqual([...before.contents, ...all]);
    // Raised once each after the restart: those not stored before the kill.
    const raised = upsertedWith(alice, 'k-').map((m) => m.content);
    expect(raised).toEqual(all.slice(first.length));
    const after = held(userData, aliceId, general);
    expect(after.cursor).toBe(after.maxSeq);
  }, 90_000);

  it('checks a page a chunk at a time: a message refused half way stops the page there, what came before is stored with its cursor, and the next run brings the rest once, in order', async () => {
    const server = await startTestServer({ messageRateLimit: 0 });
    cleanups.push(() => server.close());
    const { userData, aliceId, general } = await aliceWasHere(server);
    cleanups.push(() => rm(userData, { recursive: true, force: true }));
    const before = held(userData, aliceId, general);
    await bobWrites(server, general, 'p-', 120);

    // While `spoil` is on, the catch-up pages of general come with p-60 refused by the schema (a seq
    // that is not a number).
    let spoil = true;
    let spoiled = 0;
    const spoiling: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (!spoil || !url.pathname.endsWith(`/${general}/messages`) || !url.searchParams.has('after'))
        return response;
      const body = (await response.json()) as { messages: { seq: unknown; content: string }[] };
      const bad = body.messages.find((m) => m.content === 'p-60');
      if (bad) {
        bad.seq = 'sixty';
        spoiled++;
      }
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
    };
    const alice = await createTestCore({ userData, ports: { fetch: spoiling } });
    cleanups.push(() => alice.close({ keep: true }));
    const stored = Math.floor(60 / CATCH_UP_CHUNK) * CATCH_UP_CHUNK;
    // Refused twice: the first run failed there and the core's retry met the same page again.
    await waitFor(() => spoiled >= 2, 'a spoiled page, fetched again');
    // Nothing of the refused message's chunk or after it; the cursor at what is held.
    const atFailure = held(userData, aliceId, general);
    const all = Array.from({ length: 120 }, (_, i) => `p-${i}`);
    expect(atFailure.contents).toEqual([...before.contents, ...all.slice(0, stored)]);
    expect(atFailure.cursor).toBe(atFailure.maxSeq);

    // The server sends what it should again: the next run brings the rest, once, in order.
    spoil = false;
    await waitFor(
      () => held(userData, aliceId, general).contents.length === before.contents.length + 120,
      'all held',
    );
    expect(held(userData, aliceId, general).contents).toEqual([...before.contents, ...all]);
    const raised = upsertedWith(alice, 'p-').map((m) => m.content);
    expect(raised).toEqual(all);
  }, 60_000);
  it('a channel begun early whose first page fails is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanups.push(async () => {
      process.off('unhandledRejection', onUnhandled);
    });
    const server = await startTestServer({ messageRateLimit: 0 });
    cleanups.push(() => server.close());
    const alice = await login(server.url, 'alice');
    for (let i = 0; i < 6; i++)
      await server.store.createChannel({ name: `extra-${i}`, memberIds: [alice.user.id] });
    // The channel list's order, as the core gets it; the fifth channel is begun early by the first worker.
    let order: string[] = [];
    let failed = 0;
    const steering: typeof fetch = async (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      const page = /\/api\/channels\/([^/]+)\/messages$/.exec(url.pathname);
      if (page) {
        const at = order.indexOf(decodeURIComponent(page[1]!));
        if (at === 4 && failed === 0) {
          failed++;
          throw new TypeError('fetch failed'); // the network dropped, while the workers are still busy
        }
        if (at >= 0 && at < 4 && failed === 0) await new Promise((r) => setTimeout(r, 1500));
      }
      const response = await fetch(input, init);
      if (url.pathname === '/api/channels' && response.ok)
        order = ((await response.clone().json()) as { id: string }[]).map((c) => c.id);
      return response;
    };
    const t = await createTestCore({ ports: { fetch: steering } });
    cleanups.push(() => t.close());
    await t.core.handlers.signIn({ serverUrl: server.url, username: 'alice', password: 'password' });
    await waitFor(() => failed > 0, 'the early channel failed');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(unhandled.map(String)).toEqual([]);
  }, 60_000);
});
