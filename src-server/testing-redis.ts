/** A throwaway redis-server on a free loopback port, for the suites that run several instances. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort } from './testing';

/** Needs the redis-server binary (Debian package redis-server); suites skip, saying so, without it. */
export const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

export async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, child };
}
