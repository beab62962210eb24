/**
 * Uploads never posted in a message are collected after ORPHAN_MAX_AGE_MS: their rows first, then each
 * blob no row names any more. A blob written again since the cutoff (the same bytes uploaded anew) is kept,
 * so a collection racing a new upload of the same bytes cannot take the new upload's blob.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types';
import type { BlobStore } from './blob-store';
import { BLOB_GRACE_MS, sweepBlobs } from './sweep';

export const ORPHAN_MAX_AGE_MS = 24 * 3600 * 1000;
const COLLECT_EVERY_MS = 3600 * 1000;
const SWEEP_EVERY_MS = 24 * 3600 * 1000;

/** Deletes the unposted files created before `cutoff`; returns how many. */
export async function collectOrphans(store: Store, blobs: BlobStore, cutoff: Date): Promise<number> {
  const deleted = await store.deleteUnpostedFiles(cutoff.toISOString());
  const freed = [...new Set(deleted.map((f) => f.sha256))];
  const inUse = freed.length > 0 ? await store.blobsInUse(freed) : new Set<string>();
  for (const sha256 of freed) if (!inUse.has(sha256)) await blobs.remove(sha256, cutoff);
  return deleted.length;
}

export interface OrphanCollector {
  close(): void;
}

/**
 * Collects every COLLECT_EVERY_MS (and once at start), and sweeps what a crash left (sweep.ts) on the
 * first pass and then once every SWEEP_EVERY_MS: a sweep reads the whole blob folder. A pass never
 * overlaps the previous one. `now` is injectable for tests.
 */
export function startOrphanCollector(
  store: Store,
  blobs: BlobStore,
  logger: Logger,
  now: () => number = Date.now,
): OrphanCollector {
  let lastSweep = Number.NEGATIVE_INFINITY;
  let running = false;
  const collect = async () => {
    const count = await collectOrphans(store, blobs, new Date(now() - ORPHAN_MAX_AGE_MS));
    if (count > 0) logger.info({ event: 'orphan_files_collected', count }, 'unposted uploads collected');
  };
  const sweep = async () => {
    if (now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now();
    const swept = await sweepBlobs(store, blobs, new Date(now() - BLOB_GRACE_MS));
    if (swept.blobs + swept.leftovers > 0) {
      logger.info(
        { event: 'file_leftovers_swept', ...swept },
        'blobs without a row and stale temp files swept',
      );
    }
  };
  const run = async () => {
    if (running) return;
    running = true;
    await collect().catch((err: unknown) => logger.warn({ err }, 'could not collect unposted uploads'));
    await sweep().catch((err: unknown) => logger.warn({ err }, 'could not sweep the blob store'));
    running = false;
  };
  const first = setTimeout(run, 1_000);
  const timer = setInterval(run, COLLECT_EVERY_MS);
  first.unref();
  timer.unref();
  return {
    close() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
