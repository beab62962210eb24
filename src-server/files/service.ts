/** What the file routes need, built once by startServer: the blob store, the limits, the thumbnails. */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_UPLOAD_MAX_BYTES } from '../../src-shared/protocol';
import type { LimitBackend } from '../limits/limiter';
import type { Store } from '../store/types';
import { type BlobStore, LocalBlobStore } from './blob-store';
import { type OrphanCollector, startOrphanCollector } from './orphans';
import { Thumbnails } from './thumbnails';
import { DEFAULT_UPLOAD_QUOTA_BYTES, UploadLimits } from './upload-limits';

export interface FileService {
  blobs: BlobStore;
  /** UPLOAD_MAX_BYTES. */
  maxBytes: number;
  limits: UploadLimits;
  thumbnails: Thumbnails;
  collector: OrphanCollector;
}

export interface FileOptions {
  dataDir: string;
  uploadMaxBytes?: number;
  uploadQuotaBytes?: number;
}

export function createFileService(
  options: FileOptions,
  deps: { store: Store; limits: LimitBackend; logger: Logger },
): FileService {
  const blobs = new LocalBlobStore(join(options.dataDir, 'files'));
  return {
    blobs,
    maxBytes: options.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX_BYTES,
    limits: new UploadLimits(deps.limits, options.uploadQuotaBytes ?? DEFAULT_UPLOAD_QUOTA_BYTES),
    thumbnails: new Thumbnails(blobs, (err, sha256) =>
      // The first request for it makes it then.
      deps.logger.warn({ err, sha256 }, 'could not make a thumbnail in the background'),
    ),
    collector: startOrphanCollector(deps.store, blobs, deps.logger),
  };
}
