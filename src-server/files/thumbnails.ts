/**
 * Thumbnails of image uploads (sharp): made on the first request, stored beside the original in the blob
 * store (so made once per blob), served from there afterwards. Concurrent first requests share one
 * making; an image sharp cannot decode is remembered, not retried on every request.
 */
import type Sharp from 'sharp';
import type { BlobStore } from './blob-store';

/** The box a thumbnail fits in (never enlarged). */
export const THUMBNAIL_MAX_SIDE = 400;
export const THUMBNAIL_MIME = 'image/webp';
/** A decompression bomb (a tiny file of a huge image) is refused before it is decoded. */
const MAX_INPUT_PIXELS = 50_000_000;

/** Loaded on the first thumbnail, not at start: libvips costs every server start (and test) ~0.5 s of CPU. */
let loading: Promise<typeof Sharp> | undefined;
function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    // One libvips thread per image: the server shares its cores with the sockets.
    sharp.concurrency(1);
    return sharp;
  });
  return loading;
}

export class Thumbnails {
  private readonly making = new Map<string, Promise<boolean>>();
  private readonly undecodable = new Set<string>();

  constructor(private readonly blobs: BlobStore) {}

  /** True once the blob's thumbnail is stored; false when the image cannot be decoded. */
  async ensure(sha256: string): Promise<boolean> {
    if (this.undecodable.has(sha256)) return false;
    if ((await this.blobs.size(sha256, 'thumbnail')) !== undefined) return true;
    let making = this.making.get(sha256);
    if (!making) {
      making = this.make(sha256).finally(() => this.making.delete(sha256));
      this.making.set(sha256, making);
    }
    return making;
  }

  private async make(sha256: string): Promise<boolean> {
    const sharp = await loadSharp();
    let bytes: Buffer;
    try {
      const resizer = sharp({ limitInputPixels: MAX_INPUT_PIXELS })
        .rotate() // as the camera held it (EXIF orientation); the output keeps no metadata
        .resize(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 });
      bytes = await this.blobs.open(sha256).pipe(resizer).toBuffer();
    } catch {
      this.undecodable.add(sha256);
      return false;
    }
    await this.blobs.putVariant(sha256, 'thumbnail', bytes);
    return true;
  }
}
