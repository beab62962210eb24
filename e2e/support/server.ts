/**
 * One reference server per test: the CLI in a child process (src-server/testing spawnServer), demo
 * workspace, its own temporary DATA_DIR. A child, not in-process, so a spec can kill -9 it and start
 * it again on the same port and data; its JSON log lines are kept so a spec can check what the server
 * did (a rate-limit refusal, say) without reaching into it.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir, type SpawnedServer, spawnServer } from '../../src-server/testing';

export type ServerLogRecord = Record<string, unknown>;

export interface E2EServer {
  readonly url: string;
  readonly dataDir: string;
  /** Every JSON log line of every run of this server, oldest first. */
  readonly log: ServerLogRecord[];
  readonly running: boolean;
  /** kill -9. */
  kill(): Promise<void>;
  /**
   * SIGSTOP: connections stay open but nothing is read or answered until `resume()` (SIGCONT), when
   * whatever clients sent meanwhile arrives at once: a burst that does not depend on their speed.
   */
  pause(): void;
  resume(): void;
  /** Starts it again on the same port and DATA_DIR; `env` replaces the previous run's extra env. */
  start(env?: Record<string, string>): Promise<void>;
  /** As an operator would, with the server's own SQLite file (the server reads membership live). */
  sql(statement: string, ...params: unknown[]): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  env?: Record<string, string>;
}

export async function startE2EServer(options: ServerOptions = {}): Promise<E2EServer> {
  const dataDir = await makeTempDir('relay-e2e-server-');
  const log: ServerLogRecord[] = [];
  let child: SpawnedServer | null = null;
  let port = 0;

  async function start(env: Record<string, string> = options.env ?? {}): Promise<void> {
    if (child) throw new Error('the server is already running');
    // Generous: a spec that restarts its server (offline, rate-limit) must not fail because a loaded CI
    // box took more than the default 20 s to compile and start it; a bound, not an expectation.
    const spawned = await spawnServer({
      dataDir,
      port,
      env: { LOG_LEVEL: 'info', ...env },
      timeoutMs: 60_000,
      // scripts/e2e.mjs bundles the CLI once per run (scripts/node-bundle.mjs); run directly, from source.
      entry: process.env.E2E_SERVER_ENTRY || undefined,
    });
    spawned.child.stdout!.on('data', (chunk: Buffer) => collect(chunk.toString()));
    port = spawned.port;
    child = spawned;
  }

  let partial = '';
  function collect(text: string): void {
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        log.push(JSON.parse(line) as ServerLogRecord);
      } catch {
        // Not a log record (a stray print): nothing a spec asserts on.
      }
    }
  }

  await start();
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    dataDir,
    log,
    get running() {
      return child !== null;
    },
    async kill() {
      await child?.kill('SIGKILL');
      child = null;
    },
    pause() {
      child?.child.kill('SIGSTOP');
    },
    resume() {
      child?.child.kill('SIGCONT');
    },
    start,
    sql(statement, ...params) {
      const db = new Database(join(dataDir, 'relay.sqlite'));
      try {
        db.pragma('busy_timeout = 5000');
        db.prepare(statement).run(...params);
      } finally {
        db.close();
      }
    },
    async close() {
      child?.child.kill('SIGCONT'); // a paused server is ended like any other
      await child?.kill('SIGKILL');
      child = null;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A JWT secret unlike the demo's: tokens signed before are then refused (`token_invalid`). */
export function freshJwtSecret(): string {
  return randomBytes(32).toString('base64url');
}
