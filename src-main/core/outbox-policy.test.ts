/** Outbox policy against the real server: rate limits wait and retry; the retry window fails; retry and discard. */
import { describe, expect, it } from 'vitest';
import { login, startTestServer } from '../../src-server/testing';
import { cleanupAfterEach } from './testing/cleanups';
import {
  channelId,
  createTestCore,
  outboxEmpty,
  serverMessages,
  signIn,
  type TestCore,
  waitFor,
  waitForConnected,
} from './testing/harness';
import { startProxy } from './testing/proxy';

const cleanups = cleanupAfterEach();

async function statuses(t: TestCore, channel: string, prefix: string) {
  return (await t.core.handlers.listMessages({ channelId: channel, limit: 500 })).messages
    .filter((m) => m.content.startsWith(prefix))
    .map((m) => m.status);
}

describe('outbox policy', () => {
  it('waits out RATE_LIMITED and sends everything, once and in order', async () => {
    const server = await startTestServer({ messageRateLimit: 4 });
    cleanups.push(() => server.close());
    const t = await createTestCore({ options: { rateLimitWaitMs: 300 } });
    cleanups.push(() => t.close());
    await signIn(t, server.url, 'alice');
    const general = await channelId(t, 'general');
    for (let i = 0; i < 9; i++) await t.core.handlers.sendMessage({ channelId: general, content: `rl-${i}` });
    await waitFor(() => outboxEmpty(t), 'all sent despite the rate limit');
    const { token } = await login(server.url, 'alice');
    const onServer = (await serverMessages(server.url, token, general)).filter((m) =>
      m.content.startsWith('rl-'),
    );
    expect(onServer.map((m) => m.content)).toEqual(Array.from({ length: 9 }, (_, i) => `rl-${i}`));
    expect(new Set(await statuses(t, general, 'rl-'))).toEqual(new Set(['Sent']));
  });

  it('fails what stays unsent past the retry window; retry sends it, discard drops it', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.close());
    const proxy = await startProxy(server.port);
    cleanups.push(() => proxy.close());
    const t = await createTestCore({ options: { retryWindowMs: 300 } });
    cleanups.push(() => t.close());
    await signIn(t, proxy.url, 'alice');
    const general = await channelId(t, 'general');

    proxy.refuse();
    await waitFor(
      async () => (await t.core.handlers.getSession(undefined)).connection !== 'connected',
      'offline',
    );
    const keep = await t.core.handlers.sendMessage({ channelId: general, content: 'win-keep' });
    const drop = await t.core.handlers.sendMessage({ channelId: general, content: 'win-drop' });
    await waitFor(
      async () => (await t.core.handlers.listOutbox(undefined)).every((o) => o.status === 'Failed'),
      'failed',
    );
    const failed = await t.core.handlers.listOutbox(undefined);
    expect(failed.map((o) => [o.content, o.status, o.failure?.code, o.channelName, o.channelKind])).toEqual([
      ['win-keep', 'Failed', 'TIMEOUT', 'general', 'channel'],
      ['win-drop', 'Failed', 'TIMEOUT', 'general', 'channel'],
    ]);
    expect(await statuses(t, general, 'win-')).toEqual(['Failed', 'Failed']);
    expect(t.of('outbox').at(-1)).toEqual({ sending: 0, failed: 2 });

    // The app restarts (with the usual 24 h window); Failed stays Failed until the user acts.
    await t.close({ keep: true });
    proxy.heal();
    const again = await createTestCore({ userData: t.userData });
    cleanups.push(() => again.close());
    await waitForConnected(again);
    expect((await again.core.handlers.listOutbox(undefined)).map((o) => o.status)).toEqual([
      'Failed',
      'Failed',
    ]);
    await again.core.handlers.discardMessage({ clientMessageId: drop.clientMessageId as string });
    expect(again.of('messageRemoved')).toContainEqual({ channelId: general, key: drop.key });
    await again.core.handlers.retryMessage({ clientMessageId: keep.clientMessageId as string });
    await waitFor(() => outboxEmpty(again), 'retried message sent');
    expect(await statuses(again, general, 'win-')).toEqual(['Sent']);
    const { token } = await login(server.url, 'alice');
    const onServer = (await serverMessages(server.url, token, general)).filter((m) =>
      m.content.startsWith('win-'),
    );
    expect(onServer.map((m) => m.content)).toEqual(['win-keep']);
  });
});
