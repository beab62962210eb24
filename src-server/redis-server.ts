/**
 * Test helper: a throwaway redis-server on a free loopback port, nothing saved to disk. Needs the
 * redis-server binary (Debian package redis-server); `redisUnavailable()` says why there is none.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { type ClientSocket, freePort, makeTempDir, startTestServer, type TestServer } from './testing';

export function redisUnavailable(): string | undefined {
  return spawnSync('redis-server', ['--version']).status === 0
    ? undefined
    : 'no redis-server binary on this machine (apt-get install redis-server)';
}

export interface RedisProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL, resolved once it is gone. Idempotent. */
  stop(): Promise<void>;
}

/** `port`: a given one, to bring a stopped Redis back where its clients look for it. */
export async function startRedis(port?: number): Promise<RedisProcess> {
  port ??= await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Two server instances sharing one SQLite file and one Redis, and the sockets a test opened on them. */
export interface TwoInstances {
  redis: RedisProcess;
  dataDir: string;
  a: TestServer;
  b: TestServer;
  /** Closed by `stop`. */
  sockets: ClientSocket[];
  /** Closes the sockets, both instances and Redis, and removes the data folder. */
  stop(): Promise<void>;
}

/** Framework-free: a suite calls it in `beforeAll` and calls `stop` in `afterAll`. */
export async function startTwoInstances(): Promise<TwoInstances> {
  const redis = await startRedis();
  const dataDir = await makeTempDir();
  const a = await startTestServer({ dataDir, redisUrl: redis.url });
  const b = await startTestServer({ dataDir, redisUrl: redis.url });
  const sockets: ClientSocket[] = [];
  return {
    redis,
    dataDir,
    a,
    b,
    sockets,
    async stop() {
      for (const socket of sockets.splice(0)) socket.close();
      await a.close();
      await b.close();
      await redis.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
