/** The file cache against a real server: fetched with the token, kept 0600, evicted least recently opened first. */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CachedFile, createFileCache, type FileSource } from './file-cache';
import { silentLogger } from './ports';
import { type PostedFiles, serverWithPostedFiles } from './testing/posted-files';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let posted: PostedFiles;
let userData: string;
let fetched: string[];

beforeAll(async () => {
  posted = await serverWithPostedFiles();
}, 60_000);
afterAll(async () => {
  await posted?.close();
});
beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'relay-file-cache-'));
  fetched = [];
  return () => rm(userData, { recursive: true, force: true });
});

async function cacheFor(
  username: 'alice' | 'bob' | 'carol' | null,
  maxBytes = 10 * 1024 * 1024,
): Promise<FileSource> {
  const creds = username ? await posted.as(username) : null;
  return createFileCache({
    userData,
    maxBytes,
    credentials: () => creds,
    fetch: (input, init) => {
      fetched.push(new URL(String(input)).pathname);
      return fetch(input, init);
    },
    timeoutMs: 30_000,
    logger: silentLogger,
  });
}

describe('file cache', () => {
  it('fetches a file once with the token, keeps it 0600 in a 0700 folder, and answers from disk after', async () => {
    const files = await cacheFor('bob');
    const first = await files.open(posted.text.id, 'original');
    expect(sha256(await readFile(first.path))).toBe(posted.text.sha256);
    expect(first).toMatchObject({ mime: 'text/plain', size: posted.text.bytes.length });
    expect(first.disposition).toMatch(/^attachment;/);
    expect((await stat(first.path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(first.path, '..'))).mode & 0o777).toBe(0o700);
    const again = await Promise.all([
      files.open(posted.text.id, 'original'),
      files.open(posted.text.id, 'original'),
    ]);
    expect(again.map((f) => f.path)).toEqual([first.path, first.path]);
    expect(fetched).toEqual([`/api/files/${posted.text.id}`]);
  });

  it('fetches a thumbnail for an image, once even when asked twice at the same time', async () => {
    const files = await cacheFor('bob');
    const [a, b] = await Promise.all([
      files.open(posted.image.id, 'thumbnail'),
      files.open(posted.image.id, 'thumbnail'),
    ]);
    expect(a.path).toBe(b.path);
    expect(a.mime).toBe('image/webp');
    expect(a.size).toBeLessThan(posted.image.size);
    expect(fetched).toEqual([`/api/files/${posted.image.id}/thumbnail`]);
  });

  it('says NOT_FOUND to a non-member and for a malformed id, UNAUTHORIZED when signed out', async () => {
    await expect((await cacheFor('carol')).open(posted.text.id, 'original')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect((await cacheFor('bob')).open('../../etc/passwd', 'original')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect((await cacheFor(null)).open(posted.text.id, 'original')).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(await readdir(userData)).toEqual([]); // nothing was written for a refusal
  });

  it('keeps under its cap by evicting the least recently opened entry', async () => {
    // Room for the image and the text file, not for both and the thumbnail.
    const cap = posted.image.size + posted.text.size + 10;
    const files = await cacheFor('bob', cap);
    const image = await files.open(posted.image.id, 'original');
    const text = await files.open(posted.text.id, 'original');
    await files.open(posted.image.id, 'original'); // opened again: now the text file is the oldest
    const thumbnail: CachedFile = await files.open(posted.image.id, 'thumbnail');
    const left = await readdir(join(image.path, '..'));
    expect(left).toContain(posted.image.id);
    expect(left).toContain(`${posted.image.id}.thumbnail`);
    expect(left).not.toContain(posted.text.id);
    expect(left).not.toContain(`${posted.text.id}.json`);
    expect(thumbnail.size).toBeGreaterThan(0);
    // Evicted: fetched again when opened again.
    fetched.length = 0;
    expect((await files.open(posted.text.id, 'original')).path).toBe(text.path);
    expect(fetched).toEqual([`/api/files/${posted.text.id}`]);
  });
});
