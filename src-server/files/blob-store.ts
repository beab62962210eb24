/**
 * Where upload bytes live: a content-addressed store, one blob per sha256, behind an interface so that an
 * S3-compatible store can replace the local disk (the embedded default, LocalBlobStore).
 *
 * Local layout under DATA_DIR/files (folders 0700, files 0600):
 *   blobs/ab/abcdef…   the bytes of sha256 abcdef… (the first two hex digits fan the folder out)
 *   thumbnails/ab/abcdef….webp   its thumbnail, made once (thumbnail.ts)
 *   tmp/               uploads in flight: written here while hashed, renamed into blobs/ when complete
 *                      (or dropped when blobs/ holds those bytes already); `<name>.read`: a second
 *                      name of a new upload's temp file while a reader (its thumbnail) has it
 * A crash can leave a temp file, or a renamed blob whose row was never inserted: files/sweep.ts.
 * A new blob is durable before put() resolves, so before its row is committed and the upload answered:
 * its bytes are synced before the rename, its folder after it (a power cut must not leave a row naming
 * bytes that never reached the disk); a big upload is written back in the background while it arrives,
 * so that sync waits for its last few MiB. Thumbnails are not synced: one lost is made again on request.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import {
  type FileHandle,
  link,
  mkdir,
  open as openFile,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../private-files';

/** Bytes kept from the start of an upload for MIME detection (file-type reads at most this many). */
export const HEAD_BYTES = 4100;

export type BlobVariant = 'original' | 'thumbnail';

export interface StoredBlob {
  sha256: string;
  size: number;
  /** The first HEAD_BYTES bytes (fewer for a smaller blob). */
  head: Buffer;
  /** True when these bytes were stored already (uploaded before): kept, not written again. */
  existed: boolean;
}

/**
 * A new blob whose bytes have all arrived, given to put()'s `onReceived` before they are synced, so that a
 * reader (a thumbnail's resize) can start while the blob is made durable: what it makes of them must wait
 * for put() to resolve before it is stored or shown.
 */
export interface ReceivedBlob {
  sha256: string;
  size: number;
  head: Buffer;
  /** A file on this disk holding the bytes, for a reader that opens files itself (sharp), until release(). */
  file: string;
  /** Drops `file`; call it once the reader is done with it. */
  release(): Promise<void>;
}

export interface BlobEntry {
  sha256: string;
  /** When its bytes were last written (a new upload of the same bytes writes them again). */
  writtenAt: Date;
}

export interface BlobStore {
  /**
   * Streams `source` into the store, hashing as it goes, never holding more than a chunk; rejects with
   * TooLargeError as soon as more than `maxBytes` arrived (nothing is kept then). Bytes already stored
   * are kept as they are (their mtime refreshed), not written over. `onReceived`, when given, is called
   * for new bytes once they have all arrived, before they are made durable (a store that cannot hand
   * out a local file never calls it).
   */
  put(source: Readable, maxBytes: number, onReceived?: (blob: ReceivedBlob) => void): Promise<StoredBlob>;
  /** Stores a small derived blob (a thumbnail) beside the original. */
  putVariant(sha256: string, variant: Exclude<BlobVariant, 'original'>, bytes: Buffer): Promise<void>;
  /** The size, or undefined when the blob (or that variant of it) is not stored. */
  size(sha256: string, variant?: BlobVariant): Promise<number | undefined>;
  /** The whole bytes (for a blob that is read whole anyway, such as an image to resize), or undefined. */
  read(sha256: string, variant?: BlobVariant): Promise<Buffer | undefined>;
  /**
   * Where the blob is on this machine's disk, for a reader that opens files itself off the event loop
   * (sharp): undefined for a store elsewhere (then read()).
   */
  localFile?(sha256: string): string;
  /** The bytes, or the inclusive range `start`..`end` of them. */
  open(sha256: string, variant?: BlobVariant, range?: { start: number; end: number }): Readable;
  /**
   * Deletes the blob and its variants unless written at or after `unlessWrittenSince` (a new upload of it);
   * true when it was deleted.
   */
  remove(sha256: string, unlessWrittenSince: Date): Promise<boolean>;
  /** Every stored blob (originals), a batch at a time. */
  list(): AsyncIterable<BlobEntry[]>;
  /**
   * Deletes what a crash leaves that no row can name, last written before `before`: temp files of uploads
   * and thumbnails never renamed into place, and thumbnails whose blob is gone. Returns how many.
   */
  removeLeftovers(before: Date): Promise<number>;
}

export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`);
    this.name = 'TooLargeError';
  }
}

/** How a new blob is made to survive a power cut; a test records the calls around the real ones. */
export interface DiskSync {
  /** fdatasync of a file's bytes. */
  file(path: string): Promise<void>;
  /**
   * fdatasync of a file still being written, in the background (not what makes it durable: file() does,
   * at the end): the disk writes a big upload back while the rest arrives.
   */
  writeBack(handle: FileHandle): Promise<void>;
  /** fsync of a folder, making a rename in it durable. */
  dir(path: string): Promise<void>;
}

async function syncPath(path: string, data: boolean): Promise<void> {
  const handle = await openFile(path, 'r');
  try {
    await (data ? handle.datasync() : handle.sync());
  } finally {
    await handle.close();
  }
}

export const diskSync: DiskSync = {
  file: (path) => syncPath(path, true),
  writeBack: (handle) => handle.datasync(),
  dir: (path) => syncPath(path, false),
};

const SHA256 = /^[0-9a-f]{64}$/;
const FAN_OUT = /^[0-9a-f]{2}$/;
const THUMBNAIL_FILE = /^([0-9a-f]{64})\.webp$/;

export class LocalBlobStore implements BlobStore {
  constructor(
    private readonly root: string,
    private readonly sync: DiskSync = diskSync,
  ) {
    ensurePrivateDir(root);
    ensurePrivateDir(join(root, 'tmp'));
  }

  private path(sha256: string, variant: BlobVariant = 'original'): string {
    // Never a path from outside: only a hex digest names a file here.
    if (!SHA256.test(sha256)) throw new Error('Not a sha256 digest');
    return variant === 'original'
      ? join(this.root, 'blobs', sha256.slice(0, 2), sha256)
      : join(this.root, 'thumbnails', sha256.slice(0, 2), `${sha256}.webp`);
  }

  async put(
    source: Readable,
    maxBytes: number,
    onReceived?: (blob: ReceivedBlob) => void,
  ): Promise<StoredBlob> {
    const tmp = join(this.root, 'tmp', randomUUID());
    const handle = await openFile(tmp, 'wx', PRIVATE_FILE_MODE);
    const sink = new BlobSink(handle, maxBytes, this.sync);
    let reader: string | undefined;
    try {
      try {
        // destroyOnReturn false: on an error (too large) the source is left to the caller, which still
        // answers on its connection (an HTTP request destroyed here would take the 413 with it).
        await pipeline(source.iterator({ destroyOnReturn: false }), sink);
      } finally {
        // After any write-back still running on it (close waits for the handle's pending operations).
        await handle.close();
      }
      const { sha256, size, head } = sink.received();
      const target = this.path(sha256);
      const existed = await refreshIfStored(target, size);
      if (existed) {
        // Its dirty pages are dropped, never written out.
        await rm(tmp, { force: true });
      } else {
        if (onReceived) {
          // A second name of the temp file, kept while the receiver reads it: the temp name is renamed
          // away below, while the receiver's reader (libvips, on its own thread) may not have opened it.
          reader = `${tmp}.read`;
          await link(tmp, reader);
          const name = reader;
          let released: Promise<void> | undefined;
          // Once, however many paths of the reader end (thumbnails.ts releases as soon as it has read).
          const release = () => (released ??= rm(name, { force: true }));
          onReceived({ sha256, size, head, file: name, release });
          reader = undefined;
        }
        const folder = join(target, '..');
        const madeFolder = await mkdir(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
        await this.sync.file(tmp);
        // Atomic: a reader sees the whole blob or none.
        await rename(tmp, target);
        await this.sync.dir(folder);
        // A fan-out folder made just now is itself an entry of blobs/ (made once per two hex digits).
        if (madeFolder) await this.sync.dir(join(folder, '..'));
      }
      return { sha256, size, head, existed };
    } catch (err) {
      await rm(tmp, { force: true });
      if (reader) await rm(reader, { force: true });
      throw err;
    }
  }

  async putVariant(sha256: string, variant: Exclude<BlobVariant, 'original'>, bytes: Buffer): Promise<void> {
    const target = this.path(sha256, variant);
    await mkdir(join(target, '..'), { recursive: true, mode: PRIVATE_DIR_MODE });
    const tmp = join(this.root, 'tmp', randomUUID());
    await writeFile(tmp, bytes, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    await rename(tmp, target);
  }

  async size(sha256: string, variant?: BlobVariant): Promise<number | undefined> {
    return (await statIfAny(this.path(sha256, variant)))?.size;
  }

  localFile(sha256: string): string {
    return this.path(sha256);
  }

  async read(sha256: string, variant?: BlobVariant): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(sha256, variant));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  open(sha256: string, variant?: BlobVariant, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(sha256, variant), range);
  }

  async remove(sha256: string, unlessWrittenSince: Date): Promise<boolean> {
    const original = this.path(sha256);
    // Moved aside first, then judged by its mtime: an upload of the same bytes renamed in before the move
    // is moved back (identical bytes, so a second upload landing meanwhile loses nothing); one renamed in
    // after it simply takes the place. A stat-then-delete would leave a window to delete a fresh upload.
    const aside = join(this.root, 'tmp', randomUUID());
    try {
      await rename(original, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await rm(this.path(sha256, 'thumbnail'), { force: true });
      return false;
    }
    if ((await stat(aside)).mtime >= unlessWrittenSince) {
      await rename(aside, original);
      return false;
    }
    await rm(aside, { force: true });
    await rm(this.path(sha256, 'thumbnail'), { force: true });
    return true;
  }

  async *list(): AsyncIterable<BlobEntry[]> {
    const blobs = join(this.root, 'blobs');
    for (const fan of await entries(blobs, FAN_OUT)) {
      const batch: BlobEntry[] = [];
      for (const name of await entries(join(blobs, fan), SHA256)) {
        const info = await statIfAny(join(blobs, fan, name));
        if (info) batch.push({ sha256: name, writtenAt: info.mtime });
      }
      if (batch.length > 0) yield batch;
    }
  }

  async removeLeftovers(before: Date): Promise<number> {
    let removed = 0;
    const removeIfStale = async (path: string, orphan: () => Promise<boolean>) => {
      const info = await statIfAny(path);
      if (info && info.mtime < before && (await orphan())) {
        await rm(path, { force: true });
        removed++;
      }
    };
    const tmp = join(this.root, 'tmp');
    // An upload streaming writes its temp file all along (and lasts at most the request timeout).
    for (const name of await entries(tmp)) await removeIfStale(join(tmp, name), async () => true);
    const thumbnails = join(this.root, 'thumbnails');
    for (const fan of await entries(thumbnails, FAN_OUT)) {
      for (const name of await entries(join(thumbnails, fan), THUMBNAIL_FILE)) {
        const sha256 = THUMBNAIL_FILE.exec(name)![1]!;
        await removeIfStale(join(thumbnails, fan, name), async () => (await this.size(sha256)) === undefined);
      }
    }
    return removed;
  }
}

/**
 * What is written of a blob and not yet flushed, past which a background fdatasync starts (one at a time):
 * the disk writes a big upload back while it still arrives, so the fdatasync that makes it durable at
 * the end waits for the last few MiB, not all of them (25 MiB here: 21–29 ms alone, 8 ms after this).
 */
const WRITE_BACK_BYTES = 4 * 1024 * 1024;

/**
 * The one write path of an upload: each chunk is counted against the limit, written to the temp file,
 * and hashed (and its head kept) while the thread pool writes it; never more than a chunk or two held.
 */
class BlobSink extends Writable {
  private readonly hash = createHash('sha256');
  private readonly headChunks: Buffer[] = [];
  private headSize = 0;
  private size = 0;
  private unflushed = 0;
  private flushing: Promise<void> | undefined;
  /** A background fdatasync's error: reported by the upload, as the final fdatasync may no longer see it. */
  private failed: Error | undefined;

  constructor(
    private readonly handle: FileHandle,
    private readonly maxBytes: number,
    private readonly sync: DiskSync,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this._writev([{ chunk }], done);
  }

  override _writev(chunks: { chunk: Buffer }[], done: (err?: Error | null) => void): void {
    const buffers = chunks.map(({ chunk }) => chunk);
    let bytes = 0;
    for (const buffer of buffers) bytes += buffer.length;
    this.size += bytes;
    const refused = this.size > this.maxBytes ? new TooLargeError(this.maxBytes) : this.failed;
    if (refused) {
      done(refused);
      return;
    }
    const writing = writeAll(this.handle, buffers, bytes);
    // Neither the hash nor the write changes the bytes: the CPU hashes while the thread pool writes.
    for (const buffer of buffers) {
      this.hash.update(buffer);
      if (this.headSize < HEAD_BYTES) {
        const part = buffer.subarray(0, HEAD_BYTES - this.headSize);
        this.headChunks.push(Buffer.from(part)); // a copy: the rest of the chunk can be freed
        this.headSize += part.length;
      }
    }
    writing.then(() => {
      this.unflushed += bytes;
      this.writeBack();
      done(this.failed);
    }, done);
  }

  override _final(done: (err?: Error | null) => void): void {
    void (this.flushing ?? Promise.resolve()).then(() => done(this.failed));
  }

  private writeBack(): void {
    if (this.flushing || this.unflushed < WRITE_BACK_BYTES) return;
    this.unflushed = 0;
    this.flushing = this.sync
      .writeBack(this.handle)
      .catch((err: Error) => {
        this.failed ??= err;
      })
      .finally(() => {
        this.flushing = undefined;
      });
  }

  received(): { sha256: string; size: number; head: Buffer } {
    return { sha256: this.hash.digest('hex'), size: this.size, head: Buffer.concat(this.headChunks) };
  }
}

async function writeAll(handle: FileHandle, buffers: Buffer[], bytes: number): Promise<void> {
  let { bytesWritten } = await handle.writev(buffers);
  // A short write (rare on a local file): the rest, from where it stopped.
  while (bytesWritten < bytes) {
    bytesWritten += (await handle.write(Buffer.concat(buffers).subarray(bytesWritten))).bytesWritten;
  }
}

/**
 * True when `path` already holds the blob (named by its sha256, and of the same `size`: a blob cut short
 * by a crash is written again), its mtime now set to now, which keeps the orphan collector off it as a
 * fresh write would (remove): renaming identical bytes over it would make ext4 write the new file out at
 * the rename (auto_da_alloc), and the row's fsync wait for it. False when it must be written: missing,
 * of another size, or moved aside by the collector meanwhile (utimes then fails with ENOENT).
 */
async function refreshIfStored(path: string, size: number): Promise<boolean> {
  try {
    if ((await stat(path)).size !== size) return false;
    const now = new Date();
    await utimes(path, now, now);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** The names in `dir` (matching `pattern` when given); none when it does not exist. */
async function entries(dir: string, pattern?: RegExp): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return pattern ? names.filter((n) => pattern.test(n)) : names;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function statIfAny(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
