/**
 * Thumbnails on a real blob folder and real sharp: made once per blob whoever asks first (the upload's
 * background job or a request), and a background job that failed leaves the request path working.
 */
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../src-shared/testing/wait-for';
import { makeTempDir } from '../testing';
import { type BlobVariant, LocalBlobStore } from './blob-store';
import { pngOf } from './suite';
import { Thumbnails } from './thumbnails';

/**
 * The real store, counting what the thumbnails do with it: the next `failReads` reads of originals throw,
 * and a read of an original waits for `hold` when set.
 */
class CountingBlobStore extends LocalBlobStore {
  originalReads = 0;
  variantsWritten = 0;
  failReads = 0;
  hold: Promise<void> | undefined;

  override async read(sha256: string, variant?: BlobVariant): Promise<Buffer | undefined> {
    if ((variant ?? 'original') === 'original') {
      this.originalReads++;
      await this.hold;
      if (this.failReads > 0) {
        this.failReads--;
        throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
      }
    }
    return super.read(sha256, variant);
  }

  override async putVariant(sha256: string, variant: 'thumbnail', bytes: Buffer): Promise<void> {
    this.variantsWritten++;
    await super.putVariant(sha256, variant, bytes);
  }
}

describe('Thumbnails', () => {
  let root: string;
  let blobs: CountingBlobStore;
  let errors: unknown[];
  let thumbnails: Thumbnails;
  beforeEach(async () => {
    root = await makeTempDir();
    blobs = new CountingBlobStore(root);
    errors = [];
    thumbnails = new Thumbnails(blobs, (err) => errors.push(err));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const store = async (bytes: Buffer) => (await blobs.put(Readable.from([bytes]), 1e8)).sha256;

  it('makes the thumbnail once when the background job and a request both ask, and both get it', async () => {
    const sha256 = await store(await pngOf(1600, 800));
    let release = () => {};
    blobs.hold = new Promise((resolve) => {
      release = resolve;
    });
    thumbnails.prepare(sha256);
    // The request arrives while the background job is reading the image.
    await waitFor(() => blobs.originalReads === 1, 'the background job started');
    const request = thumbnails.get(sha256);
    release();
    const served = await request;
    expect(await sharp(served!).metadata()).toMatchObject({ format: 'webp', width: 400, height: 200 });
    await thumbnails.idle();
    expect(blobs.originalReads).toBe(1);
    expect(blobs.variantsWritten).toBe(1);
    expect(await blobs.read(sha256, 'thumbnail')).toEqual(served);
    // Later requests read the stored one.
    expect(await thumbnails.get(sha256)).toEqual(served);
    expect(blobs.originalReads).toBe(1);
    expect(errors).toEqual([]);
  });

  it('makes it once when a request asks before the queued background job starts', async () => {
    const sha256 = await store(await pngOf(800, 800));
    thumbnails.prepare(sha256);
    const served = await thumbnails.get(sha256);
    await thumbnails.idle();
    expect(served).toBeDefined();
    expect(blobs.originalReads).toBe(1);
    expect(blobs.variantsWritten).toBe(1);
  });

  it('leaves the request path working after a background job failed, and reports the failure', async () => {
    const sha256 = await store(await pngOf(900, 300));
    blobs.failReads = 1;
    thumbnails.prepare(sha256);
    await thumbnails.idle();
    expect(errors).toHaveLength(1);
    expect(blobs.variantsWritten).toBe(0);
    // Not remembered as undecodable: a read error is not the image's fault.
    const served = await thumbnails.get(sha256);
    expect(await sharp(served!).metadata()).toMatchObject({ width: 400, height: 133 });
    expect(blobs.variantsWritten).toBe(1);
  });

  it('gives none for bytes sharp cannot decode, trying them once', async () => {
    const sha256 = await store(Buffer.from('not an image at all'));
    thumbnails.prepare(sha256);
    await thumbnails.idle();
    expect(await thumbnails.get(sha256)).toBeUndefined();
    expect(await thumbnails.get(sha256)).toBeUndefined();
    expect(blobs.originalReads).toBe(1);
    expect(errors).toEqual([]);
  });
});
