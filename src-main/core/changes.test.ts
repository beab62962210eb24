/**
 * The operation queue against the real server (issue 14): offline changes survive kill -9 and reach
 * the server once and in order; an app that was closed catches them up by changeSeq; changes arrive
 * live; a change refused for good is undone and said so; notifications follow the preferences.
 */
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { login } from '../../src-server/testing';
import type { MessageView } from '../../src-shared/bridge';
import type { ScriptOp } from './testing/child-ops';
import { cleanupAfterEach } from './testing/cleanups';
import {
  channelId,
  makeUserData,
  outboxEmpty,
  serverMessages,
  type TestCore,
  waitFor,
} from './testing/harness';
import { queueFixtures } from './testing/queue-fixtures';

const cleanups = cleanupAfterEach();

const { server, app, killedThenRestarted } = queueFixtures(cleanups);

async function shown(t: TestCore, channel: string): Promise<MessageView[]> {
  return (await t.core.handlers.listMessages({ channelId: channel, limit: 500 })).messages;
}

const byContent = (views: MessageView[], content: string) => views.find((m) => m.content === content);

describe('the operation queue against the server', () => {
  it('offline send, edit, react and delete survive kill -9; the server and an app that was closed end in the intent', async () => {
    const s = await server();
    const [aliceData, bobData] = [await makeUserData(), await makeUserData()];
    cleanups.push(() => rm(aliceData, { recursive: true, force: true }));
    cleanups.push(() => rm(bobData, { recursive: true, force: true }));
    // alice's message to delete later is on the server; bob has seen it, then closes his app.
    const alice = await app(s.url, 'alice', aliceData);
    const general = await channelId(alice, 'general');
    await alice.core.handlers.sendMessage({ channelId: general, content: 'to be deleted' });
    await waitFor(() => outboxEmpty(alice), 'sent');
    await alice.close({ keep: true });
    const bob = await app(s.url, 'bob', bobData);
    await waitFor(
      async () => byContent(await shown(bob, general), 'to be deleted') !== undefined,
      'bob has it',
    );
    await bob.close({ keep: true });

    const script: ScriptOp[] = [
      { op: 'send', ref: 'new', content: 'helo' },
      { op: 'edit', ref: 'new', content: 'hello' },
      { op: 'react', ref: 'new', emoji: '👍' },
      { op: 'edit', ref: 'new', content: 'hello, all' },
      { op: 'delete', ref: 'to be deleted' },
    ];
    // Killed right after the last call returned: only the commits can have kept the operations.
    const restarted = await killedThenRestarted(s, aliceData, script);
    const { token, user } = await login(s.url, 'alice');
    const onServer = (await serverMessages(s.url, token, general)).filter((m) => m.userId === user.id);
    expect(onServer.map((m) => [m.content, m.deleted])).toEqual([
      ['', true],
      ['hello, all', false],
    ]);
    const edited = onServer[1]!;
    expect(edited.editedAt).not.toBeNull();
    expect(edited.reactions).toEqual([{ emoji: '👍', userIds: [user.id] }]);
    // Locally the same, nothing pending.
    const mine = (await shown(restarted, general)).filter((m) => m.own);
    expect(mine.map((m) => [m.content, m.deleted, m.pendingChange])).toEqual([
      ['', true, null],
      ['hello, all', false, null],
    ]);

    // bob's app, closed during all of that, catches up on open.
    const reopened = await app(s.url, 'bob', bobData);
    await waitFor(async () => {
      const views = await shown(reopened, general);
      const hello = byContent(views, 'hello, all');
      return (
        hello?.editedAt !== undefined &&
        hello.reactions.some((r) => r.emoji === '👍' && r.count === 1) &&
        views.some((m) => m.deleted && m.id === onServer[0]!.id)
      );
    }, 'bob caught up: the edit, the reaction and the tombstone');
    expect(byContent(await shown(reopened, general), 'to be deleted')).toBeUndefined();
  }, 90_000);

  it('shows changes at once as pending, live on the other side, and undoes one the server refuses', async () => {
    const s = await server();
    const alice = await app(s.url, 'alice');
    const bob = await app(s.url, 'bob');
    const general = await channelId(alice, 'general');
    const sent = await alice.core.handlers.sendMessage({ channelId: general, content: 'first' });
    await waitFor(() => outboxEmpty(alice), 'sent');

    alice.core.networkChanged(false);
    const edited = await alice.core.handlers.editMessage({
      channelId: general,
      key: sent.key,
      content: 'first!',
    });
    expect([edited.content, edited.pendingChange]).toEqual(['first!', 'edit']);
    const reacted = await alice.core.handlers.addReaction({ channelId: general, key: sent.key, emoji: '🎉' });
    expect(reacted.reactions).toEqual([
      { emoji: '🎉', count: 1, userIds: [expect.any(String)], mine: true, pending: true },
    ]);
    alice.core.networkChanged(true);
    await waitFor(async () => {
      const m = byContent(await shown(bob, general), 'first!');
      return m?.reactions[0]?.emoji === '🎉' && m.editedAt !== undefined;
    }, 'bob sees the edit and the reaction live');
    await waitFor(
      async () => byContent(await shown(alice, general), 'first!')?.pendingChange === null,
      'acked',
    );

    // alice is no admin: deleting bob's message is refused, and undone.
    const bobs = await bob.core.handlers.sendMessage({ channelId: general, content: 'from bob' });
    await waitFor(() => outboxEmpty(bob), 'bob sent');
    await waitFor(
      async () => byContent(await shown(alice, general), 'from bob') !== undefined,
      'alice has it',
    );
    const key = byContent(await shown(alice, general), 'from bob')!.key;
    const deleting = await alice.core.handlers.deleteMessage({ channelId: general, key });
    expect(deleting.deleted).toBe(true);
    await waitFor(() => alice.of('error').some((e) => e.code === 'CHANGE_REFUSED'), 'refusal said');
    const after = (await shown(alice, general)).find((m) => m.key === key);
    expect([after?.content, after?.deleted, after?.pendingChange]).toEqual(['from bob', false, null]);
    expect(bobs.key).toBeDefined();
  }, 60_000);
});

describe('notifications follow the preferences', () => {
  it("'mentions' notifies @bob only; muted still a mention; edits and reactions never notify again", async () => {
    const s = await server();
    const alice = await app(s.url, 'alice');
    const bob = await app(s.url, 'bob');
    const general = await channelId(bob, 'general');
    await bob.core.handlers.setWindowFocused({ focused: false });
    await bob.core.handlers.setChannelPreferences({ channelId: general, notify: 'mentions' });
    expect(await bob.core.handlers.getChannelPreferences({ channelId: general })).toEqual({
      notify: 'mentions',
      muted: false,
    });
    const send = async (content: string) => {
      const m = await alice.core.handlers.sendMessage({ channelId: general, content });
      await waitFor(async () => byContent(await shown(bob, general), content) !== undefined, content);
      return m;
    };
    await send('plain words');
    const mention = await send('@bob have a look');
    await waitFor(() => bob.notifier.shown.length === 1, 'the mention notifies');
    expect(bob.notifier.shown[0]?.body).toBe('@bob have a look');
    const channel = (await bob.core.handlers.listChannels(undefined)).find((c) => c.id === general);
    expect([channel?.unreadCount, channel?.mentionCount]).toEqual([2, 1]);

    // Edits and reactions of it: no second notification.
    await alice.core.handlers.editMessage({
      channelId: general,
      key: mention.key,
      content: '@bob have a look now',
    });
    await alice.core.handlers.addReaction({ channelId: general, key: mention.key, emoji: '👀' });
    await waitFor(
      async () => byContent(await shown(bob, general), '@bob have a look now')?.reactions.length === 1,
      'bob has the changes',
    );
    await bob.core.handlers.setChannelPreferences({ channelId: general, notify: 'all', muted: true });
    await send('muted, so quiet');
    await send('@bob even muted');
    await waitFor(() => bob.notifier.shown.length === 2, 'a mention notifies in a muted channel');
    expect(bob.notifier.shown.map((n) => n.body)).toEqual(['@bob have a look', '@bob even muted']);

    // Read on another of bob's devices: its own message arrives, the channel is read, the toast closed.
    const closedBefore = bob.notifier.closed.length;
    expect((await bob.core.handlers.listChannels(undefined)).find((c) => c.id === general)?.unreadCount).toBe(
      4,
    );
    const other = await app(s.url, 'bob');
    await other.core.handlers.sendMessage({ channelId: general, content: 'read it on my phone' });
    await waitFor(() => bob.notifier.closed.slice(closedBefore).includes(general), 'notification closed');
    expect(bob.notifier.shown).toHaveLength(2);
  }, 60_000);
});
