/** LocalBlobStore.put on a real folder: what a second upload of the same bytes does to the stored blob. */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing';
import { type DiskSync, diskSync, LocalBlobStore, type ReceivedBlob, TooLargeError } from './blob-store';

describe('LocalBlobStore.put', () => {
  let root: string;
  let blobs: LocalBlobStore;
  beforeEach(async () => {
    root = await makeTempDir();
    blobs = new LocalBlobStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const pathOf = (sha256: string) => join(root, 'blobs', sha256.slice(0, 2), sha256);
  const longAgo = new Date(Date.now() - 48 * 3600_000);

  // Renaming a new temp file over an existing blob makes ext4 write the new file's data out at the
  // rename (auto_da_alloc) and the next fsync anywhere on the disk wait for it: ~20 + ~20 ms for 25 MiB
  // here. Identical bytes need neither: the blob stays, its mtime is refreshed (for the collector).
  it('keeps the stored blob for the same bytes uploaded again, with a fresh mtime and no temp file', async () => {
    const bytes = randomBytes(300_000);
    const first = await blobs.put(Readable.from([bytes]), 1e6);
    const path = pathOf(first.sha256);
    await utimes(path, longAgo, longAgo);
    const before = await stat(path);
    const again = await blobs.put(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), 1e6);
    expect(first.existed).toBe(false);
    expect(again).toMatchObject({ sha256: first.sha256, size: bytes.length, existed: true });
    const after = await stat(path);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    expect(after.mode & 0o777).toBe(0o600);
    expect(await readFile(path)).toEqual(bytes);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('replaces a stored blob whose size is wrong (cut short by a crash) with the uploaded bytes', async () => {
    const bytes = randomBytes(50_000);
    const { sha256 } = await blobs.put(Readable.from([bytes]), 1e6);
    await writeFile(pathOf(sha256), bytes.subarray(0, 10));
    expect((await blobs.put(Readable.from([bytes]), 1e6)).existed).toBe(false);
    expect(await readFile(pathOf(sha256))).toEqual(bytes);
    expect((await stat(pathOf(sha256))).mode & 0o777).toBe(0o600);
  });

  it('stores a new blob 0600 with its head, and keeps nothing of one past the limit', async () => {
    const bytes = randomBytes(10_000);
    const stored = await blobs.put(Readable.from([bytes.subarray(0, 3000), bytes.subarray(3000)]), 1e6);
    expect(stored.size).toBe(10_000);
    expect(stored.head).toEqual(bytes.subarray(0, 4100));
    expect((await stat(pathOf(stored.sha256))).mode & 0o777).toBe(0o600);
    await expect(blobs.put(Readable.from([randomBytes(2000)]), 1000)).rejects.toBeInstanceOf(TooLargeError);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('reads a blob or its thumbnail whole, and undefined when it is not stored', async () => {
    const { sha256 } = await blobs.put(Readable.from([Buffer.from('bytes')]), 1e6);
    expect(await blobs.read(sha256)).toEqual(Buffer.from('bytes'));
    expect(await blobs.read(sha256, 'thumbnail')).toBeUndefined();
    await blobs.putVariant(sha256, 'thumbnail', Buffer.from('thumb'));
    expect(await blobs.read(sha256, 'thumbnail')).toEqual(Buffer.from('thumb'));
  });

  // Durable before the answer, as a message is: a power cut after the upload's row is committed must not
  // leave the row naming a blob whose bytes never reached the disk.
  it("syncs a new blob's bytes before it is renamed into place, then its folder; nothing for bytes it holds", async () => {
    const calls: string[] = [];
    const recording: DiskSync = {
      async file(path) {
        const { size } = await stat(path);
        const named = await stat(pathOf(sha)).then(
          () => 'named',
          () => 'not named',
        );
        calls.push(`file ${path.startsWith(join(root, 'tmp')) ? 'tmp' : path} ${size} ${named}`);
        await diskSync.file(path);
      },
      async dir(path) {
        const names = {
          [join(root, 'blobs', sha.slice(0, 2))]: 'fan-out folder',
          [join(root, 'blobs')]: 'blobs',
        };
        calls.push(`dir ${names[path] ?? path}`);
        await diskSync.dir(path);
      },
      writeBack: (handle) => diskSync.writeBack(handle),
    };
    const bytes = randomBytes(200_000);
    const sha = (await new LocalBlobStore(await makeTempDir()).put(Readable.from([bytes]), 1e6)).sha256;
    const durable = new LocalBlobStore(root, recording);
    await durable.put(Readable.from([bytes]), 1e6);
    // The first blob of its fan-out folder: the folder's own entry in blobs/ is synced too.
    expect(calls).toEqual([`file tmp ${bytes.length} not named`, 'dir fan-out folder', 'dir blobs']);
    calls.length = 0;
    expect((await durable.put(Readable.from([bytes]), 1e6)).existed).toBe(true);
    expect(calls).toEqual([]);
    await durable.put(Readable.from([Buffer.concat([bytes, Buffer.from('!')])]), 1e6);
    expect(calls.slice(1)).toEqual(expect.arrayContaining([expect.stringMatching(/^dir /)]));
  });

  // fdatasync of 25 MiB at the end alone took 21–29 ms on this disk; with the bytes written back while
  // they arrive, the last one waits for the last few MiB (8 ms).
  it('writes a big upload back while it arrives, one fdatasync at a time, and still syncs it at the end', async () => {
    const calls: string[] = [];
    let running = 0;
    const recording: DiskSync = {
      async file(path) {
        calls.push(`file ${path.startsWith(join(root, 'tmp')) ? 'tmp' : path}`);
        await diskSync.file(path);
      },
      dir: (path) => diskSync.dir(path),
      async writeBack(handle) {
        running++;
        calls.push(`write-back${running > 1 ? ' while another runs' : ''}`);
        try {
          await diskSync.writeBack(handle);
        } finally {
          running--;
        }
      },
    };
    const bytes = randomBytes(9 * 1024 * 1024);
    const chunks = Array.from({ length: bytes.length / 65536 }, (_, i) =>
      bytes.subarray(i * 65536, (i + 1) * 65536),
    );
    const stored = await new LocalBlobStore(root, recording).put(Readable.from(chunks), 1e8);
    // equals(), not toEqual: a deep comparison of 9 MiB byte by byte takes minutes.
    expect((await readFile(pathOf(stored.sha256))).equals(bytes)).toBe(true);
    expect(calls.filter((c) => c === 'write-back').length).toBeGreaterThanOrEqual(1);
    expect(calls.some((c) => c.includes('while another runs'))).toBe(false);
    expect(calls.at(-1)).toBe('file tmp');
  });

  // The final fdatasync on a new descriptor may not report an error a background one already saw.
  it('fails the upload, keeping nothing, when a background write-back fails', async () => {
    const failing: DiskSync = {
      ...diskSync,
      writeBack: async () => {
        throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
      },
    };
    const bytes = randomBytes(9 * 1024 * 1024);
    const chunks = Array.from({ length: 9 }, (_, i) => bytes.subarray(i * 1048576, (i + 1) * 1048576));
    await expect(new LocalBlobStore(root, failing).put(Readable.from(chunks), 1e8)).rejects.toThrow('EIO');
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(await readdir(join(root, 'blobs')).catch(() => [])).toEqual([]);
  });

  // A new upload's reader (its thumbnail) starts once every byte arrived, before the blob is durable.
  it('hands new bytes to onReceived before syncing them, under a name that outlives the rename', async () => {
    const events: string[] = [];
    let received: ReceivedBlob | undefined;
    const recording: DiskSync = {
      ...diskSync,
      async file(path) {
        events.push('sync');
        await diskSync.file(path);
      },
    };
    const bytes = randomBytes(100_000);
    const store = new LocalBlobStore(root, recording);
    const stored = await store.put(Readable.from([bytes]), 1e6, (blob) => {
      events.push('received');
      received = blob;
    });
    expect(events).toEqual(['received', 'sync']);
    expect(received).toMatchObject({
      sha256: stored.sha256,
      size: bytes.length,
      head: bytes.subarray(0, 4100),
    });
    // Renamed into place meanwhile: the reader's name still holds the bytes, 0600, until released.
    expect(await readFile(received!.file)).toEqual(bytes);
    expect((await stat(received!.file)).mode & 0o777).toBe(0o600);
    await received!.release();
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(await readFile(pathOf(stored.sha256))).toEqual(bytes);
    // Bytes it holds already: nothing to read early, nothing handed out.
    received = undefined;
    await store.put(Readable.from([bytes]), 1e6, (blob) => {
      received = blob;
    });
    expect(received).toBeUndefined();
  });
});
