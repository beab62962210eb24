/**
 * The files of messages, for the page: fetched from the server (`GET /api/files/:id` and its thumbnail)
 * with the session's token, kept on disk under `userData/files/<userId>/` (folders 0700, files 0600) up
 * to a size cap, the least recently opened evicted first. The renderer has no network: the hosts serve
 * these (../web/file-route.ts), so the page only ever names a file by its id.
 *
 * Each entry is the bytes (`<fileId>` or `<fileId>.thumbnail`) and a sidecar `.json` with the type and
 * disposition the server gave. An entry is written to a temp file and renamed: a crash leaves a whole
 * entry or none. Opening one sets its access time, which the eviction sorts by.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { BridgeFailure } from '../../src-shared/bridge';
import { Id } from '../../src-shared/protocol';
import { codeFor } from './api';
import type { FetchFn, Logger } from './ports';

export type FileVariant = 'original' | 'thumbnail';

export interface CachedFile {
  /** The bytes on disk, ready to stream. */
  path: string;
  size: number;
  mime: string;
  /** The server's Content-Disposition (inline only for safe raster images). */
  disposition: string;
}

/** What the hosts serve the page from. */
export interface FileSource {
  /** The file from the cache, fetched first when missing; BridgeFailure NOT_FOUND, UNAUTHORIZED, … */
  open(fileId: string, variant: FileVariant): Promise<CachedFile>;
}

export interface FileCacheOptions {
  /** The user data folder; entries go to `files/<userId>/` in it. */
  userData: string;
  /** The cache's size cap in bytes. */
  maxBytes: number;
  fetch: FetchFn;
  /** The signed-in user's server and token, or null when signed out. */
  credentials(): { serverUrl: string; token: string; userId: string } | null;
  /** A whole file may take this long to arrive. */
  timeoutMs: number;
  logger: Logger;
}

interface Meta {
  mime: string;
  disposition: string;
}

const SAFE_DEFAULT_DISPOSITION = 'attachment';

/**
 * Takes these files' entries (both variants) out of a user's cache: those of the messages of a channel
 * left, which are no longer the user's to keep. A file also posted in a channel still held is fetched
 * again when next opened (the cache does not know which messages name an entry: a cheaper miss than
 * reading every message's files at each leave). An id that is not one names nothing.
 */
export async function forgetCachedFiles(
  userData: string,
  userId: string,
  fileIds: readonly string[],
): Promise<void> {
  if (!Id.safeParse(userId).success) return;
  const dir = join(userData, 'files', userId);
  for (const fileId of new Set(fileIds)) {
    if (!Id.safeParse(fileId).success) continue;
    for (const name of [fileId, `${fileId}.thumbnail`]) await removeEntry(join(dir, name));
  }
}

/** One entry of the cache: the file and its metadata beside it (`Meta`, as `<file>.json`). */
async function removeEntry(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(`${path}.json`, { force: true });
}

export function createFileCache(options: FileCacheOptions): FileSource {
  const inFlight = new Map<string, Promise<CachedFile>>();

  async function cached(path: string): Promise<CachedFile | undefined> {
    try {
      const [info, meta] = await Promise.all([stat(path), readFile(`${path}.json`, 'utf8')]);
      const parsed = JSON.parse(meta) as Meta;
      const now = new Date();
      await utimes(path, now, info.mtime); // opened now: last in line for eviction
      return { path, size: info.size, mime: parsed.mime, disposition: parsed.disposition };
    } catch {
      return undefined;
    }
  }

  async function download(
    creds: NonNullable<ReturnType<FileCacheOptions['credentials']>>,
    fileId: string,
    variant: FileVariant,
    dir: string,
    path: string,
  ): Promise<CachedFile> {
    const suffix = variant === 'thumbnail' ? '/thumbnail' : '';
    const url = new URL(`/api/files/${fileId}${suffix}`, creds.serverUrl).toString();
    let response: Response;
    try {
      response = await options.fetch(url, {
        headers: { authorization: `Bearer ${creds.token}` },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      if (error instanceof BridgeFailure) throw error;
      throw new BridgeFailure('SERVER_UNREACHABLE', `Cannot reach the server at ${new URL(url).origin}`);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new BridgeFailure(codeFor(response.status), `The file could not be fetched (${response.status})`);
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const meta: Meta = {
      mime: response.headers.get('content-type') ?? 'application/octet-stream',
      disposition: response.headers.get('content-disposition') ?? SAFE_DEFAULT_DISPOSITION,
    };
    try {
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        createWriteStream(temp, { flags: 'wx', mode: 0o600 }),
      );
      await writeFile(`${path}.json`, JSON.stringify(meta), { mode: 0o600 });
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await evict(dir, path).catch((error: unknown) =>
      options.logger.warn({ error: String(error) }, 'file cache eviction failed'),
    );
    return { path, size: (await stat(path)).size, ...meta };
  }

  /** Removes the least recently opened entries until the cache fits its cap (never `keep`). */
  async function evict(dir: string, keep: string): Promise<void> {
    const entries = [];
    for (const name of await readdir(dir)) {
      if (name.endsWith('.json') || name.endsWith('.tmp')) continue;
      const path = join(dir, name);
      const info = await stat(path);
      entries.push({ path, size: info.size, used: info.atimeMs });
    }
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    entries.sort((a, b) => a.used - b.used);
    for (const entry of entries) {
      if (total <= options.maxBytes) break;
      if (entry.path === keep) continue;
      await removeEntry(entry.path);
      total -= entry.size;
    }
  }

  return {
    async open(fileId, variant) {
      const creds = options.credentials();
      if (!creds) throw new BridgeFailure('UNAUTHORIZED', 'Sign in to see files');
      // Only an id names an entry: never a path from the page.
      if (!Id.safeParse(fileId).success) throw new BridgeFailure('NOT_FOUND', 'No such file');
      const dir = join(options.userData, 'files', creds.userId);
      const path = join(dir, variant === 'thumbnail' ? `${fileId}.thumbnail` : fileId);
      const hit = await cached(path);
      if (hit) return hit;
      let pending = inFlight.get(path);
      if (!pending) {
        pending = download(creds, fileId, variant, dir, path).finally(() => inFlight.delete(path));
        inFlight.set(path, pending);
      }
      return pending;
    },
  };
}
