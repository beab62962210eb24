/** The core against the real server: session, sending, refusals, links, drafts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src-server/testing';
import { BridgeFailure } from '../../src-shared/bridge';
import { createRouter } from '../bridge/router';
import {
  channelId,
  createTestCore,
  outboxEmpty,
  signedInBefore,
  signIn,
  type TestCore,
  waitFor,
} from './testing/harness';

let server: TestServer;
let alice: TestCore;

beforeAll(async () => {
  server = await startTestServer();
  alice = await createTestCore();
  await signIn(alice, server.url, 'alice');
});
afterAll(async () => {
  await alice?.close();
  await server?.close();
});

async function failure(call: () => unknown): Promise<BridgeFailure> {
  try {
    await call();
  } catch (error) {
    if (error instanceof BridgeFailure) return error;
    throw error;
  }
  throw new Error('expected a BridgeFailure');
}

describe('session', () => {
  it('signs in, keeps the session, and lists only the user’s channels', async () => {
    const session = await alice.core.handlers.getSession(undefined);
    expect(session).toMatchObject({ signedIn: true, user: { name: 'Alice' }, connection: 'connected' });
    const names = (await alice.core.handlers.listChannels(undefined)).map((c) => c.name).sort();
    expect(names).toEqual(['general', 'random']);
  });

  it('refuses a wrong password as UNAUTHORIZED and an unreachable server as SERVER_UNREACHABLE', async () => {
    const other = await createTestCore();
    try {
      const wrong = await failure(() =>
        other.core.handlers.signIn({ serverUrl: server.url, username: 'bob', password: 'nope' }),
      );
      expect(wrong.code).toBe('UNAUTHORIZED');
      const down = await failure(() =>
        other.core.handlers.signIn({
          serverUrl: 'http://127.0.0.1:1',
          username: 'bob',
          password: 'password',
        }),
      );
      expect(down.code).toBe('SERVER_UNREACHABLE');
      const scheme = await failure(() =>
        other.core.handlers.signIn({ serverUrl: 'ftp://127.0.0.1/', username: 'bob', password: 'password' }),
      );
      expect(scheme.code).toBe('VALIDATION');
      expect((await other.core.handlers.getSession(undefined)).signedIn).toBe(false);
      expect(
        (
          await failure(() =>
            other.core.handlers.sendMessage({ channelId: crypto.randomUUID(), content: 'x' }),
          )
        ).code,
      ).toBe('NOT_SIGNED_IN');
    } finally {
      await other.close();
    }
  });

  it('restores the session from the secret store on the next start', async () => {
    const { userData } = await signedInBefore(server.url, 'carol');
    const second = await createTestCore({ userData });
    try {
      expect((await second.core.handlers.getSession(undefined)).user?.name).toBe('Carol');
      await waitFor(
        async () => (await second.core.handlers.getSession(undefined)).connection === 'connected',
        'reconnected',
      );
      await second.core.handlers.signOut(undefined);
      expect(await second.core.handlers.getSession(undefined)).toMatchObject({
        signedIn: false,
        connection: 'offline',
      });
    } finally {
      await second.close();
    }
  });
});

describe('sending', () => {
  it('shows a message as Sending at once, then Sent with its server id and seq', async () => {
    const general = await channelId(alice, 'general');
    const view = await alice.core.handlers.sendMessage({ channelId: general, content: 'hello world' });
    expect(view).toMatchObject({ status: 'Sending', own: true, key: view.clientMessageId });
    await waitFor(() => outboxEmpty(alice), 'outbox flushed');
    const page = await alice.core.handlers.listMessages({ channelId: general });
    const sent = page.messages.find((m) => m.clientMessageId === view.clientMessageId);
    expect(sent).toMatchObject({ status: 'Sent', key: view.key, content: 'hello world' });
    expect(sent?.id).toBeDefined();
    expect(sent?.seq).toBeGreaterThan(0);
  });

  it('gives each send a time-ordered clientMessageId (UUID version 7), in the order sent', async () => {
    // Random ids put every send on a random page of two indexes (the message's and its operation's),
    // here and in the server's dedup index: BENCHMARKS.md "outbox9".
    const general = await channelId(alice, 'general');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (await alice.core.handlers.sendMessage({ channelId: general, content: `v7-${i}` })).clientMessageId!,
      );
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    await waitFor(() => outboxEmpty(alice), 'outbox flushed');
  });

  it('refuses an invalid message at once and queues nothing (parsed once, by the bridge contract)', async () => {
    const general = await channelId(alice, 'general');
    const router = createRouter(alice.core.handlers, () => {});
    const blank = await router.dispatch('sendMessage', { channelId: general, content: '   ' });
    expect(blank).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const long = await router.dispatch('sendMessage', { channelId: general, content: 'x'.repeat(2001) });
    expect(long).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await alice.core.handlers.listOutbox(undefined)).toEqual([]);
  });

  it('fails a message the server refuses for good, without blocking the next one in the channel', async () => {
    const general = await channelId(alice, 'general');
    const orphan = await alice.core.handlers.sendMessage({
      channelId: general,
      content: 'reply to nothing',
      parentId: crypto.randomUUID(),
    });
    const after = await alice.core.handlers.sendMessage({ channelId: general, content: 'next in line' });
    await waitFor(async () => {
      const outbox = await alice.core.handlers.listOutbox(undefined);
      return outbox.length === 1 && outbox[0]?.status === 'Failed';
    }, 'refused message failed, the next one sent');
    const [failed] = await alice.core.handlers.listOutbox(undefined);
    expect(failed?.clientMessageId).toBe(orphan.clientMessageId);
    expect(failed?.failure?.code).toMatch(/NOT_FOUND|VALIDATION|FORBIDDEN/);
    const page = await alice.core.handlers.listMessages({ channelId: general });
    expect(page.messages.find((m) => m.key === after.key)?.status).toBe('Sent');
    expect(await alice.core.handlers.discardAllFailed(undefined)).toBe(1);
    expect(alice.of('messageRemoved')).toContainEqual({ channelId: general, key: orphan.key });
  });

  it('keeps drafts', async () => {
    const random = await channelId(alice, 'random');
    await alice.core.handlers.setDraft({ channelId: random, text: 'half a thought' });
    expect(await alice.core.handlers.getDraft({ channelId: random })).toBe('half a thought');
  });
});

describe('links', () => {
  it('opens only http(s) links', async () => {
    await alice.core.handlers.openLink({ url: 'https://example.com/a?b=c' });
    expect(alice.opened).toEqual(['https://example.com/a?b=c']);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'not a url']) {
      expect((await failure(() => alice.core.handlers.openLink({ url }))).code).toBe('VALIDATION');
    }
    expect(alice.opened).toHaveLength(1);
  });
});

describe('threads', () => {
  it('lists replies under their parent and counts them on it', async () => {
    const general = await channelId(alice, 'general');
    const parent = await alice.core.handlers.sendMessage({ channelId: general, content: 'start a thread' });
    await waitFor(() => outboxEmpty(alice), 'parent sent');
    const parentId = (await alice.core.handlers.listMessages({ channelId: general })).messages.find(
      (m) => m.key === parent.key,
    )?.id as string;
    await alice.core.handlers.sendMessage({ channelId: general, content: 'first reply', parentId });
    await waitFor(() => outboxEmpty(alice), 'reply sent');
    expect(
      (await alice.core.handlers.listThread({ channelId: general, parentId })).map((m) => m.content),
    ).toEqual(['first reply']);
    const main = (await alice.core.handlers.listMessages({ channelId: general })).messages;
    expect(main.find((m) => m.id === parentId)?.replyCount).toBe(1);
    expect(main.some((m) => m.content === 'first reply')).toBe(false);
    expect(
      alice
        .of('messageUpserted')
        .filter((m) => m.id === parentId)
        .at(-1)?.replyCount,
    ).toBe(1);
  });
});
