/**
 * Thumbnails of image uploads (sharp), stored beside the original in the blob store, so made once per blob.
 * Made in the background as soon as an image upload is stored (as Slack and Mattermost make previews at
 * upload), so the resize runs while the client posts its message and the other members are told; a
 * request before that job ends waits for it rather than making it again (one making per blob in flight),
 * and one after reads the stored one. A job that failed (a read error) leaves the request path to try
 * again; an image sharp cannot decode is remembered, not retried on every request.
 *
 * The image is read once, by libvips itself when the store is on this disk. A new upload's resize starts
 * as soon as its bytes have all arrived (`prepare` with the received blob), while the blob is made
 * durable and its row committed; what it makes is stored, and given to a request, only once the blob is
 * durable (a request cannot come before: no row names the file until then).
 */
import type Sharp from 'sharp';
import type { BlobStore, ReceivedBlob } from './blob-store';

/** A new upload's bytes as they arrived, and the store's put() that makes them durable. */
export interface Arrived {
  blob: ReceivedBlob;
  /** put()'s promise: what is made of `blob` is kept only once it resolves. */
  stored: Promise<unknown>;
}

/** The box a thumbnail fits in (never enlarged). */
export const THUMBNAIL_MAX_SIDE = 400;
export const THUMBNAIL_MIME = 'image/webp';
/** A decompression bomb (a tiny file of a huge image) is refused before it is decoded. */
const MAX_INPUT_PIXELS = 50_000_000;

/** Loaded on the first thumbnail, not at start: libvips costs every server start (and test) ~0.5 s of CPU. */
let loading: Promise<typeof Sharp> | undefined;
/** Once loaded: a resize then starts within the caller's turn of the event loop. */
let loaded: typeof Sharp | undefined;
function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    // One libvips thread per image: the server shares its cores with the sockets.
    sharp.concurrency(1);
    loaded = sharp;
    return sharp;
  });
  return loading;
}

/**
 * The thumbnail of the image in `input` (a file or its bytes): within the box, as the camera held it
 * (EXIF orientation), WebP without metadata. sharp's defaults already read sequentially and, for a JPEG,
 * shrink on load. The bench's baseline (figure 16) resizes with this same recipe.
 */
export function thumbnailOf(sharp: typeof Sharp, input: string | Buffer): Promise<Buffer> {
  return sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .resize(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
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
    return this.once(sha256, () => this.storedOrMade(sha256));
  }

  /**
   * Makes the thumbnail in the background (after the jobs before it), unless stored or in the making.
   * `isNew`: the upload wrote these bytes for the first time, so no thumbnail of them is stored: when no
   * job runs before it, the resize starts at once, without looking. `arrived`: new bytes not yet durable,
   * resized from the file the store handed out (released once read), the result kept once they are.
   */
  prepare(sha256: string, isNew = false, arrived?: Arrived): void {
    if (this.closed || this.queued >= MAX_QUEUED) {
      void arrived?.blob.release();
      return;
    }
    const run = (look: boolean) => {
      const job = this.closed
        ? undefined
        : this.once(sha256, () => (look ? this.storedOrMade(sha256, arrived) : this.make(sha256, arrived)));
      // Released however the job went (made by another caller meanwhile, or not at all).
      return arrived ? Promise.resolve(job).finally(() => arrived.blob.release()) : job;
    };
    // Nothing before it: started now, in this turn (a promise's executor runs at once). Queued, it looks
    // for a stored thumbnail first even for new bytes: a request may have made it meanwhile.
    const job =
      this.queued === 0 ? new Promise((resolve) => resolve(run(!isNew))) : this.queue.then(() => run(true));
    this.queued++;
    this.queue = job
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

  /** One making per blob at a time: a second caller gets the first one's promise. */
  private once(sha256: string, making: () => Promise<Buffer | undefined>): Promise<Buffer | undefined> {
    if (this.undecodable.has(sha256)) return Promise.resolve(undefined);
    let job = this.making.get(sha256);
    if (!job) {
      job = making().finally(() => this.making.delete(sha256));
      this.making.set(sha256, job);
    }
    return job;
  }

  private async storedOrMade(sha256: string, arrived?: Arrived): Promise<Buffer | undefined> {
    return (await this.blobs.read(sha256, 'thumbnail')) ?? (await this.make(sha256, arrived));
  }

  private async make(sha256: string, arrived?: Arrived): Promise<Buffer | undefined> {
    // No await before sharp starts when both are at hand: libvips opens and decodes on its own thread.
    const sharp = loaded ?? (await loadSharp());
    const input = arrived?.blob.file ?? this.blobs.localFile?.(sha256) ?? (await this.blobs.read(sha256));
    if (!input) return undefined;
    let bytes: Buffer | undefined;
    try {
      bytes = await thumbnailOf(sharp, input);
    } catch {
      // Judged once the upload ended: bytes never stored, or a blob gone meanwhile (collected), are not
      // the image's fault: nothing remembered.
      bytes = undefined;
    } finally {
      await arrived?.blob.release();
    }
    // Nothing of bytes that are not durable is kept or shown: an upload that failed keeps none.
    const durable = await (arrived?.stored ?? Promise.resolve()).then(
      () => true,
      () => false,
    );
    if (!durable) return undefined;
    if (!bytes) {
      if ((await this.blobs.size(sha256)) !== undefined) this.undecodable.add(sha256);
      return undefined;
    }
    await this.blobs.putVariant(sha256, 'thumbnail', bytes);
    return bytes;
  }
}
