/**
 * Uploads on the operation queue against the real server (issue 17): a file attached offline survives
 * kill -9 and is uploaded once, its message posted once with it; a cut in the middle of an upload
 * restarts it and still posts once; a file too large is refused in plain words (at once past 25 MiB,
 * and as the message's failure when the server's limit is lower).
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { pngOf, sha256 } from '../../src-server/files/suite';
import { login, startTestServer, type TestServer } from '../../src-server/testing';
import type { MessageView } from '../../src-shared/bridge';
import { attachFile } from './testing/attach-file';
import type { ScriptOp } from './testing/child-ops';
import { cleanupAfterEach } from './testing/cleanups';
import {
  channelId,
  createTestCore,
  makeUserData,
  outboxEmpty,
  serverMessages,
  signIn,
  type TestCore,
  waitFor,
} from './testing/harness';
import { startProxy } from './testing/proxy';
import { spawnCoreChild } from './testing/spawn-child';

const cleanups = cleanupAfterEach();

async function server(opts: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer({ messageRateLimit: 0, ...opts });
  cleanups.push(() => s.close());
  return s;
}

async function app(url: string, username: string, userData?: string): Promise<TestCore> {
  const t = await createTestCore({ userData });
  cleanups.push(() => t.close({ keep: userData !== undefined }));
  if (!(await t.core.handlers.getSession(undefined)).signedIn) await signIn(t, url, username);
  return t;
}

/** The uploads the server holds for a user (its files table): "uploaded once" is one row. */
function uploadsOf(s: TestServer, userId: string): { sha256: string }[] {
  const db = new Database(join(s.dataDir, 'relay.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT sha256 FROM files WHERE user_id = ?').all(userId) as { sha256: string }[];
  } finally {
    db.close();
  }
}

async function ownOnServer(s: TestServer, username: string, channel: string) {
  const { token, user } = await login(s.url, username);
  return {
    user,
    messages: (await serverMessages(s.url, token, channel)).filter((m) => m.userId === user.id),
  };
}

describe('uploads on the operation queue', () => {
  it('a file attached offline, killed -9 and restarted, is uploaded once and its message posted once with it', async () => {
    const s = await server();
    const aliceData = await makeUserData();
    cleanups.push(() => rm(aliceData, { recursive: true, force: true }));
    const alice = await app(s.url, 'alice', aliceData);
    const general = await channelId(alice, 'general');
    await alice.close({ keep: true });

    const png = await pngOf(640, 480);
    // Past one bridge chunk, so staging writes several.
    const log = randomBytes(600 * 1024);
    // The child reads them from disk (a command line cannot carry them).
    const pngPath = join(aliceData, 'chart-source.png');
    const logPath = join(aliceData, 'log-source.bin');
    await writeFile(pngPath, png);
    await writeFile(logPath, log);
    const script: ScriptOp[] = [
      {
        op: 'attach',
        ref: 'a',
        content: 'the chart and the log',
        files: [
          { name: 'chart.png', mime: 'image/png', path: pngPath },
          { name: 'build log.bin', mime: 'application/octet-stream', path: logPath },
        ],
      },
    ];
    // Killed right after sendMessage returned: only the commit and the staged copies can have kept them.
    const child = spawnCoreChild(
      'src-main/core/testing/child-ops.ts',
      [aliceData, s.url, 'alice', JSON.stringify(script)],
      (process) => process.kill('SIGKILL'),
    );
    cleanups.push(() => child.kill());
    await child.queued;
    await child.kill();

    const restarted = await app(s.url, 'alice', aliceData);
    await waitFor(() => outboxEmpty(restarted), 'uploads and send flushed');
    const { user, messages } = await ownOnServer(s, 'alice', general);
    expect(messages.map((m) => m.content)).toEqual(['the chart and the log']);
    const files = messages[0]!.files ?? [];
    expect(files.map((f) => [f.name, f.size])).toEqual([
      ['chart.png', png.length],
      ['build log.bin', log.length],
    ]);
    expect(uploadsOf(s, user.id).map((f) => f.sha256)).toEqual([sha256(png), sha256(log)]);
    // The local copies go once uploaded.
    await waitFor(
      async () => (await readdir(join(aliceData, 'outgoing', user.id))).length === 0,
      'local copies removed',
    );
    const shown = (await restarted.core.handlers.listMessages({ channelId: general, limit: 50 })).messages;
    expect(shown.find((m: MessageView) => m.content === 'the chart and the log')?.files?.length).toBe(2);
  }, 90_000);

  it('a cut in the middle of an upload restarts it and still posts the message once', async () => {
    const s = await server();
    // A slow uplink, so the upload is still streaming when the link is cut.
    const proxy = await startProxy(Number(new URL(s.url).port), { uplinkBytesPerSecond: 256 * 1024 });
    cleanups.push(() => proxy.close());
    const alice = await app(proxy.url, 'alice');
    const general = await channelId(alice, 'general');
    const { user } = await login(s.url, 'alice');
    const bytes = randomBytes(1024 * 1024);
    const attachmentId = await attachFile(alice.core.handlers, {
      name: 'big.bin',
      mime: 'application/octet-stream',
      bytes,
    });
    await alice.core.handlers.sendMessage({
      channelId: general,
      content: 'cut me',
      attachmentIds: [attachmentId],
    });
    // About a second into a four-second upload (not an assertion: only where the cut falls).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(uploadsOf(s, user.id)).toEqual([]);
    proxy.cut();

    await waitFor(() => outboxEmpty(alice), 'upload restarted and message sent');
    const { messages } = await ownOnServer(s, 'alice', general);
    expect(messages.map((m) => [m.content, m.files?.map((f) => f.size)])).toEqual([
      ['cut me', [bytes.length]],
    ]);
    expect(uploadsOf(s, user.id).map((f) => f.sha256)).toEqual([sha256(bytes)]);
  }, 60_000);

  it('refuses a file too large in plain words: at once past 25 MiB, and as the message failure past the server limit', async () => {
    const s = await server({ uploadMaxBytes: 1000 });
    const alice = await app(s.url, 'alice');
    const general = await channelId(alice, 'general');
    await expect(
      alice.core.handlers.beginAttachment({
        name: 'huge.iso',
        mime: 'application/x-iso9660-image',
        size: 30 * 1024 ** 2,
      }),
    ).rejects.toThrow('huge.iso is too large to send: 30.0 MB, at most 25.0 MB');

    const attachmentId = await attachFile(alice.core.handlers, {
      name: 'notes.txt',
      mime: 'text/plain',
      bytes: Buffer.from('x'.repeat(2000)),
    });
    const sent = await alice.core.handlers.sendMessage({
      channelId: general,
      content: 'with notes',
      attachmentIds: [attachmentId],
    });
    await waitFor(async () => {
      const m = (await alice.core.handlers.listMessages({ channelId: general, limit: 50 })).messages.find(
        (v) => v.key === sent.key,
      );
      return m?.status === 'Failed';
    }, 'the message failed');
    const failed = (await alice.core.handlers.listMessages({ channelId: general, limit: 50 })).messages.find(
      (v) => v.key === sent.key,
    );
    expect(failed?.failure?.code).toBe('FILE_TOO_LARGE');
    expect(failed?.failure?.message).toMatch(/^notes\.txt: The file is too large: at most 1000 bytes$/);
    expect((await ownOnServer(s, 'alice', general)).messages).toEqual([]);
  }, 30_000);
});
