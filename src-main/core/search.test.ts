/**
 * Local search (issue 14): the FTS5 index on a real SQLite file follows inserts, edits and deletions;
 * offline the cache answers alone, online the server's results for history never cached are merged in.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectAs, emitWithAck, login, startTestServer } from '../../src-server/testing';
import { ChannelList, type Message } from '../../src-shared/protocol';
import { serverMessage } from '../../src-shared/testing/messages';
import { LocalStore } from '../store/store';
import { snippet } from './search';
import { channelId, createTestCore, signIn, waitFor } from './testing/harness';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the local index', () => {
  it('finds every word as a prefix, without case or accents, and follows edits and deletions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-search-'));
    const me = { id: randomUUID(), name: 'alice' };
    const store = LocalStore.open({ file: join(dir, 'db.sqlite'), selfId: me.id });
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanups.push(() => store.close());
    const [a, b] = [randomUUID(), randomUUID()];
    const message = (channel: string, seq: number, content: string): Message =>
      serverMessage({
        channelId: channel,
        user: { id: randomUUID(), name: 'bob' },
        seq,
        content,
        createdAt: new Date(1_700_000_000_000 + seq).toISOString(),
      });
    const deploy = message(a, 1, 'The Déploiement of the café starts at noon');
    const other = message(b, 1, 'deploy notes, in another channel');
    store.upsertServerMessage(deploy);
    store.upsertServerMessage(other);
    const found = (q: string, channelId?: string) =>
      store.search(q, { channelId, limit: 10 }).map((r) => r.id);
    expect(found('deplo')).toEqual([other.id, deploy.id]);
    expect(found('CAFE noon')).toEqual([deploy.id]);
    expect(found('deplo', b)).toEqual([other.id]);
    expect(found('"; DROP TABLE messages; --')).toEqual([]);
    store.upsertServerMessage({ ...deploy, content: 'moved to tomorrow', changeSeq: 2 });
    expect(found('noon')).toEqual([]);
    expect(found('tomorrow')).toEqual([deploy.id]);
    store.changes.deleted(other.id, 3);
    expect(found('deploy')).toEqual([]);
  });

  it('cuts a snippet around the first match and says where the matched words are', () => {
    const text = `${'x '.repeat(100)}the Café opens, cafés close`;
    const { snippet: cut, matches } = snippet(text, 'cafe');
    expect(cut.startsWith('…')).toBe(true);
    expect(matches.map((m) => cut.slice(m.start, m.end))).toEqual(['Café', 'cafés']);
  });
});

describe('searchMessages', () => {
  it('answers from the cache offline, and merges the server for history it never cached', async () => {
    const server = await startTestServer({ messageRateLimit: 0 });
    cleanups.push(() => server.close());
    // Older than the newest page an app caches when it first syncs.
    const bob = await connectAs(server.url, 'bob');
    cleanups.push(() => bob.socket.close());
    const { token } = await login(server.url, 'bob');
    const res = await fetch(`${server.url}/api/channels`, { headers: { authorization: `Bearer ${token}` } });
    const general = ChannelList.parse(await res.json()).find((c) => c.name === 'general')!.id;
    const send = (content: string) =>
      emitWithAck(bob.socket, 'message:send', { channelId: general, content, clientMessageId: randomUUID() });
    await send('ancient needle');
    for (let i = 0; i < 60; i++) await send(`filler ${i}`);
    await send('recent needle');

    const alice = await createTestCore();
    cleanups.push(() => alice.close());
    await signIn(alice, server.url, 'alice');
    expect(await channelId(alice, 'general')).toBe(general);
    /** The network goes away or comes back, and the core says so. */
    const network = async (up: boolean) => {
      alice.core.networkChanged(up);
      const state = up ? 'connected' : 'offline';
      await waitFor(
        async () => (await alice.core.handlers.getSession(undefined)).connection === state,
        state,
      );
    };
    await network(false);
    const offline = await alice.core.handlers.searchMessages({ query: 'needle' });
    expect(offline.offline).toBe(true);
    expect(offline.results.map((r) => r.snippet)).toEqual(['recent needle']);
    expect(offline.results[0]).toMatchObject({ channelName: 'general', author: { id: bob.user.id } });

    await network(true);
    const online = await alice.core.handlers.searchMessages({ query: 'needle' });
    expect(online.offline).toBe(false);
    expect(online.results.map((r) => r.snippet)).toEqual(['recent needle', 'ancient needle']);
    // The result opens its message: the page around it is fetched.
    const around = await alice.core.handlers.listMessages({
      channelId: general,
      around: online.results[1]!.messageId,
      limit: 10,
    });
    expect(around.messages.some((m) => m.content === 'ancient needle')).toBe(true);
    // Scrolling up from the newest page does not skip the messages between it and the jumped-to page.
    const newest = await alice.core.handlers.listMessages({ channelId: general, limit: 50 });
    const older = await alice.core.handlers.listMessages({
      channelId: general,
      before: newest.messages[0]!.seq,
      limit: 50,
    });
    const seqs = [...older.messages, ...newest.messages].map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] as number) + i));
  }, 60_000);
});
