/**
 * Files being attached (issue 17), staged in main before their message is queued: each written under
 * `<userData>/outgoing/<userId>/` (folder 0700, file 0600) in the chunks the bridge carries, then handed
 * to the store as upload operations by `take` (store.queueOwnMessage, one transaction with the send).
 * Staging is in memory: a file staged and never sent is gone with the process (its bytes are collected
 * by `sweep` at the next start, which keeps only the files the queue still names).
 */
import { randomUUID } from 'node:crypto';
import { appendFile, chmod, copyFile, mkdir, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { BridgeFailure } from '../../src-shared/bridge';
import { DEFAULT_UPLOAD_MAX_BYTES, formatSize, MAX_FILES_PER_MESSAGE } from '../../src-shared/protocol';
import type { QueuedFile } from '../store/store';

interface Staged extends QueuedFile {
  written: number;
  /** Chunks are written one after another, in the order they came. */
  tail: Promise<void>;
}

/** The usual types by extension, for the request and the chip; the server decides from the bytes. */
const MIME_BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
};

/** Staged files per account: a page that keeps staging without sending stops here. */
const MAX_STAGED = 4 * MAX_FILES_PER_MESSAGE;

export class Attachments {
  private readonly staged = new Map<string, Staged>();

  constructor(
    readonly dir: string,
    private readonly maxBytes = DEFAULT_UPLOAD_MAX_BYTES,
  ) {}

  async begin(file: { name: string; mime: string; size: number }): Promise<string> {
    if (file.size > this.maxBytes)
      throw new BridgeFailure(
        'VALIDATION',
        `${file.name} is too large to send: ${formatSize(file.size)}, at most ${formatSize(this.maxBytes)}`,
      );
    if (this.staged.size >= MAX_STAGED)
      throw new BridgeFailure('RATE_LIMITED', 'Too many files waiting to be sent: send or remove some first');
    const key = randomUUID();
    const path = join(this.dir, key);
    // Staged before the file exists: a sweep that lists the folder meanwhile (the account's start) keeps it.
    this.staged.set(key, {
      key,
      path,
      name: file.name,
      mime: file.mime,
      size: file.size,
      written: 0,
      tail: Promise.resolve(),
    });
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(path, new Uint8Array(), { mode: 0o600 });
    } catch (error) {
      this.staged.delete(key);
      throw error;
    }
    return key;
  }

  async append(key: string, offset: number, base64: string): Promise<void> {
    const file = this.staged.get(key);
    if (!file) throw new BridgeFailure('NOT_FOUND', 'This attachment is no longer staged');
    const bytes = Buffer.from(base64, 'base64');
    if (offset !== file.written)
      throw new BridgeFailure('VALIDATION', `Expected the chunk at ${file.written}`);
    if (offset + bytes.length > file.size)
      throw new BridgeFailure('VALIDATION', `${file.name} is longer than announced`);
    file.written += bytes.length;
    const write = file.tail.then(() => appendFile(file.path, bytes));
    file.tail = write.catch(() => {});
    await write;
  }

  /**
   * A file the user chose in the native dialog (desktop), staged whole by a copy: the same staging, the
   * same limits, as the page's chunks. Its type is a guess from the name (the server detects the real one).
   */
  async stageFromPath(
    source: string,
  ): Promise<{ attachmentId: string; name: string; size: number; mime: string }> {
    const info = await stat(source);
    if (!info.isFile()) throw new BridgeFailure('VALIDATION', `${basename(source)} is not a file`);
    const name = basename(source).slice(0, 255) || 'file';
    const mime = MIME_BY_EXTENSION[extname(name).toLowerCase()] ?? 'application/octet-stream';
    const key = await this.begin({ name, mime, size: info.size });
    const file = this.staged.get(key) as Staged;
    try {
      await copyFile(source, file.path);
      await chmod(file.path, 0o600);
      const copied = (await stat(file.path)).size;
      // Changed while being copied: what was announced is no longer what is sent.
      if (copied !== info.size) throw new BridgeFailure('VALIDATION', `${name} changed while being attached`);
    } catch (error) {
      this.staged.delete(key);
      await unlink(file.path).catch(() => {});
      throw error;
    }
    file.written = info.size;
    return { attachmentId: key, name, size: info.size, mime };
  }

  /** The staged files of a message, complete, in order; they leave staging (the queue owns them now). */
  async take(keys: readonly string[]): Promise<QueuedFile[]> {
    const files = keys.map((key) => {
      const file = this.staged.get(key);
      if (!file) throw new BridgeFailure('NOT_FOUND', 'An attachment is no longer staged: attach it again');
      if (file.written !== file.size)
        throw new BridgeFailure('VALIDATION', `${file.name} was not fully attached: attach it again`);
      return file;
    });
    await Promise.all(files.map((f) => f.tail));
    for (const f of files) this.staged.delete(f.key);
    return files.map(({ key, path, name, mime, size }) => ({ key, path, name, mime, size }));
  }

  /**
   * Deletes the files in the folder that neither the queue (`keep`) nor staging names. The queue is
   * asked once the folder is listed: a file taken from staging into the queue meanwhile is kept.
   */
  async sweep(keep: () => ReadonlySet<string>): Promise<void> {
    const listed = await readdir(this.dir).catch(() => [] as string[]);
    const queued = keep();
    await Promise.all(
      listed
        .filter((name) => !queued.has(name) && !this.staged.has(name))
        .map((name) => unlink(join(this.dir, name)).catch(() => {})),
    );
  }
}
