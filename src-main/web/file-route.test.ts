/**
 * /files/:id on the browser host: the page gets a message's file from main's cache with its session
 * cookie and no network of its own. Real host, real file cache, real server.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeCore } from '../bridge/testing/fake-core';
import { createFileCache } from '../core/file-cache';
import { silentLogger } from '../core/ports';
import { type PostedFiles, serverWithPostedFiles } from '../core/testing/posted-files';
import { startWebHost, type WebHost } from './host';
import { redeemAddress } from './testing/open-page';

let posted: PostedFiles;
let dir: string;
let host: WebHost;
let cookie: string;

beforeAll(async () => {
  posted = await serverWithPostedFiles();
  dir = await mkdtemp(join(tmpdir(), 'relay-web-files-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<html><head></head></html>');
  const bob = await posted.as('bob');
  const files = createFileCache({
    userData: dir,
    maxBytes: 10 * 1024 * 1024,
    credentials: () => bob,
    fetch: (input, init) => fetch(input, init),
    timeoutMs: 30_000,
    logger: silentLogger,
  });
  host = await startWebHost({
    core: { ...createFakeCore(), files },
    rendererDir: join(dir, 'renderer'),
    port: 0,
    log: () => {},
  });
  cookie = await redeemAddress(host.url);
}, 60_000);
afterAll(async () => {
  await host?.close();
  await posted?.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = { cookie }) =>
  fetch(`http://127.0.0.1:${host.port}${path}`, { headers });

describe('browser host /files', () => {
  it('serves a file to the admitted page with the server safety headers, as a download', async () => {
    const res = await get(`/files/${posted.text.id}`);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(posted.text.sha256);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="notes.txt"/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/^sandbox/);
  });

  it('serves an image inline and its thumbnail', async () => {
    const image = await get(`/files/${posted.image.id}`);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('content-disposition')).toMatch(/^inline;/);
    const thumbnail = await get(`/files/${posted.image.id}/thumbnail`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
  });

  it('refuses a page without the cookie, and answers 404 for a file that is not there', async () => {
    expect((await get(`/files/${posted.text.id}`, {})).status).toBe(401);
    expect((await get(`/files/${randomUUID()}`)).status).toBe(404);
    // Not a file id: not a file route (a path without an extension is the app's index.html).
    const traversal = await get('/files/..%2f..%2fetc%2fpasswd');
    expect(traversal.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await traversal.text()).not.toContain('root:');
  });
});
