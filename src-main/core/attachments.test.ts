import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueuedFile } from '../store/store';

/**
 * Real files; the one hook lets a test run the start's sweep at the exact moment `begin` has created
 * its file, which a user who attaches while the account opens can hit.
 */
const hook = vi.hoisted(() => ({ afterCreate: null as null | (() => Promise<void>) }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    writeFile: async (...args: Parameters<typeof real.writeFile>) => {
      await real.writeFile(...args);
      const run = hook.afterCreate;
      hook.afterCreate = null;
      await run?.();
    },
  };
});

const { Attachments } = await import('./attachments');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'attachments-'));
});
afterEach(() => {
  hook.afterCreate = null;
  rmSync(dir, { recursive: true, force: true });
});

describe('Attachments', () => {
  it('stages chunks into a 0600 file that take() hands over whole', async () => {
    const attachments = new Attachments(join(dir, 'outgoing'));
    const key = await attachments.begin({ name: 'a.txt', mime: 'text/plain', size: 6 });
    await attachments.append(key, 0, Buffer.from('abc').toString('base64'));
    await attachments.append(key, 3, Buffer.from('def').toString('base64'));
    const file = (await attachments.take([key]))[0] as QueuedFile;
    expect(readFileSync(file.path, 'utf8')).toBe('abcdef');
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
  });

  it("keeps a file the start's sweep finds before begin() has finished staging it", async () => {
    const attachments = new Attachments(join(dir, 'outgoing'));
    hook.afterCreate = () => attachments.sweep(() => new Set());
    const key = await attachments.begin({ name: 'a.txt', mime: 'text/plain', size: 3 });
    await attachments.append(key, 0, Buffer.from('abc').toString('base64'));
    const file = (await attachments.take([key]))[0] as QueuedFile;
    expect(readFileSync(file.path, 'utf8')).toBe('abc');
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
  });

  it('sweeps what neither the queue nor staging names', async () => {
    const attachments = new Attachments(join(dir, 'outgoing'));
    const queued = await attachments.begin({ name: 'q.txt', mime: 'text/plain', size: 0 });
    const file = (await attachments.take([queued]))[0] as QueuedFile;
    const leftover = await attachments.begin({ name: 'l.txt', mime: 'text/plain', size: 0 });
    const staged = await attachments.begin({ name: 's.txt', mime: 'text/plain', size: 0 });
    await attachments.take([leftover]);
    await attachments.sweep(() => new Set([queued]));
    expect(() => statSync(file.path)).not.toThrow();
    expect(() => statSync(join(dir, 'outgoing', leftover))).toThrow();
    expect(() => statSync(join(dir, 'outgoing', staged))).not.toThrow();
  });

  it("keeps a file taken into the queue while the start's sweep lists the folder", async () => {
    const attachments = new Attachments(join(dir, 'outgoing'));
    const key = await attachments.begin({ name: 'a.txt', mime: 'text/plain', size: 3 });
    await attachments.append(key, 0, Buffer.from('abc').toString('base64'));
    const queued = new Set<string>();
    const sweeping = attachments.sweep(() => queued);
    // Taken and queued (the send's one transaction) while the sweep's readdir runs.
    const file = (await attachments.take([key]))[0] as QueuedFile;
    queued.add(file.key);
    await sweeping;
    expect(readFileSync(file.path, 'utf8')).toBe('abc');
  });
});
