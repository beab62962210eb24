/**
 * Thumbnails of image uploads (sharp), stored beside the original in the blob store, so made once per blob.
 * Made in the background as soon as an image upload is stored (as Slack and Mattermost make previews at
 * upload), so the resize runs while the client posts its message and the other members are told; a
 * request before that job ends waits for it rather than making it again (one making per blob in flight),
 * and one after reads the stored one. A job that failed (a read error) leaves the request path to try
 * again; an image sharp cannot decode is remembered, not retried on every request.
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

/** Background jobs waiting at most: past it an upload's thumbnail is made on its first request instead. */
const MAX_QUEUED = 100;

export class Thumbnails {
  private readonly making = new Map<string, Promise<Buffer | undefined>>();
  private readonly undecodable = new Set<string>();
  /** Background jobs run one at a time: each is a libvips thread of the shared pool, like a file read. */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private closed = false;

  constructor(
    private readonly blobs: BlobStore,
    private readonly onBackgroundError: (err: unknown, sha256: string) => void = () => {},
  ) {}

  /** The thumbnail's bytes, made now unless stored or in the making; undefined when it cannot be made. */
  get(sha256: string): Promise<Buffer | undefined> {
    if (this.undecodable.has(sha256)) return Promise.resolve(undefined);
    let making = this.making.get(sha256);
    if (!making) {
      making = this.storedOrMade(sha256).finally(() => this.making.delete(sha256));
      this.making.set(sha256, making);
    }
    return making;
  }

  /** Makes the thumbnail in the background (after the jobs before it), unless stored or in the making. */
  prepare(sha256: string): void {
    if (this.closed || this.queued >= MAX_QUEUED) return;
    this.queued++;
    this.queue = this.queue
      .then(() => (this.closed ? undefined : this.get(sha256)))
      .then(
        () => {},
        (err: unknown) => this.onBackgroundError(err, sha256),
      )
      .finally(() => {
        this.queued--;
      });
  }

  /** Resolves once every background job asked for so far has ended. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** At shutdown: the jobs not started are dropped; resolves once the one running has ended. */
  close(): Promise<void> {
    this.closed = true;
    return this.queue;
  }

  private async storedOrMade(sha256: string): Promise<Buffer | undefined> {
    return (await this.blobs.read(sha256, 'thumbnail')) ?? (await this.make(sha256));
  }

  private async make(sha256: string): Promise<Buffer | undefined> {
    const sharp = await loadSharp();
    // Read whole, once: sharp holds an image it is given as a stream whole anyway before decoding.
    const image = await this.blobs.read(sha256);
    if (!image) return undefined;
    let bytes: Buffer;
    try {
      bytes = await sharp(image, { limitInputPixels: MAX_INPUT_PIXELS })
        .rotate() // as the camera held it (EXIF orientation); the output keeps no metadata
        .resize(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer();
    } catch {
      this.undecodable.add(sha256);
      return undefined;
    }
    await this.blobs.putVariant(sha256, 'thumbnail', bytes);
    return bytes;
  }
}
