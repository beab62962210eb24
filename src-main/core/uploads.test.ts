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
import { collectedAfterCheck, pngOf, sha256 } from '../../src-server/files/suite';
import { login, type TestServer } from '../../src-server/testing';
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
  waitFor,
} from './testing/harness';
import { startProxy } from './testing/proxy';
import { queueFixtures } from './testing/queue-fixtures';

const cleanups = cleanupAfterEach();

const { server, app, killedThenRestarted } = queueFixtures(cleanups);

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

/** alice signed in once on a kept folder, then closed (the child core opens it next). */
async function aliceFolder(s: TestServer): Promise<{ aliceData: string; general: string }> {
  const aliceData = await makeUserData();
  cleanups.push(() => rm(aliceData, { recursive: true, force: true }));
  const alice = await app(s.url, 'alice', aliceData);
  const general = await channelId(alice, 'general');
  await alice.close({ keep: true });
  return { aliceData, general };
}

/**
 * A fresh server and alice's folder, holding a `width`×`height` chart and a log of `logBytes` for the
 * child to attach (on disk: a command line cannot carry them); `chart` is the chart as an attachment.
 */
async function aliceWithChartAndLog(width: number, height: number, logBytes: number) {
  const s = await server();
  const { aliceData, general } = await aliceFolder(s);
  const png = await pngOf(width, height);
  const log = randomBytes(logBytes);
  const pngPath = join(aliceData, 'chart-source.png');
  const logPath = join(aliceData, 'log-source.bin');
  await writeFile(pngPath, png);
  await writeFile(logPath, log);
  const chart = { name: 'chart.png', mime: 'image/png', path: pngPath };
  return { s, aliceData, general, png, log, logPath, chart };
}

/** A fresh server, and alice's app reaching it through a proxy that uploads at `bytesPerSecond`. */
async function aliceOnSlowUplink(bytesPerSecond: number) {
  const s = await server();
  const proxy = await startProxy(Number(new URL(s.url).port), { uplinkBytesPerSecond: bytesPerSecond });
  cleanups.push(() => proxy.close());
  const alice = await app(proxy.url, 'alice');
  const general = await channelId(alice, 'general');
  const { user } = await login(s.url, 'alice');
  return { s, proxy, alice, general, user };
}

describe('uploads on the operation queue', () => {
  it('a file attached offline, killed -9 and restarted, is uploaded once and its message posted once with it', async () => {
    // A log past one bridge chunk, so staging writes several.
    const { s, aliceData, general, png, log, logPath, chart } = await aliceWithChartAndLog(
      640,
      480,
      600 * 1024,
    );
    const script: ScriptOp[] = [
      {
        op: 'attach',
        ref: 'a',
        content: 'the chart and the log',
        files: [chart, { name: 'build log.bin', mime: 'application/octet-stream', path: logPath }],
      },
    ];
    const restarted = await killedThenRestarted(s, aliceData, script);
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
    // A slow uplink, so the upload is still streaming when the link is cut.
    const { s, proxy, alice, general, user } = await aliceOnSlowUplink(256 * 1024);
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

  it('a send whose upload was collected after its check fails for good, in words, its text kept, sent once; the next goes', async () => {
    // Each check a send's files get on the server (one per attempt), each followed by the collection.
    let checks = 0;
    const s = await server({
      decorateStore: (store) => {
        const collecting = collectedAfterCheck(store);
        const getFile = collecting.getFile;
        collecting.getFile = (id) => {
          checks++;
          return getFile(id);
        };
        return collecting;
      },
    });
    const alice = await app(s.url, 'alice');
    const general = await channelId(alice, 'general');
    const attachmentId = await attachFile(alice.core.handlers, {
      name: 'notes.txt',
      mime: 'text/plain',
      bytes: Buffer.from('sent a day late'),
    });
    const sent = await alice.core.handlers.sendMessage({
      channelId: general,
      content: 'with notes',
      attachmentIds: [attachmentId],
    });
    const shown = async () =>
      (await alice.core.handlers.listMessages({ channelId: general, limit: 50 })).messages.find(
        (v) => v.key === sent.key,
      );
    await waitFor(async () => (await shown())?.status === 'Failed', 'the message failed');
    expect(await shown()).toMatchObject({
      content: 'with notes',
      failure: { code: 'NOT_FOUND', message: expect.stringMatching(/attach it again/) },
    });
    // Refused for good at the first attempt: not sent again.
    expect(checks).toBe(1);
    // Its number was used up: the next message is not held behind it.
    await alice.core.handlers.sendMessage({ channelId: general, content: 'and after' });
    await waitFor(
      async () => (await ownOnServer(s, 'alice', general)).messages.length > 0,
      'the next message stored',
    );
    expect((await ownOnServer(s, 'alice', general)).messages.map((m) => m.content)).toEqual(['and after']);
  }, 30_000);
});

describe('the desktop Attach (native dialog)', () => {
  it('stages the chosen files by path, as the file input does, and sends them; no dialog here: null', async () => {
    const s = await server();
    const png = await pngOf(64, 48);
    const folder = await makeUserData();
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const chosen = join(folder, 'Screenshot 1.png');
    await writeFile(chosen, png);
    const desktop = await createTestCore({ ports: { pickFiles: async () => [chosen] } });
    cleanups.push(() => desktop.close());
    await signIn(desktop, s.url, 'alice');
    const general = await channelId(desktop, 'general');

    const picked = (await desktop.core.handlers.pickFiles(undefined)) ?? [];
    expect(picked.map((f) => [f.name, f.size, f.mime])).toEqual([
      ['Screenshot 1.png', png.length, 'image/png'],
    ]);
    await desktop.core.handlers.sendMessage({
      channelId: general,
      content: 'from the dialog',
      attachmentIds: picked.map((f) => f.attachmentId),
    });
    await waitFor(() => outboxEmpty(desktop), 'sent');
    const { messages } = await ownOnServer(s, 'alice', general);
    expect(messages.map((m) => [m.content, m.files?.map((f) => [f.name, f.size])])).toEqual([
      ['from the dialog', [['Screenshot 1.png', png.length]]],
    ]);

    const browser = await app(s.url, 'bob');
    expect(await browser.core.handlers.pickFiles(undefined)).toBeNull();
  }, 30_000);
});

describe('upload progress and cancel', () => {
  it('reports progress per file, monotonic and throttled; a cancel mid-upload posts the message once without that file', async () => {
    // A slow uplink, so the big file is still streaming when it is cancelled. Loopback's socket buffers
    // take a few MiB at once, so the file is bigger than they are.
    const { s, alice, general, user } = await aliceOnSlowUplink(1024 * 1024);
    const notes = Buffer.from('the notes\n'.repeat(2000));
    const big = randomBytes(16 * 1024 * 1024);
    const notesId = await attachFile(alice.core.handlers, {
      name: 'notes.txt',
      mime: 'text/plain',
      bytes: notes,
    });
    const bigId = await attachFile(alice.core.handlers, {
      name: 'big.bin',
      mime: 'application/octet-stream',
      bytes: big,
    });
    const sent = await alice.core.handlers.sendMessage({
      channelId: general,
      content: 'notes, not the big one',
      attachmentIds: [notesId, bigId],
    });
    // Shown pending at once, both files with it, in attach order.
    expect(sent.uploads?.map((u) => [u.name, u.size])).toEqual([
      ['notes.txt', notes.length],
      ['big.bin', big.length],
    ]);
    const bigOp = sent.uploads![1]!.opId;
    const progressOf = (opId: string) => alice.of('uploadProgress').filter((p) => p.opId === opId);
    // Cancelled once part of it is on the way (not all of it: the uplink takes 16 s for it).
    await waitFor(
      () => progressOf(bigOp).some((p) => p.sent > 0 && p.sent < big.length),
      'the big file partly sent',
    );
    await alice.core.handlers.cancelUpload({ opId: bigOp });
    const shown = alice.of('messageUpserted').findLast((m) => m.key === sent.key);
    expect(shown?.uploads).toBeUndefined();

    await waitFor(() => outboxEmpty(alice), 'the message sent');
    const { messages } = await ownOnServer(s, 'alice', general);
    expect(messages.map((m) => [m.content, m.files?.map((f) => f.name)])).toEqual([
      ['notes, not the big one', ['notes.txt']],
    ]);
    // The aborted request stored nothing; the local copies are gone.
    expect(uploadsOf(s, user.id).map((f) => f.sha256)).toEqual([sha256(notes)]);
    await waitFor(
      async () => (await readdir(join(alice.userData, 'outgoing', user.id))).length === 0,
      'local copies removed',
    );

    // Per file: from 0, never back, the whole file at the end (the small one), each with its total.
    const notesProgress = progressOf(sent.uploads![0]!.opId);
    expect(notesProgress[0]?.sent).toBe(0);
    expect(notesProgress.at(-1)?.sent).toBe(notes.length);
    for (const list of [notesProgress, progressOf(bigOp)]) {
      for (let i = 1; i < list.length; i++) expect(list[i]!.sent).toBeGreaterThanOrEqual(list[i - 1]!.sent);
    }
    expect(progressOf(bigOp).every((p) => p.total === big.length && p.messageKey === sent.key)).toBe(true);
    // Throttled: 16 MiB is 256 slices of 64 KiB, each a report; what reached the page is far fewer.
    expect(progressOf(bigOp).length).toBeLessThan(64);
    // Cancelled for good: a second cancel finds nothing.
    await expect(alice.core.handlers.cancelUpload({ opId: bigOp })).rejects.toThrow('no longer waiting');
  }, 60_000);

  it('cancels offline survive kill -9: a file removed stays removed, a message left with nothing is discarded', async () => {
    const { s, aliceData, general, png, logPath, chart } = await aliceWithChartAndLog(320, 200, 300 * 1024);
    const script: ScriptOp[] = [
      {
        op: 'attach',
        ref: 'a',
        content: 'the chart, not the log',
        files: [chart, { name: 'build.log', mime: 'text/plain', path: logPath }],
      },
      { op: 'cancel', ref: 'a', file: 'build.log' },
      // Files alone: the composer's text is their names, so cancelling the only one leaves nothing.
      {
        op: 'attach',
        ref: 'b',
        content: 'dropped.bin',
        files: [{ name: 'dropped.bin', mime: 'application/octet-stream', path: logPath }],
      },
      { op: 'cancel', ref: 'b', file: 'dropped.bin' },
      { op: 'send', ref: 'c', content: 'and a word after' },
    ];
    const restarted = await killedThenRestarted(s, aliceData, script);
    const { user, messages } = await ownOnServer(s, 'alice', general);
    expect(messages.map((m) => [m.content, m.files?.map((f) => f.name) ?? []])).toEqual([
      ['the chart, not the log', ['chart.png']],
      ['and a word after', []],
    ]);
    // The cancelled files never reached the server. The chart may have been uploaded twice: a kill -9
    // after the server stored it but before the app recorded its id makes the restarted app upload it
    // again (uploads restart whole). That copy is never posted, and the 24 h collector removes it.
    expect(new Set(uploadsOf(s, user.id).map((f) => f.sha256))).toEqual(new Set([sha256(png)]));
    const shown = (await restarted.core.handlers.listMessages({ channelId: general, limit: 50 })).messages;
    expect(shown.filter((m) => m.own).map((m) => m.content)).toEqual([
      'the chart, not the log',
      'and a word after',
    ]);
    await waitFor(
      async () => (await readdir(join(aliceData, 'outgoing', user.id))).length === 0,
      'local copies removed',
    );
  }, 90_000);
});
