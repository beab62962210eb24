/**
 * Uploads never posted in a message are collected after ORPHAN_MAX_AGE_MS: their rows first, then each
 * blob no row names any more. A blob written again since the cutoff (the same bytes uploaded anew) is kept,
 * so a collection racing a new upload of the same bytes cannot take the new upload's blob.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types';
import type { BlobStore } from './blob-store';

export const ORPHAN_MAX_AGE_MS = 24 * 3600 * 1000;
const COLLECT_EVERY_MS = 3600 * 1000;

/** Deletes the unposted files created before `cutoff`; returns how many. */
export async function collectOrphans(store: Store, blobs: BlobStore, cutoff: Date): Promise<number> {
  const deleted = await store.deleteUnpostedFiles(cutoff.toISOString());
  for (const sha256 of new Set(deleted.map((f) => f.sha256))) {
    if (!(await store.blobInUse(sha256))) await blobs.remove(sha256, cutoff);
  }
  return deleted.length;
}

export interface OrphanCollector {
  close(): void;
}

/** Collects every COLLECT_EVERY_MS (and once at start); `now` is injectable for tests. */
export function startOrphanCollector(
  store: Store,
  blobs: BlobStore,
  logger: Logger,
  now: () => number = Date.now,
): OrphanCollector {
  const run = () =>
    collectOrphans(store, blobs, new Date(now() - ORPHAN_MAX_AGE_MS)).then(
      (count) => {
        if (count > 0) logger.info({ event: 'orphan_files_collected', count }, 'unposted uploads collected');
      },
      (err: unknown) => logger.warn({ err }, 'could not collect unposted uploads'),
    );
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
