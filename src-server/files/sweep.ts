/**
 * What a crash leaves in the blob store that no row will ever name: an upload is streamed to a temp file,
 * renamed into place, then its row is inserted, so a kill -9 in between leaves a blob without a row (and
 * a crash mid-stream a temp file). Swept at start-up and daily (orphans.ts's collector).
 *
 * The race with an upload in flight is settled by time: a blob renamed but whose row is not committed yet
 * was written moments ago, so only blobs last written more than BLOB_GRACE_MS ago are candidates, and
 * BlobStore.remove checks the mtime again after moving the blob aside (a new upload of the same bytes
 * writes it anew). The grace is far beyond both the rename-to-commit gap (one INSERT) and the server's
 * request timeout (an upload's temp file is written all along, so it is never that old while streaming).
 */
import type { Store } from '../store/types';
import type { BlobStore } from './blob-store';

export const BLOB_GRACE_MS = 3600 * 1000;

/** Deletes the blobs no row names and the leftovers last written before `cutoff`; says how many. */
export async function sweepBlobs(
  store: Store,
  blobs: BlobStore,
  cutoff: Date,
): Promise<{ blobs: number; leftovers: number }> {
  let removed = 0;
  for await (const batch of blobs.list()) {
    const old = batch.filter((b) => b.writtenAt < cutoff).map((b) => b.sha256);
    if (old.length === 0) continue;
    // Asked after listing: a row committed since the listing still counts.
    const inUse = await store.blobsInUse(old);
    for (const sha256 of old) {
      if (!inUse.has(sha256) && (await blobs.remove(sha256, cutoff))) removed++;
    }
  }
  return { blobs: removed, leftovers: await blobs.removeLeftovers(cutoff) };
}
