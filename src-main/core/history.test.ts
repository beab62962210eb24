/** History: a first sign-in loads the newest page; scrolling back fetches older pages from the server. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectAs, emitWithAck, startTestServer, type TestServer } from '../../src-server/testing';
import { MessageEvent, SendAck } from '../../src-shared/protocol';
import { channelId, createTestCore, signIn, type TestCore, waitFor } from './testing/harness';

let server: TestServer;
let alice: TestCore;

beforeAll(async () => {
  server = await startTestServer({ messageRateLimit: 0 });
  const bob = await connectAs(server.url, 'bob');
  const channels = (await (
    await fetch(`${server.url}/api/channels`, { headers: { authorization: `Bearer ${bob.token}` } })
  ).json()) as { id: string; name: string }[];
  const general = channels.find((c) => c.name === 'general')?.id as string;
  for (let i = 0; i < 120; i++) {
    const ack = SendAck.parse(
      await emitWithAck(bob.socket, MessageEvent.SEND, { channelId: general, content: `old ${i}` }),
    );
    if (!ack.ok) throw new Error(ack.error);
  }
  bob.socket.close();
  alice = await createTestCore();
  await signIn(alice, server.url, 'alice');
});
afterAll(async () => {
  await alice?.close();
  await server?.close();
});

it('pages back through the whole history, each message once, in seq order', async () => {
  const general = await channelId(alice, 'general');
  const seen: string[] = [];
  let page = await alice.core.handlers.listMessages({ channelId: general, limit: 50 });
  seen.unshift(...page.messages.map((m) => m.content));
  while (page.hasMore) {
    const before = page.messages[0]?.seq as number;
    page = await alice.core.handlers.listMessages({ channelId: general, before, limit: 50 });
    seen.unshift(...page.messages.map((m) => m.content));
  }
  expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => `old ${i}`));
  expect((await alice.core.handlers.listChannels(undefined)).find((c) => c.id === general)?.unreadCount).toBe(
    120,
  );
  // Old history does not notify.
  expect(alice.notifier.shown).toEqual([]);

  const middle = (await alice.core.handlers.listMessages({ channelId: general, limit: 500 })).messages[60];
  const around = await alice.core.handlers.listMessages({
    channelId: general,
    around: middle?.id,
    limit: 10,
  });
  expect(around.messages.map((m) => m.content)).toEqual(
    Array.from({ length: 10 }, (_, i) => `old ${55 + i}`),
  );
});

it('finds a thread reply by id (a deep link to it): the page around it holds it, with its parent', async () => {
  const general = await channelId(alice, 'general');
  const parentId = (await alice.core.handlers.listMessages({ channelId: general, limit: 1 })).messages[0]!
    .id!;
  await alice.core.handlers.sendMessage({ channelId: general, content: 'a reply', parentId });
  await waitFor(
    async () =>
      (await alice.core.handlers.listThread({ channelId: general, parentId })).some(
        (m) => m.seq !== undefined,
      ),
    'the reply stored',
  );
  const reply = (await alice.core.handlers.listThread({ channelId: general, parentId })).find(
    (m) => m.content === 'a reply',
  )!;
  const around = await alice.core.handlers.listMessages({ channelId: general, around: reply.id!, limit: 1 });
  expect(around.messages.map((m) => [m.content, m.parentId])).toEqual([['a reply', parentId]]);
});
