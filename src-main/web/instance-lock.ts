/**
 * One browser host per user data folder, as one desktop app per profile (Electron's single-instance
 * lock): two hosts on one folder would share a database and both flush the same outbox.
 * The lock is a file holding the owner's pid; a lock left by a killed host (kill -9) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type InstanceLock = { release(): void };

export function acquireInstanceLock(userData: string, pid = process.pid): InstanceLock {
  const file = join(userData, 'web-host.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(pid));
      closeSync(fd);
      return {
        release() {
          if (readOwner(file) === pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      if (owner !== null && isAlive(owner)) {
        throw new Error(
          `another browser host (pid ${owner}) is using ${userData}; stop it or pass another --user-data`,
        );
      }
      rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`could not lock ${userData}`);
}

function readOwner(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
