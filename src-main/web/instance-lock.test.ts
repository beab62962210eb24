import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock } from './instance-lock';

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('browser host instance lock', () => {
  it('lets one host hold a folder at a time, and frees it on release', () => {
    const dir = temp();
    const lock = acquireInstanceLock(dir);
    expect(() => acquireInstanceLock(dir)).toThrow(`another browser host (pid ${process.pid})`);
    lock.release();
    expect(existsSync(join(dir, 'web-host.lock'))).toBe(false);
    acquireInstanceLock(dir).release();
  });

  it('takes over a lock left by a host that was killed', () => {
    const dir = temp();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(join(dir, 'web-host.lock'), gone.stdout);
    const lock = acquireInstanceLock(dir);
    lock.release();
  });
});
