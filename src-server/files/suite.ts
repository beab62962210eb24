/**
 * The Files section of interface.md against a real server, written once and run on each store:
 * files.test.ts (SQLite) and files-postgres.test.ts (PostgreSQL). Real HTTP, real sockets, real disk.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  type ChangeAck,
  ChangeEvent,
  DEFAULT_UPLOAD_MAX_BYTES,
  type Message,
  MessageEvent,
  type SendAck,
  UploadedFile,
} from '../../src-shared/protocol';
import { waitFor } from '../../src-shared/testing/wait-for';
import type { ServerOptions } from '../app';
import type { Store } from '../store/types';
import {
  type ConnectedUser,
  demoServer,
  emitWithAck,
  makeTempDir,
  nextEvent,
  startTestServer,
} from '../testing';
import { LocalBlobStore } from './blob-store';
import { collectOrphans } from './orphans';
import { BLOB_GRACE_MS, sweepBlobs } from './sweep';

/** POST /api/files with a raw body; the answer's status and JSON. */
export async function upload(
  url: string,
  token: string,
  body: BodyInit,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { code?: string } & Partial<UploadedFile> }> {
  const res = await fetch(`${url}/api/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', ...headers },
    body,
    // Streamed bodies (ReadableStream) need it; harmless for a Buffer.
    duplex: 'half',
  } as RequestInit);
  return { status: res.status, body: await res.json() };
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export const pngOf = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();

export function filesSuite(options: () => Promise<Partial<ServerOptions>>): void {
  const demo = demoServer({ messageRateLimit: 0 });
  beforeEach(async () => demo.start(await options()));
  afterEach(() => demo.stop());
  const as = (username: string) => demo.as(username);

  const channelId = async (user: ConnectedUser, name: string) => {
    const res = await fetch(`${demo.server.url}/api/channels`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    return ((await res.json()) as { id: string; name: string }[]).find((c) => c.name === name)!.id;
  };

  const post = (user: ConnectedUser, channel: string, fileIds: string[]) =>
    emitWithAck<SendAck>(user.socket, MessageEvent.SEND, {
      channelId: channel,
      content: 'see attached',
      clientMessageId: randomUUID(),
      fileIds,
    });

  const get = (user: ConnectedUser, path: string, headers: Record<string, string> = {}) =>
    fetch(`${demo.server.url}${path}`, { headers: { authorization: `Bearer ${user.token}`, ...headers } });

  it('uploads, posts and serves a file to a member: same bytes, files on the message and in history', async () => {
    const [alice, bob] = [await as('alice'), await as('bob')];
    const random = await channelId(alice, 'random');
    const bytes = Buffer.from('hello, files\n'.repeat(100));
    const uploaded = await upload(demo.server.url, alice.token, bytes, {
      'x-file-name': encodeURIComponent('notes é.txt'),
    });
    expect(uploaded.status).toBe(201);
    const file = UploadedFile.parse(uploaded.body);
    expect(file).toMatchObject({
      name: 'notes é.txt',
      size: bytes.length,
      mime: 'text/plain',
      sha256: sha256(bytes),
    });

    const arrived = nextEvent<Message>(bob.socket, MessageEvent.NEW);
    const ack = await post(alice, random, [file.id]);
    expect(ack.ok).toBe(true);
    const shown = { id: file.id, name: file.name, size: file.size, mime: file.mime };
    expect((await arrived).files).toEqual([shown]);
    const history = await (await get(bob, `/api/channels/${random}/messages`)).json();
    expect(history.messages.at(-1).files).toEqual([shown]);

    const res = await get(bob, `/api/files/${file.id}`);
    expect(res.status).toBe(200);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(file.sha256);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="notes _.txt"; filename*=UTF-8''notes%20%C3%A9.txt`,
    );
    expect(res.headers.get('accept-ranges')).toBe('bytes');

    // The blob is content-addressed, private to the server's user.
    const blob = join(demo.server.dataDir, 'files', 'blobs', file.sha256.slice(0, 2), file.sha256);
    expect((await stat(blob)).mode & 0o777).toBe(0o600);
    expect((await stat(join(blob, '..'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(demo.server.dataDir, 'files'))).mode & 0o777).toBe(0o700);
  });

  it('refuses 25 MiB + 1 byte with 413, declared or streamed, and keeps nothing of it', async () => {
    const alice = await as('alice');
    const max = DEFAULT_UPLOAD_MAX_BYTES;
    const declared = await upload(demo.server.url, alice.token, Buffer.alloc(max + 1));
    expect(declared.status).toBe(413);
    expect(declared.body.code).toBe('VALIDATION');
    // No Content-Length: refused once the stream passes the limit.
    const streamed = await upload(demo.server.url, alice.token, zeros(max + 1));
    expect(streamed.status).toBe(413);
    // Exactly the limit is fine.
    expect((await upload(demo.server.url, alice.token, zeros(max))).status).toBe(201);
    expect(
      await new LocalBlobStore(join(demo.server.dataDir, 'files')).size(sha256(Buffer.alloc(max + 1))),
    ).toBeUndefined();
  });

  it('answers 404 to a non-member, to an unposted file and to an unknown id', async () => {
    const [alice, carol] = [await as('alice'), await as('carol')];
    const random = await channelId(alice, 'random'); // alice and bob only
    const { body: file } = await upload(demo.server.url, alice.token, Buffer.from('secret plans'));
    expect((await get(alice, `/api/files/${file.id}`)).status).toBe(404); // not posted anywhere yet
    expect((await post(alice, random, [file.id!])).ok).toBe(true);
    expect((await get(alice, `/api/files/${file.id}`)).status).toBe(200);
    const refused = await get(carol, `/api/files/${file.id}`);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await get(carol, `/api/files/${randomUUID()}`)).status).toBe(404);
    expect((await get(carol, '/api/files/not-an-id')).status).toBe(404);
    expect((await fetch(`${demo.server.url}/api/files/${file.id}`)).status).toBe(401);
  });

  it('serves an HTML upload as an attachment, nosniff, sandboxed; the bytes decide the type, not the header', async () => {
    const alice = await as('alice');
    const general = await channelId(alice, 'general');
    const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
    const page = await upload(demo.server.url, alice.token, html, {
      'content-type': 'image/png',
      'x-file-name': 'cat.png',
    });
    expect(page.body.mime).toBe('text/plain'); // claimed image/png: it is not one
    const png = await pngOf(8, 8);
    const image = await upload(demo.server.url, alice.token, png, {
      'content-type': 'text/html',
      'x-file-name': 'x.html',
    });
    expect(image.body.mime).toBe('image/png'); // claimed text/html: it is a PNG
    expect((await post(alice, general, [page.body.id!, image.body.id!])).ok).toBe(true);

    const served = await get(alice, `/api/files/${page.body.id}`);
    expect(served.headers.get('content-type')).toBe('text/plain');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toMatch(/^sandbox\b/);
    const inline = await get(alice, `/api/files/${image.body.id}`);
    expect(inline.headers.get('content-type')).toBe('image/png');
    expect(inline.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(inline.headers.get('content-security-policy')).toMatch(/^sandbox\b/);
  });

  it('answers a byte range with 206 and an impossible one with 416', async () => {
    const alice = await as('alice');
    const general = await channelId(alice, 'general');
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const { body: file } = await upload(demo.server.url, alice.token, bytes);
    await post(alice, general, [file.id!]);
    const part = await get(alice, `/api/files/${file.id}`, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const tail = await get(alice, `/api/files/${file.id}`, { range: 'bytes=-10' });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(990));
    const beyond = await get(alice, `/api/files/${file.id}`, { range: 'bytes=1000-' });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */1000');
  });

  it('makes an image thumbnail once, within its box, and none for other files', async () => {
    const alice = await as('alice');
    const general = await channelId(alice, 'general');
    const { body: image } = await upload(demo.server.url, alice.token, await pngOf(1200, 600));
    const { body: text } = await upload(demo.server.url, alice.token, Buffer.from('just text'));
    await post(alice, general, [image.id!, text.id!]);
    const first = await get(alice, `/api/files/${image.id}/thumbnail`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/webp');
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'webp', width: 400, height: 200 });
    const cached = join(
      demo.server.dataDir,
      'files',
      'thumbnails',
      image.sha256!.slice(0, 2),
      `${image.sha256}.webp`,
    );
    const made = (await stat(cached)).mtimeMs;
    const again = Buffer.from(await (await get(alice, `/api/files/${image.id}/thumbnail`)).arrayBuffer());
    expect(again).toEqual(bytes);
    expect((await stat(cached)).mtimeMs).toBe(made); // served from the store, not made again
    expect((await get(alice, `/api/files/${text.id}/thumbnail`)).status).toBe(404);
  });

  it('makes an image thumbnail in the background at upload, before anyone asks, and none for a fake image', async () => {
    const alice = await as('alice');
    const general = await channelId(alice, 'general');
    const { body: image } = await upload(demo.server.url, alice.token, await pngOf(800, 1600), {
      'content-type': 'image/png',
    });
    // Bytes that only claim to be a PNG: no job for them.
    const { body: fake } = await upload(demo.server.url, alice.token, Buffer.from('<html>not a png'), {
      'content-type': 'image/png',
      'x-file-name': 'fake.png',
    });
    const thumbnailOf = (sha: string) =>
      join(demo.server.dataDir, 'files', 'thumbnails', sha.slice(0, 2), `${sha}.webp`);
    await waitFor(
      async () => (await stat(thumbnailOf(image.sha256!)).catch(() => undefined)) !== undefined,
      "the upload's thumbnail",
    );
    const made = (await stat(thumbnailOf(image.sha256!))).mtimeMs;
    await post(alice, general, [image.id!, fake.id!]);
    const first = await get(alice, `/api/files/${image.id}/thumbnail`);
    expect(await sharp(Buffer.from(await first.arrayBuffer())).metadata()).toMatchObject({
      width: 200,
      height: 400,
    });
    expect((await stat(thumbnailOf(image.sha256!))).mtimeMs).toBe(made);
    expect((await get(alice, `/api/files/${fake.id}/thumbnail`)).status).toBe(404);
    expect(await stat(thumbnailOf(fake.sha256!)).catch(() => undefined)).toBeUndefined();
  });

  it('revalidates a cached file or thumbnail with its ETag: 304 and no body, to members only', async () => {
    const [alice, bob] = [await as('alice'), await as('bob')];
    const general = await channelId(alice, 'general');
    const { body: image } = await upload(demo.server.url, alice.token, await pngOf(300, 300));
    await post(alice, general, [image.id!]);
    for (const path of [`/api/files/${image.id}`, `/api/files/${image.id}/thumbnail`]) {
      const first = await get(alice, path);
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      expect(first.headers.get('cache-control')).toBe('private, max-age=3600');
      const again = await get(bob, path, { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await again.arrayBuffer()).byteLength).toBe(0);
      // Another validator: the bytes again.
      expect((await get(bob, path, { 'if-none-match': '"other"' })).status).toBe(200);
    }
    // Not a member of the channel: the same 404, whatever the validator.
    const { body: dm } = await upload(demo.server.url, alice.token, await pngOf(50, 50));
    const stranger = await as('carol');
    expect((await get(stranger, `/api/files/${dm.id}/thumbnail`, { 'if-none-match': '*' })).status).toBe(404);
  });

  it('collects uploads never posted once past the cutoff, rows and blobs, and keeps posted ones', async () => {
    const alice = await as('alice');
    const general = await channelId(alice, 'general');
    const { body: kept } = await upload(demo.server.url, alice.token, Buffer.from('posted'));
    const { body: orphan } = await upload(demo.server.url, alice.token, Buffer.from('never posted'));
    await post(alice, general, [kept.id!]);
    const blobs = new LocalBlobStore(join(demo.server.dataDir, 'files'));
    // Not yet 24 h old: nothing goes.
    expect(await collectOrphans(demo.server.store, blobs, new Date(Date.now() - 24 * 3600_000))).toBe(0);
    // As if 24 h had passed.
    expect(await collectOrphans(demo.server.store, blobs, new Date(Date.now() + 1_000))).toBe(1);
    expect(await demo.server.store.getFile(orphan.id!)).toBeUndefined();
    expect(await blobs.size(orphan.sha256!)).toBeUndefined();
    expect(await blobs.size(kept.sha256!)).toBe(6);
    // Posting a collected upload is refused, clearly.
    expect(await post(alice, general, [orphan.id!])).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('refuses a send whose upload the collection deletes after its check: the NOT_FOUND its retry gets, nothing stored, its number used up', async () => {
    await demo.stop();
    await demo.start({ ...(await options()), decorateStore: collectedAfterCheck });
    const alice = await as('alice');
    const general = demo.general.id;
    const late = async () => (await upload(demo.server.url, alice.token, Buffer.from(randomUUID()))).body.id!;
    const send = (fileIds: string[], extra: Record<string, unknown> = {}) =>
      emitWithAck<SendAck>(alice.socket, MessageEvent.SEND, {
        channelId: general,
        content: 'sent a day late',
        clientMessageId: randomUUID(),
        fileIds,
        ...extra,
      });
    const clientMessageId = randomUUID();
    const fileIds = [await late()];
    const refused = await send(fileIds, { clientMessageId });
    expect(refused).toEqual({
      ok: false,
      code: 'NOT_FOUND',
      error: expect.stringMatching(/attach it again/),
    });
    // The retry is told the same, on arrival.
    expect(await send(fileIds, { clientMessageId })).toEqual(refused);
    // A numbered send: refused alike, and its number used up, so the next one is taken.
    const deviceId = randomUUID();
    expect(await send([await late()], { deviceId, deviceSeq: 1 })).toEqual(refused);
    const next = await emitWithAck<SendAck>(alice.socket, MessageEvent.SEND, {
      channelId: general,
      content: 'next',
      clientMessageId: randomUUID(),
      deviceId,
      deviceSeq: 2,
    });
    expect(next).toMatchObject({ ok: true, seq: 1 });
    const history = await (await get(alice, `/api/channels/${general}/messages`)).json();
    expect(history.messages.map((m: Message) => m.content)).toEqual(['next']);
  });

  it('stops serving the files of a deleted message, unless a live message in your channels also carries them', async () => {
    const [alice, bob] = [await as('alice'), await as('bob')];
    const [general, random] = [await channelId(alice, 'general'), await channelId(alice, 'random')];
    const { body: image } = await upload(demo.server.url, alice.token, await pngOf(64, 64));
    const { body: shared } = await upload(demo.server.url, alice.token, Buffer.from('posted twice'));
    const first = await post(alice, random, [image.id!, shared.id!]);
    const again = await post(alice, general, [shared.id!]);
    expect([first.ok, again.ok]).toEqual([true, true]);
    expect((await get(bob, `/api/files/${image.id}`)).status).toBe(200);
    expect((await get(bob, `/api/files/${image.id}/thumbnail`)).status).toBe(200);

    const deleted = await emitWithAck<ChangeAck>(alice.socket, ChangeEvent.DELETE, {
      messageId: first.ok ? first.messageId : '',
      opId: randomUUID(),
    });
    expect(deleted.ok).toBe(true);
    for (const user of [alice, bob]) {
      expect((await get(user, `/api/files/${image.id}`)).status).toBe(404);
      expect((await get(user, `/api/files/${image.id}/thumbnail`)).status).toBe(404);
      // Still on a live message in general: still served.
      expect((await get(user, `/api/files/${shared.id}`)).status).toBe(200);
    }
    // The tombstone shows no files either.
    const history = await (await get(bob, `/api/channels/${random}/messages`)).json();
    expect(history.messages.at(-1)).toMatchObject({ deleted: true, content: '' });
    expect(history.messages.at(-1).files).toBeUndefined();

    // Once no live message carries it, an upload is collected like one never posted (after 24 h).
    const blobs = new LocalBlobStore(join(demo.server.dataDir, 'files'));
    expect(await collectOrphans(demo.server.store, blobs, new Date(Date.now() + 1_000))).toBe(1);
    expect(await demo.server.store.getFile(image.id!)).toBeUndefined();
    expect(await blobs.size(image.sha256!)).toBeUndefined();
    expect(await blobs.size(image.sha256!, 'thumbnail')).toBeUndefined();
    expect(await blobs.size(shared.sha256!)).toBe(12);
  });

  it('sweeps blobs no row names and stale temp files past the grace period, never an upload in flight', async () => {
    const alice = await as('alice');
    const general = await channelId(alice, 'general');
    // A blob folder of its own, with this server's rows: the server's own start-up sweep stays out of it.
    const root = await makeTempDir();
    const blobs = new LocalBlobStore(root);
    const longAgo = new Date(Date.now() - 2 * BLOB_GRACE_MS);
    // Posted long ago: its row keeps it, however old its bytes.
    const { body: posted } = await upload(demo.server.url, alice.token, Buffer.from('posted long ago'));
    await post(alice, general, [posted.id!]);
    const kept = await plantBlob(blobs, 'posted long ago');
    await utimes(blobPath(root, kept), longAgo, longAgo);
    // Killed between the rename and the row, long ago: bytes (and a thumbnail) no row will ever name.
    const lost = await plantBlob(blobs, 'renamed, then kill -9');
    await blobs.putVariant(lost, 'thumbnail', Buffer.from('thumb'));
    await utimes(blobPath(root, lost), longAgo, longAgo);
    // Renamed a moment ago, its row not committed yet: an upload in flight.
    const inFlight = await plantBlob(blobs, 'row about to be committed');
    // Temp files: one left by a crash long ago, one being written now.
    const [staleTmp, liveTmp] = [join(root, 'tmp', randomUUID()), join(root, 'tmp', randomUUID())];
    await writeFile(staleTmp, 'half an upload');
    await writeFile(liveTmp, 'an upload streaming');
    await utimes(staleTmp, longAgo, longAgo);
    // A thumbnail whose blob went (a crash between the two removals), long ago.
    const bare = sha256(Buffer.from('gone'));
    await blobs.putVariant(bare, 'thumbnail', Buffer.from('thumb'));
    await utimes(join(root, 'thumbnails', bare.slice(0, 2), `${bare}.webp`), longAgo, longAgo);

    try {
      expect(await sweepBlobs(demo.server.store, blobs, new Date(Date.now() - BLOB_GRACE_MS))).toEqual({
        blobs: 1,
        leftovers: 2,
      });
      expect(await blobs.size(lost)).toBeUndefined();
      expect(await blobs.size(lost, 'thumbnail')).toBeUndefined();
      expect(await blobs.size(bare, 'thumbnail')).toBeUndefined();
      expect(await blobs.size(kept)).toBe(15);
      expect(await blobs.size(inFlight)).toBe(25);
      expect(await readdir(join(root, 'tmp'))).toEqual([liveTmp.split('/').at(-1)]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('sweeps at start-up what a crash left behind', async () => {
    const dataDir = await makeTempDir();
    const root = join(dataDir, 'files');
    const lost = await plantBlob(new LocalBlobStore(root), 'left by a crash');
    const tmp = join(root, 'tmp', randomUUID());
    await writeFile(tmp, 'half an upload');
    const longAgo = new Date(Date.now() - 2 * BLOB_GRACE_MS);
    await utimes(blobPath(root, lost), longAgo, longAgo);
    await utimes(tmp, longAgo, longAgo);
    const restarted = await startTestServer({ ...(await options()), dataDir });
    try {
      const blobs = new LocalBlobStore(root);
      await waitFor(
        async () => (await blobs.size(lost)) === undefined && (await readdir(join(root, 'tmp'))).length === 0,
        'the start-up sweep',
      );
    } finally {
      await restarted.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("refuses another user's upload, an unknown one and more than 10, and stores no message", async () => {
    const [alice, bob] = [await as('alice'), await as('bob')];
    const general = await channelId(alice, 'general');
    const { body: bobs } = await upload(demo.server.url, bob.token, Buffer.from("bob's"));
    expect(await post(alice, general, [bobs.id!])).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await post(alice, general, [randomUUID()])).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const eleven = Array.from({ length: 11 }, () => randomUUID());
    const tooMany = await post(alice, general, eleven);
    expect(tooMany).toMatchObject({ ok: false, code: 'VALIDATION' });
    expect(JSON.stringify(tooMany)).toMatch(/At most 10 files/);
    const history = await (await get(alice, `/api/channels/${general}/messages`)).json();
    expect(history.messages).toEqual([]);
  });

  it('keeps only a safe file name: no folders, no bidi overrides, no control characters', async () => {
    const alice = await as('alice');
    const name = encodeURIComponent('../../etc/\u202Egpj.exe\u0007');
    const { body } = await upload(demo.server.url, alice.token, Buffer.from('x'), { 'x-file-name': name });
    expect(body.name).toBe('gpj.exe');
  });
}

/**
 * A store on which the hourly collection deletes every unposted upload (as if 24 h had passed) right
 * after a send's check that its files exist, before its insert: the race such a send loses
 * (ServerOptions.decorateStore).
 */
export function collectedAfterCheck(store: Store): Store {
  const getFile = store.getFile.bind(store);
  store.getFile = async (id) => {
    const file = await getFile(id);
    await store.deleteUnpostedFiles(new Date(Date.now() + 1_000).toISOString());
    return file;
  };
  return store;
}

const blobPath = (root: string, digest: string) => join(root, 'blobs', digest.slice(0, 2), digest);

/** Bytes in the blob store with no row naming them (as an upload killed after its rename leaves them). */
async function plantBlob(blobs: LocalBlobStore, text: string): Promise<string> {
  return (await blobs.put(Readable.from([Buffer.from(text)]), 1024)).sha256;
}

/** `size` zero bytes as a stream without a Content-Length, 64 KiB at a time (one chunk reused). */
export function zeros(size: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024);
  let left = size;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const n = Math.min(left, chunk.length);
      left -= n;
      controller.enqueue(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}
