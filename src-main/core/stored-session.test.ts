/**
 * The session over restarts: a token the server refuses as expired leaves the outbox intact and
 * sends it after the next sign-in; a corrupt local database is reset and the user told, and what the
 * user does while the file awaits its check (a send, a read, a file attached) lands in the clean one.
 */
import { readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngOf } from '../../src-server/files/suite';
import { connectAs, emitWithAck, login, startTestServer, type TestServer } from '../../src-server/testing';
import { MessageEvent, SendAck } from '../../src-shared/protocol';
import { addOldMessages, corruptLeafPage } from '../store/testing/corrupt-file';
import { createFileSecretStore } from './node-ports';
import { silentLogger } from './ports';
import { attachFile } from './testing/attach-file';
import {
  channelId,
  createTestCore,
  outboxEmpty,
  serverMessages,
  signedInBefore,
  signIn,
  waitFor,
  waitForConnected,
} from './testing/harness';

const JWT_SECRET = 'core-session-test-secret-at-least-32-bytes-long';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ jwtSecret: JWT_SECRET });
});
afterAll(async () => server?.close());

/** Signed in before, then the account file damaged deep inside (behind 3,000 old messages). */
async function damagedBefore(username: string) {
  const first = await signedInBefore(server.url, username);
  const file = join(first.userData, `relay-${first.user.id}.sqlite`);
  addOldMessages(file, 3000);
  corruptLeafPage(file, 'messages');
  return first;
}

/** A core on `first`'s files that, once taken offline, only comes back on `networkChanged(true)`. */
function startOnDamaged(first: { userData: string }) {
  return createTestCore({
    userData: first.userData,
    options: { backoffMinMs: 600_000, backoffMaxMs: 600_000 },
  });
}

/** The files under `folder` this process holds open, on any thread (Linux: /proc/self/fd). */
function openFilesUnder(folder: string): string[] {
  const open: string[] = [];
  const real = realpathSync(folder);
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(real)) open.push(target);
    } catch {
      // Closed since the listing.
    }
  }
  return open;
}

/** A token exactly like the server's, but expired a minute ago. */
async function expiredToken(userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer('relay')
    .setIssuedAt(now - 3600)
    .setExpirationTime(now - 60)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

describe('session', () => {
  it('an expired token → unauthorized, outbox kept, flushed after signing in again', async () => {
    const first = await signedInBefore(server.url, 'alice');
    const { user } = first;
    await createFileSecretStore(first.userData).set(
      JSON.stringify({ serverUrl: server.url, user, token: await expiredToken(user.id) }),
    );

    const t = await createTestCore({ userData: first.userData });
    try {
      await waitFor(
        async () => (await t.core.handlers.getSession(undefined)).connection === 'unauthorized',
        'refused',
      );
      expect(t.of('connection').at(-1)).toEqual({ state: 'unauthorized', detail: 'token_expired' });
      expect(await t.core.handlers.getSession(undefined)).toMatchObject({
        signedIn: false,
        user: { id: user.id },
      });

      const general = await channelId(t, 'general');
      for (const content of ['kept 1', 'kept 2', 'kept 3']) {
        await t.core.handlers.sendMessage({ channelId: general, content });
      }
      const outbox = await t.core.handlers.listOutbox(undefined);
      expect(outbox.map((o) => [o.content, o.status])).toEqual([
        ['kept 1', 'Sending'],
        ['kept 2', 'Sending'],
        ['kept 3', 'Sending'],
      ]);
      // Refused means no retry loop: no further connection attempts until the user signs in.
      const attempts = t.of('connection').length;
      t.core.networkChanged(true);
      t.core.resume();
      expect(t.of('connection').length).toBe(attempts);

      await t.core.handlers.signIn({ serverUrl: server.url, username: 'alice', password: 'password' });
      await waitForConnected(t);
      await waitFor(() => outboxEmpty(t), 'outbox flushed');
      const { token } = await login(server.url, 'alice');
      const kept = (await serverMessages(server.url, token, general)).filter((m) =>
        m.content.startsWith('kept '),
      );
      expect(kept.map((m) => m.content)).toEqual(['kept 1', 'kept 2', 'kept 3']);
    } finally {
      await t.close();
    }
  });

  it('a corrupt local database is moved aside, the user told, and the app carries on', async () => {
    const first = await signedInBefore(server.url, 'bob');
    const { user } = first;
    const file = join(first.userData, `relay-${user.id}.sqlite`);
    for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
    writeFileSync(file, Buffer.alloc(8192, 0xab));

    const t = await createTestCore({ userData: first.userData });
    try {
      expect(t.of('error')).toEqual([expect.objectContaining({ code: 'DATABASE_RESET' })]);
      await waitForConnected(t);
      await waitFor(
        async () => (await t.core.handlers.listChannels(undefined)).length === 2,
        'channels again',
      );
      const general = await channelId(t, 'general');
      await t.core.handlers.sendMessage({ channelId: general, content: 'after the reset' });
      await waitFor(() => outboxEmpty(t), 'sent');
    } finally {
      await t.close();
    }
  });

  // Bench figure 13: the check of the whole file at open held the main thread before the first channel
  // list. It now runs on the background connection while the cache answers; a file it finds damaged is
  // still set aside at this start, and what the user wrote meanwhile goes to the clean file.
  it('a file damaged deep inside: the cache answers at once, then it is set aside, the user told, nothing sent lost', async () => {
    const first = await damagedBefore('bob');
    const { user } = first;
    const t = await startOnDamaged(first);
    try {
      // Before any verdict: the channel list from the file, not a blank one.
      const cached = await t.core.handlers.listChannels(undefined);
      expect(cached.map((c) => c.name).sort()).toEqual(['general', 'random']);
      const general = cached.find((c) => c.name === 'general')!.id;
      // Offline until the verdict: a send queued in the damaged file could not leave it before it moves.
      t.core.networkChanged(false);
      const sent = t.core.handlers.sendMessage({ channelId: general, content: 'typed while it was checked' });

      await waitFor(() => t.of('error').length > 0, 'the user told');
      expect(t.of('error')).toEqual([expect.objectContaining({ code: 'DATABASE_RESET' })]);
      expect(
        readdirSync(first.userData).filter((f) => f.startsWith(`relay-${user.id}.sqlite.corrupt-`)),
      ).not.toEqual([]);
      expect((await sent).content).toBe('typed while it was checked');
      t.core.networkChanged(true);
      await waitForConnected(t);
      await waitFor(() => outboxEmpty(t), 'sent');
      const { token } = await login(server.url, 'bob');
      const onServer = (await serverMessages(server.url, token, general)).filter(
        (m) => m.content === 'typed while it was checked',
      );
      expect(onServer).toHaveLength(1);
      await waitFor(
        async () =>
          (await t.core.handlers.listMessages({ channelId: general })).messages.some(
            (m) => m.content === 'typed while it was checked' && m.status !== 'Sending',
          ),
        'the send in the clean file',
      );
      expect(t.of('error')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('a channel shown while the file is checked is read on the clean file: the server hears it read', async () => {
    // alice writes in #random while bob is away; bob's next start holds her messages, unread.
    const alice = await connectAs(server.url, 'alice');
    const random = (await server.store.listChannels(alice.user.id)).find((c) => c.name === 'random')!.id;
    try {
      for (const content of ['while you were away 1', 'while you were away 2']) {
        const sent = await emitWithAck(alice.socket, MessageEvent.SEND, { channelId: random, content });
        const ack = SendAck.parse(sent);
        if (!ack.ok) throw new Error(ack.error);
      }
    } finally {
      alice.socket.close();
    }
    const first = await damagedBefore('bob');
    const unread = async () =>
      (await server.store.listChannels(first.user.id)).find((c) => c.id === random)?.unreadCount;
    expect(await unread()).toBeGreaterThan(0);

    const t = await startOnDamaged(first);
    try {
      await t.core.handlers.listChannels(undefined);
      // Offline until the verdict: a receipt queued in the damaged file could not leave it before it moves.
      t.core.networkChanged(false);
      // #random shown in a focused window, before the verdict: its messages are read.
      await t.core.handlers.setWindowFocused({ focused: true });
      await t.core.handlers.setActiveChannel({ channelId: random });

      await waitFor(() => t.of('error').length > 0, 'the user told');
      expect(t.of('error')).toEqual([expect.objectContaining({ code: 'DATABASE_RESET' })]);
      t.core.networkChanged(true);
      await waitForConnected(t);
      // Read in the damaged file, its READ receipts went aside with it, and the clean file (its read
      // position kept) never owed them again: the server counted them unread for good.
      await waitFor(async () => (await unread()) === 0, 'read on the server');
    } finally {
      await t.close();
    }
  });

  it('a file attached while the file is checked is still staged after the reset, and sent with its message', async () => {
    const first = await damagedBefore('carol');
    const png = await pngOf(64, 48);

    const t = await startOnDamaged(first);
    try {
      const cached = await t.core.handlers.listChannels(undefined);
      const general = cached.find((c) => c.name === 'general')!.id;
      t.core.networkChanged(false);
      // Staged before the verdict (in the account the reset closes, without the wait), sent after it.
      const staged = attachFile(t.core.handlers, { name: 'chart.png', mime: 'image/png', bytes: png });
      const sent = staged.then((attachmentId) =>
        t.core.handlers.sendMessage({
          channelId: general,
          content: 'the chart',
          attachmentIds: [attachmentId],
        }),
      );

      await waitFor(() => t.of('error').length > 0, 'the user told');
      expect(t.of('error')).toEqual([expect.objectContaining({ code: 'DATABASE_RESET' })]);
      expect((await sent).content).toBe('the chart');
      t.core.networkChanged(true);
      await waitForConnected(t);
      await waitFor(() => outboxEmpty(t), 'sent');
      const { token } = await login(server.url, 'carol');
      const onServer = (await serverMessages(server.url, token, general)).filter(
        (m) => m.content === 'the chart',
      );
      expect(onServer.map((m) => m.files?.map((f) => [f.name, f.size]))).toEqual([
        [['chart.png', png.length]],
      ]);
    } finally {
      await t.close();
    }
  });

  it.runIf(process.platform === 'linux')(
    'closed while a failed check closes the account, the core resolves once no thread holds the file',
    async () => {
      const first = await damagedBefore('bob');

      // Said just before the damaged file's account is closed: the app quits while that close runs.
      let quit!: (closing: Promise<void>) => void;
      const quitting = new Promise<Promise<void>>((resolve) => {
        quit = resolve;
      });
      const t = await createTestCore({
        userData: first.userData,
        start: false,
        ports: {
          logger: {
            ...silentLogger,
            error(_obj, msg) {
              if (msg === 'local database failed its check at open')
                queueMicrotask(() => quit(t.core.close()));
            },
          },
        },
      });
      try {
        await t.core.start();
        // Straight on from close()'s answer (no polling, which would give the worker time to end anyway).
        await await quitting;
        // The background connection too: a caller may now remove the folder, or the process exit.
        expect(openFilesUnder(first.userData)).toEqual([]);
      } finally {
        await t.close();
      }
    },
  );

  it('without a usable SQLite module the app still starts and says why', async () => {
    const first = await signedInBefore(server.url, 'carol');
    const t = await createTestCore({
      userData: first.userData,
      options: { nativeBinding: join(first.userData, 'missing', 'better_sqlite3.node') },
    });
    try {
      expect(t.of('error')).toEqual([expect.objectContaining({ code: 'STORE_UNAVAILABLE' })]);
      expect(t.of('session').at(-1)).toMatchObject({ user: { name: 'Carol' } });
      await expect(
        t.core.handlers.signIn({ serverUrl: server.url, username: 'carol', password: 'password' }),
      ).rejects.toMatchObject({ code: 'INTERNAL' });
    } finally {
      await t.close();
    }
  });

  it('keeps each account’s store apart: signing in as someone else never sends the last user’s outbox', async () => {
    const t = await createTestCore();
    try {
      await signIn(t, server.url, 'carol');
      const general = await channelId(t, 'general');
      t.core.networkChanged(false);
      await t.core.handlers.sendMessage({ channelId: general, content: 'carol wrote this' });
      await t.core.handlers.signOut(undefined);
      await signIn(t, server.url, 'bob');
      expect(await t.core.handlers.listOutbox(undefined)).toEqual([]);
      await t.core.handlers.signOut(undefined);
      await signIn(t, server.url, 'carol');
      await waitFor(() => outboxEmpty(t), 'carol’s message sent once carol is back');
      const { token } = await login(server.url, 'carol');
      const mine = (await serverMessages(server.url, token, general)).filter(
        (m) => m.content === 'carol wrote this',
      );
      expect(mine.map((m) => m.user.name)).toEqual(['Carol']);
    } finally {
      await t.close();
    }
  });
});
