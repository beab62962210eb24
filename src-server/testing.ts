/**
 * Test helpers for every suite that needs a real server (server, core, e2e, bench):
 * - startTestServer: in-process, demo workspace, fresh temp DATA_DIR, port 0, silent logs;
 * - login: POST /api/login;
 * - spawnServer: the CLI in a child process, for kill -9 and restart tests;
 * - demoServer: a socket suite's fixture (server, its sockets, the demo channels), started and
 *   stopped by the suite's own hooks.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import {
  type Channel,
  type ClientToServerEvents,
  LoginResponse,
  type ServerToClientEvents,
  type UserSummary,
} from '../src-shared/protocol';
import { type RunningServer, type ServerOptions, startServer } from './app';
import { createLogger } from './logger';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface TestServer extends RunningServer {
  dataDir: string;
}

export async function makeTempDir(prefix = 'relay-server-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A server with the demo workspace; its temp DATA_DIR (unless given) is removed by close(). */
/** A port free on 127.0.0.1 right now, for a helper process (redis-server, postgres) that needs one up front. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startTestServer(opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await makeTempDir());
  const server = await startServer({
    demo: true,
    port: 0,
    host: '127.0.0.1',
    logger: createLogger(opts.logLevel ?? 'silent'),
    ...opts,
    dataDir,
  });
  return {
    ...server,
    dataDir,
    async close() {
      await server.close();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function login(url: string, username: string, password = 'password'): Promise<LoginResponse> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`);
  return LoginResponse.parse(await res.json());
}

export interface SpawnOptions {
  dataDir: string;
  port?: number;
  /** Added to (and overriding) the parent's environment. */
  env?: Record<string, string>;
  /** Extra CLI flags. */
  args?: string[];
  /** Flags for node itself, e.g. --cpu-prof (which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  /** Pass --demo (default true). */
  demo?: boolean;
  /** How long to wait for the "listening" line (default 20 s). */
  timeoutMs?: number;
  /**
   * A prebuilt bundle of src-server/cli.ts (scripts/node-bundle.mjs) to run with plain node instead
   * of the source under tsx: the same server, loaded in about half the CPU. Default: vitest's
   * (RELAY_TEST_SERVER_BUNDLE, scripts/vitest-bundles.mjs) where set, else the source.
   */
  entry?: string;
  /** The source under tsx, as production runs it (`node --import tsx src-server/cli.ts`), even in vitest. */
  fromSource?: boolean;
}

export interface SpawnedServer {
  url: string;
  port: number;
  child: ChildProcess;
  /** Sends the signal (SIGKILL by default) and resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then resolves with the exit code once the process is gone. */
  stop(): Promise<number | null>;
}

export function spawnServer(options: SpawnOptions): Promise<SpawnedServer> {
  const entry = options.fromSource ? undefined : (options.entry ?? process.env.RELAY_TEST_SERVER_BUNDLE);
  const args = [
    ...(options.nodeArgs ?? []),
    ...(entry ? [entry] : ['--import', 'tsx', 'src-server/cli.ts']),
    '--data-dir',
    options.dataDir,
    '--port',
    String(options.port ?? 0),
    ...(options.demo === false ? [] : ['--demo']),
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  return new Promise((resolve, reject) => {
    let buffered = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}\n--- server stderr ---\n${stderr}`));
    };
    const timer = setTimeout(
      () => fail('server did not log "listening" in time'),
      options.timeoutMs ?? 20_000,
    );
    const onEarlyExit = (code: number | null) => fail(`server exited with code ${code} before listening`);
    child.once('exit', onEarlyExit);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        const record = parseJsonLine(line);
        if (record?.msg !== 'listening' || typeof record.url !== 'string') continue;
        clearTimeout(timer);
        child.off('exit', onEarlyExit);
        // Keep draining stdout so a chatty server never blocks on a full pipe.
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        const url = record.url;
        resolve({
          url,
          port: Number(new URL(url).port),
          child,
          async kill(signal = 'SIGKILL') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
        return;
      }
    });
  });
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Socket helpers: a real socket.io-client, websocket transport, no automatic reconnection.
// ---------------------------------------------------------------------------------------------

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function openSocket(url: string, auth: Record<string, unknown>): ClientSocket {
  return io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
}

/** A connected socket for these credentials (rejects with the connect_error otherwise). */
export async function connectSocket(url: string, auth: Record<string, unknown>): Promise<ClientSocket> {
  const socket = openSocket(url, auth);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return socket;
}

/** Logs in and connects: the usual first step of a socket test. */
export async function connectAs(
  url: string,
  username: string,
): Promise<{ socket: ClientSocket; user: UserSummary; token: string }> {
  const { token, user } = await login(url, username);
  const socket = await connectSocket(url, { token, userId: user.id });
  return { socket, user, token };
}

/** The connect_error of a refused handshake: `{message, data}`. */
export function connectRefusal(
  url: string,
  auth: Record<string, unknown>,
): Promise<{ message: string; data: unknown }> {
  const socket = openSocket(url, auth);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('connected, but a refusal was expected'));
    });
    socket.once('connect_error', (err) => {
      socket.close();
      resolve({ message: err.message, data: (err as Error & { data?: unknown }).data });
    });
  });
}

/** The next `event` on the socket, or a rejection after timeoutMs. */
export function nextEvent<T = unknown>(socket: ClientSocket, event: string, timeoutMs = 5_000): Promise<T> {
  const untyped = socket as unknown as {
    once(e: string, fn: (v: T) => void): void;
    off(e: string, fn: (v: T) => void): void;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      untyped.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (value: T) => {
      clearTimeout(timer);
      resolve(value);
    };
    untyped.once(event, listener);
  });
}

/**
 * How long a test waits for one ack before failing. Not a speed bound: a pipelined burst's last ack
 * comes after every commit before it (201 PostgreSQL commits took over 5 s at a load of 20 on two
 * cores), and a server that never answers still fails the test well inside its 30 s.
 */
const ACK_WAIT_MS = 20_000;

/** Emits with an acknowledgement callback and resolves with the server's answer. */
export function emitWithAck<T = unknown>(
  socket: ClientSocket,
  event: string,
  ...args: unknown[]
): Promise<T> {
  return (
    socket.timeout(ACK_WAIT_MS) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<T> }
  ).emitWithAck(event, ...args);
}

/** Everything a socket receives, in order, for asserting what did (and did not) arrive. */
export function recordEvents(socket: ClientSocket): { event: string; payload: unknown }[] {
  const events: { event: string; payload: unknown }[] = [];
  socket.onAny((event: string, payload: unknown) => events.push({ event, payload }));
  return events;
}

/** A round trip through the server: everything it sent this socket before now has arrived. */
export async function flush(socket: ClientSocket): Promise<void> {
  await emitWithAck(socket, 'room:leave', { channelId: '00000000-0000-4000-8000-000000000000' });
}

// ---------------------------------------------------------------------------------------------
// The socket suites' fixture.
// ---------------------------------------------------------------------------------------------

export type ConnectedUser = Awaited<ReturnType<typeof connectAs>>;

export interface DemoServer {
  /** Starts a demo server (the fixture's options, then these); looks up the demo channels. */
  start(options?: Partial<ServerOptions>): Promise<void>;
  /** Closes every socket `as` opened, then the server (and its temp DATA_DIR). */
  stop(): Promise<void>;
  readonly server: TestServer;
  /** Sockets opened through `as`, in the order they were opened; `stop` closes them. */
  readonly sockets: readonly ClientSocket[];
  /** store/demo.ts's channels: #general (alice, bob, carol) and #random (alice, bob). */
  readonly general: Channel;
  readonly random: Channel;
  /** Logs `username` in and connects a socket, closed by `stop`. */
  as(username: string): Promise<ConnectedUser>;
  /** A socket the test connected itself, to be closed by `stop` with the others. */
  closeAtStop(socket: ClientSocket): void;
}

/**
 * One demo server per test (or per file) and the sockets a test opens on it. Framework-free, so
 * this module stays importable by Playwright and plain Node: the suite wires it to its own hooks,
 * `beforeEach(() => demo.start())` and `afterEach(() => demo.stop())` (or beforeAll/afterAll), or
 * calls `start` in the test when each test needs its own options.
 */
export function demoServer(defaults: Partial<ServerOptions> = {}): DemoServer {
  let running: TestServer | null = null;
  let channels: Channel[] = [];
  const sockets: ClientSocket[] = [];

  const started = (): TestServer => {
    if (!running) throw new Error('the demo server is not started: call start() first');
    return running;
  };
  const channel = (name: string): Channel => {
    const found = channels.find((c) => c.name === name);
    if (!found) throw new Error(`no #${name} in the demo workspace`);
    return found;
  };

  return {
    async start(options = {}) {
      if (running) throw new Error('the demo server is already started');
      running = await startTestServer({ ...defaults, ...options });
      // alice is in every demo channel.
      const alice = await running.store.findUserByUsername('alice');
      channels = await running.store.listChannels(alice!.id);
    },
    async stop() {
      for (const socket of sockets.splice(0)) socket.close();
      const server = running;
      running = null;
      channels = [];
      await server?.close();
    },
    get server() {
      return started();
    },
    sockets,
    get general() {
      return channel('general');
    },
    get random() {
      return channel('random');
    },
    async as(username) {
      const client = await connectAs(started().url, username);
      sockets.push(client.socket);
      return client;
    },
    closeAtStop(socket) {
      sockets.push(socket);
    },
  };
}
