import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock, lockPath } from './instance-lock';

const dirs: string[] = [];
const children: ChildProcess[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const MODULE = fileURLToPath(new URL('./instance-lock.ts', import.meta.url));

/** Another process holding the lock on `dir` (as a running host does); resolves once it holds it. */
function holder(dir: string): Promise<ChildProcess> {
  const script = `const { acquireInstanceLock } = await import(${JSON.stringify(MODULE)});
await acquireInstanceLock(${JSON.stringify(dir)});
console.log('locked');
setInterval(() => {}, 60_000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`lock holder exited (${code})`)));
  });
}

describe('browser host instance lock', () => {
  it('lets one host hold a folder at a time, and frees it on release', async () => {
    const dir = temp();
    const lock = await acquireInstanceLock(dir);
    await expect(acquireInstanceLock(dir)).rejects.toThrow(`another browser host (pid ${process.pid})`);
    lock.release();
    await expect.poll(() => existsSync(join(dir, 'web-host.lock'))).toBe(false);
    (await acquireInstanceLock(dir)).release();
  });

  it('refuses while another process holds it, and is free at once after that process is killed -9', async () => {
    const dir = temp();
    const child = await holder(dir);
    await expect(acquireInstanceLock(dir)).rejects.toThrow(`another browser host (pid ${child.pid})`);
    child.kill('SIGKILL');
    // Restarted at once, as a supervisor would: no waiting for the old pid to be reaped.
    (await acquireInstanceLock(dir)).release();
  });

  it('never decides from a pid: a leftover lock file naming a live process does not block', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'web-host.lock'), String(process.ppid)); // an old-style lock, pid alive
    (await acquireInstanceLock(dir)).release();
  });

  it('keeps a deep folder lock within the socket path limit', () => {
    const deep = join('/', 'x'.repeat(200));
    expect(lockPath(deep)).toMatch(/relay-[0-9a-f]{24}\.lock$/);
    expect(Buffer.byteLength(lockPath(deep))).toBeLessThan(108);
    expect(lockPath('C:\\Users\\a\\Relay', 'win32')).toMatch(/^\\\\\.\\pipe\\relay-web-host-[0-9a-f]{24}$/);
  });
});
