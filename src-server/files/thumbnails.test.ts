/**
 * Thumbnails on a real blob folder and real sharp: made once per blob whoever asks first (the upload's
 * background job or a request), and a background job that failed leaves the request path working.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../src-shared/testing/wait-for';
import { makeTempDir } from '../testing';
import { type BlobVariant, type DiskSync, diskSync, LocalBlobStore, type StoredBlob } from './blob-store';
import { pngOf } from './suite';
import { Thumbnails } from './thumbnails';

/**
 * The real store, counting what the thumbnails do with it: how often an original is opened for a resize
 * and how many thumbnails are written; a write waits for `hold` when set, and the next `failWrites` throw.
 */
class CountingBlobStore extends LocalBlobStore {
  originalsOpened = 0;
  variantsWritten = 0;
  writesStarted = 0;
  failWrites = 0;
  hold: Promise<void> | undefined;
  /** When set, only this blob's thumbnail write waits for `hold`. */
  holdOnly: string | undefined;

  override localFile(sha256: string): string {
    this.originalsOpened++;
    return super.localFile(sha256);
  }

  override async read(sha256: string, variant?: BlobVariant): Promise<Buffer | undefined> {
    if ((variant ?? 'original') === 'original') this.originalsOpened++;
    return super.read(sha256, variant);
  }

  override async putVariant(sha256: string, variant: 'thumbnail', bytes: Buffer): Promise<void> {
    this.writesStarted++;
    if (this.holdOnly === undefined || this.holdOnly === sha256) await this.hold;
    if (this.failWrites > 0) {
      this.failWrites--;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
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

  for (const isNew of [true, false]) {
    it(`makes the thumbnail once when the background job${isNew ? ' (new bytes)' : ''} and a request both ask`, async () => {
      const sha256 = await store(await pngOf(1600, 800));
      let release = () => {};
      blobs.hold = new Promise((resolve) => {
        release = resolve;
      });
      thumbnails.prepare(sha256, isNew);
      // The request arrives while the background job is storing what it made.
      await waitFor(() => blobs.writesStarted === 1, 'the background job resized');
      const request = thumbnails.get(sha256);
      release();
      const served = await request;
      expect(await sharp(served!).metadata()).toMatchObject({ format: 'webp', width: 400, height: 200 });
      await thumbnails.idle();
      expect(blobs.originalsOpened).toBe(1);
      expect(blobs.variantsWritten).toBe(1);
      expect(await blobs.read(sha256, 'thumbnail')).toEqual(served);
      // Later requests read the stored one.
      expect(await thumbnails.get(sha256)).toEqual(served);
      expect(blobs.originalsOpened).toBe(1);
      expect(errors).toEqual([]);
    });
  }

  it('makes it once when a request made it before its queued background job started', async () => {
    const [first, second] = [await store(await pngOf(800, 800)), await store(await pngOf(700, 700))];
    let release = () => {};
    blobs.hold = new Promise((resolve) => {
      release = resolve;
    });
    blobs.holdOnly = first; // the first job runs until the end is released
    thumbnails.prepare(first, true);
    thumbnails.prepare(second, true); // queued behind the first
    const served = await thumbnails.get(second); // made and stored by the request
    release();
    await thumbnails.idle();
    expect(served).toBeDefined();
    expect(blobs.originalsOpened).toBe(2);
    expect(blobs.variantsWritten).toBe(2);
  });

  it('does not make it again for bytes uploaded again whose thumbnail is stored', async () => {
    const sha256 = await store(await pngOf(600, 600));
    const made = await thumbnails.get(sha256);
    thumbnails.prepare(sha256, false);
    await thumbnails.idle();
    expect(blobs.originalsOpened).toBe(1);
    expect(await thumbnails.get(sha256)).toEqual(made);
  });

  it('leaves the request path working after a background job failed, and reports the failure', async () => {
    const sha256 = await store(await pngOf(900, 300));
    blobs.failWrites = 1;
    thumbnails.prepare(sha256, true);
    await thumbnails.idle();
    expect(errors).toHaveLength(1);
    expect(blobs.variantsWritten).toBe(0);
    // Not remembered as undecodable: a full disk is not the image's fault.
    const served = await thumbnails.get(sha256);
    expect(await sharp(served!).metadata()).toMatchObject({ width: 400, height: 133 });
    expect(blobs.variantsWritten).toBe(1);
  });

  it('gives none for bytes sharp cannot decode, trying them once, and none for a blob gone', async () => {
    const sha256 = await store(Buffer.from('not an image at all'));
    thumbnails.prepare(sha256, true);
    await thumbnails.idle();
    expect(await thumbnails.get(sha256)).toBeUndefined();
    expect(await thumbnails.get(sha256)).toBeUndefined();
    expect(blobs.originalsOpened).toBe(1);
    expect(errors).toEqual([]);
    const gone = 'ab'.repeat(32);
    expect(await thumbnails.get(gone)).toBeUndefined();
  });

  it('starts no job after close, and close waits for the one running', async () => {
    const sha256 = await store(await pngOf(500, 500));
    thumbnails.prepare(sha256, true);
    await thumbnails.close();
    expect(blobs.variantsWritten).toBe(1);
    thumbnails.prepare(await store(await pngOf(400, 100)), true);
    await thumbnails.idle();
    expect(blobs.variantsWritten).toBe(1);
  });

  /** An upload into a store whose final sync waits for `gate`, its thumbnail prepared as upload.ts does. */
  async function uploadHeld(bytes: Buffer, sync: Partial<DiskSync>) {
    const held = new CountingBlobStore(root, { ...diskSync, ...sync });
    const early = new Thumbnails(held, (err) => errors.push(err));
    const putting: Promise<StoredBlob> = held.put(Readable.from([bytes]), 1e8, (blob) =>
      early.prepare(blob.sha256, true, { blob, stored: putting }),
    );
    return { held, early, putting };
  }
  const readers = async () => (await readdir(join(root, 'tmp'))).filter((n) => n.endsWith('.read'));

  // Figure 16: the resize overlaps the blob's fdatasync and the row's commit instead of following them.
  it("resizes a new upload's bytes while they are made durable, and stores the thumbnail only after", async () => {
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let syncing = false;
    const { held, early, putting } = await uploadHeld(await pngOf(1200, 600), {
      async file(path) {
        syncing = true;
        await gate;
        await diskSync.file(path);
      },
    });
    await waitFor(() => syncing, 'the blob is being synced');
    // Resized meanwhile: the reader's name is released once libvips is done with it.
    await waitFor(async () => (await readers()).length === 0, 'the resize read the received bytes');
    expect(held.writesStarted).toBe(0);
    open();
    const { sha256 } = await putting;
    await early.idle();
    expect(held.variantsWritten).toBe(1);
    expect(held.originalsOpened).toBe(0); // never read back from the store
    const stored = await held.read(sha256, 'thumbnail');
    expect(await sharp(stored!).metadata()).toMatchObject({ format: 'webp', width: 400, height: 200 });
    expect(await early.get(sha256)).toEqual(stored);
    expect(errors).toEqual([]);
  });

  it('keeps nothing of an upload whose bytes arrived but could not be made durable', async () => {
    const { held, early, putting } = await uploadHeld(await pngOf(600, 600), {
      file: async () => {
        throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
      },
    });
    await expect(putting).rejects.toThrow('EIO');
    await early.idle();
    expect(held.writesStarted).toBe(0);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(await readdir(join(root, 'thumbnails')).catch(() => [])).toEqual([]);
    expect(errors).toEqual([]);
  });
});
