/** Starts a core script in a child process (for kill -9 tests) and waits for its `{"queued"…}` line. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface CoreChild {
  /** The parsed `{"queued"…}` line, printed once everything is committed locally. */
  queued: Promise<Record<string, unknown>>;
  kill(): Promise<void>;
}

/** `onQueued` runs synchronously when the line arrives (to kill right after the last call returned). */
export function spawnCoreChild(
  script: string,
  args: string[],
  onQueued?: (child: ChildProcess) => void,
): CoreChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const queued = new Promise<Record<string, unknown>>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('{"queued"'));
      if (!line) return;
      onQueued?.(child);
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  return {
    queued,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
