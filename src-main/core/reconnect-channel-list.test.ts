/**
 * The channel list a reconnect's catch-up fetches, against what happens while it is on its way (found by
 * stop 22's review). A list older than a join must not drop the channel just joined, which would now
 * take its messages with it (store.ts `forgetMessages`); and the outbox waits for the list, so what
 * waited to go to a channel left while offline is Failed with the reason, not sent, refused and
 * dropped (an edit's text with it) when the outbox happens to pump first.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src-server/testing';
import { cleanupAfterEach } from './testing/cleanups';
import { createTestCore, signIn, waitFor } from './testing/harness';
import { httpAs } from './testing/http-as';
import { startProxy } from './testing/proxy';

const cleanups = cleanupAfterEach();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ messageRateLimit: 0 });
});
afterAll(async () => server?.close());

it('a channel joined while the catch-up list is in flight is not dropped by that stale list', async () => {
  const bob = await httpAs(server.url, 'bob');
  const channel = await bob.call('POST', '/api/channels', { name: `stale-${Date.now().toString(36)}` });
  for (let i = 0; i < 5; i++)
    await server.store.insertMessage({
      id: randomUUID(),
      channelId: channel.id,
      userId: bob.user.id,
      content: `old ${i}`,
      createdAt: new Date().toISOString(),
    });

  const proxy = await startProxy(server.port);
  cleanups.push(() => proxy.close());
  let gate: Promise<void> | null = null;
  let release = () => {};
  let listAsked = () => {};
  const asked = new Promise<void>((resolve) => {
    listAsked = resolve;
  });
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (gate && url.pathname === '/api/channels' && url.search === '' && (init?.method ?? 'GET') === 'GET') {
      const held = gate;
      gate = null;
      listAsked();
      await held; // the answer (without the channel) reaches the core only after the join
    }
    return response;
  };
  const alice = await createTestCore({ ports: { fetch } });
  cleanups.push(() => alice.close());
  await signIn(alice, proxy.url, 'alice');

  gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  proxy.cut(); // reconnect -> catch-up -> GET /api/channels (held)
  await asked;

  await alice.core.handlers.joinChannel({ channelId: channel.id });
  await waitFor(
    async () => (await alice.core.handlers.listMessages({ channelId: channel.id })).messages.length === 5,
    'first page synced',
  );
  const aliceId = (await httpAs(server.url, 'alice')).user.id;
  const before = messagesOnDisk(alice.userData, aliceId, channel.id);
  release();
  await new Promise((resolve) => setTimeout(resolve, 800));
  const after = messagesOnDisk(alice.userData, aliceId, channel.id);

  const listed = (await alice.core.handlers.listChannels(undefined)).some((c) => c.id === channel.id);
  expect(listed, 'the channel joined is still in the list').toBe(true);
  expect(after, 'its messages still on disk').toBe(before);
});

function messagesOnDisk(userData: string, userId: string, channelId: string): number {
  const db = new Database(join(userData, `relay-${userId}.sqlite`), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM messages WHERE channel_id = ?').pluck().get(channelId) as number;
  } finally {
    db.close();
  }
}

it('a channel left while offline keeps the unsent send, edit and reaction Failed with the reason, however late the list comes', async () => {
  const bob = await httpAs(server.url, 'bob');
  const phone = await httpAs(server.url, 'alice');
  const channel = await bob.call('POST', '/api/channels', { name: `race-${Date.now().toString(36)}` });
  await bob.call('POST', `/api/channels/${channel.id}/messages`, { content: 'hi' }).catch(() => undefined);

  const proxy = await startProxy(server.port);
  cleanups.push(() => proxy.close());
  let slowList = false;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (slowList && url.pathname === '/api/channels' && url.search === '') {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    }
    return globalThis.fetch(input, init);
  };
  const alice = await createTestCore({ ports: { fetch } });
  cleanups.push(() => alice.close());
  await signIn(alice, proxy.url, 'alice');
  await alice.core.handlers.joinChannel({ channelId: channel.id });
  const mine = await alice.core.handlers.sendMessage({ channelId: channel.id, content: 'sent before' });
  await waitFor(async () => (await alice.core.handlers.listOutbox(undefined)).length === 0, 'sent');

  proxy.refuse();
  await waitFor(
    async () => (await alice.core.handlers.getSession(undefined)).connection !== 'connected',
    'offline',
  );
  await alice.core.handlers.sendMessage({ channelId: channel.id, content: 'written offline' });
  await alice.core.handlers.editMessage({ channelId: channel.id, key: mine.key, content: 'edited offline' });
  await alice.core.handlers.addReaction({ channelId: channel.id, key: mine.key, emoji: '👀' });
  await phone.call('POST', `/api/channels/${channel.id}/leave`);
  slowList = true;
  proxy.heal();

  await waitFor(
    async () => !(await alice.core.handlers.listChannels(undefined)).some((c) => c.id === channel.id),
    'gone from the list',
  );
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const outbox = await alice.core.handlers.listOutbox(undefined);
  expect(outbox.map((i) => [i.kind, i.content, i.status])).toEqual([
    ['send', 'written offline', 'Failed'],
    ['edit', 'edited offline', 'Failed'],
    ['react', '👀', 'Failed'],
  ]);
  for (const item of outbox) expect(item.failure?.message).toMatch(/member/i);
  // Only the unsent message is left of the channel on disk: its text is the user's own.
  expect(messagesOnDisk(alice.userData, phone.user.id, channel.id)).toBe(1);
});
