/**
 * One browser host per user data folder, as one desktop app per profile: two hosts on one folder would
 * share a database and both flush the same outbox.
 *
 * The lock is a listening Unix socket (a named pipe on Windows), as Electron's single-instance lock
 * is: the OS closes it the moment its owner dies, however it dies. Whether a lock is held is decided by
 * connecting to it, never from a pid: a host killed with kill -9 and started again at once (its old
 * process still a zombie, or its pid reused) takes the folder over (issue 11).
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type InstanceLock = { release(): void };

const LOCK_NAME = 'web-host.lock';
/** sockaddr_un holds about 107 bytes: a deeper folder's lock lives in the temp folder instead. */
const MAX_SOCKET_PATH = 100;

export async function acquireInstanceLock(userData: string): Promise<InstanceLock> {
  const path = lockPath(userData);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const server = await listen(path);
      return {
        release() {
          server.close(); // also removes the socket file
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      const owner = await askOwner(path);
      if (owner !== null) {
        throw new Error(
          `another browser host (pid ${owner}) is using ${userData}; stop it or pass another --user-data`,
        );
      }
      // Nobody answers: the file is what a dead owner left behind.
      if (process.platform !== 'win32') rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock ${userData}`);
}

export function lockPath(userData: string, platform = process.platform): string {
  const digest = createHash('sha256').update(userData).digest('hex').slice(0, 24);
  if (platform === 'win32') return `\\\\.\\pipe\\relay-web-host-${digest}`;
  const inFolder = join(userData, LOCK_NAME);
  return Buffer.byteLength(inFolder) <= MAX_SOCKET_PATH ? inFolder : join(tmpdir(), `relay-${digest}.lock`);
}

function listen(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Whoever connects is told the owner's pid, for the message above; nothing is decided from it.
    const server = createServer((socket) => socket.end(String(process.pid)));
    server.once('error', reject);
    server.listen({ path, exclusive: true }, () => {
      server.off('error', reject);
      server.unref(); // the lock never keeps a process alive on its own
      resolve(server);
    });
  });
}

/** The live owner's pid (or '?' if it says nothing), or null when nobody listens on the lock. */
function askOwner(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect(path);
    let said = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      said += chunk;
    });
    socket.once('end', () => resolve(/^\d+$/.test(said) ? said : '?'));
    socket.once('error', () => resolve(null));
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve('?'); // connected but silent: alive, busy
    });
  });
}
