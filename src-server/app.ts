/**
 * startServer: the reference server in one call (used by the CLI, the tests, the e2e suite and the
 * benchmarks). Node http + Socket.IO 4 + the SQLite store in DATA_DIR, or PostgreSQL with DATABASE_URL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DEFAULT_MESSAGE_RATE_LIMIT, SERVER_TYPING_TIMEOUT_MS } from '../src-shared/protocol';
import { LoginThrottle } from './auth/login-throttle';
import { resolveJwtSecret } from './auth/secret';
import { createTokenService } from './auth/tokens';
import type { ServerContext } from './context';
import { createRequestHandler } from './http';
import { createLogger } from './logger';
import { attachRedisAdapter } from './redis';
import { createSocketServer } from './socket';
import type { RelayServer } from './socket/types';
import type { TypingTracker } from './socket/typing';
import { seedDemo } from './store/demo';
import { openStore } from './store/open';
import type { Store } from './store/types';
import { firstAdminHint } from './workspace/first-admin';
import { startWorkspaceLive, type WorkspaceLive } from './workspace/live';
import type { PresenceTracker } from './workspace/presence';

export interface ServerOptions {
  /** 0 = an ephemeral port. Default 3000. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where the SQLite file (unless databaseUrl) and, with demo, the generated JWT secret live. */
  dataDir: string;
  /** Required unless demo is set. */
  jwtSecret?: string;
  /** Seed the demo workspace (idempotent) and make/keep a JWT secret in dataDir when none is given. */
  demo?: boolean;
  /** Messages a second per user (burst of that many); 0 turns the limit off. Default 10. */
  messageRateLimit?: number;
  /** Origins allowed to call the HTTP API and Socket.IO from a browser. Default: none. */
  corsOrigins?: string[];
  /** Several instances share rooms through the Socket.IO Redis adapter. */
  redisUrl?: string;
  /** postgres://user:password@host:port/db: PostgreSQL instead of SQLite, shareable by several instances. */
  databaseUrl?: string;
  /**
   * SQLite durability of each commit: 'full' (default) fsyncs before an ack, so an acknowledged message
   * survives a power cut; 'normal' survives a crash of the server process but not of the machine.
   */
  sqliteSynchronous?: 'full' | 'normal';
  /** The server ends a typing indicator after this long without a refresh. Default 6000. */
  typingTimeoutMs?: number;
  /** Access token lifetime. Default 7 days. */
  tokenTtlSeconds?: number;
  /** Presence timing (tests shorten it): offline this long after the last socket, default 30 s. */
  presenceOfflineAfterMs?: number;
  /** pino level when no logger is given. Default info. */
  logLevel?: string;
  logger?: Logger;
}

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  io: RelayServer;
  logger: Logger;
  /** Graceful shutdown: stop accepting, close every socket, close the database. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_TOKEN_TTL_SECONDS = 7 * 24 * 3600;
/** In-flight HTTP requests get this long to finish on shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 3_000;
/** The kernel caps it at net.core.somaxconn. */
const LISTEN_BACKLOG = 4096;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(options.logLevel);
  const secret = resolveJwtSecret(options);
  if (secret.length < 32 && !options.demo) logger.warn('JWT_SECRET is shorter than 32 characters');
  const host = options.host ?? DEFAULT_HOST;
  if (options.demo && !isLoopback(host)) {
    logger.warn({ host }, 'the demo workspace (known passwords) is reachable from other machines');
  }
  const store = await openStore(options, logger);
  let network: Network | undefined;
  try {
    if (options.demo) await seedDemo(store);
    // Set once the sockets exist; nothing calls these before the server listens.
    let live: WorkspaceLive | undefined;
    let presenceTracker: PresenceTracker | undefined;
    const ctx: ServerContext = {
      store,
      logger,
      loginThrottle: new LoginThrottle(),
      tokens: createTokenService(secret, options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS),
      notify: async (change) => live?.notify(change),
      presenceOf: (userId) => presenceTracker?.of(userId) ?? 'offline',
    };
    const corsOrigins = options.corsOrigins ?? [];
    const httpServer = createServer(createRequestHandler(ctx, corsOrigins));
    const { io, typing, presence } = createSocketServer(httpServer, ctx, {
      corsOrigins,
      messageRateLimit: options.messageRateLimit ?? DEFAULT_MESSAGE_RATE_LIMIT,
      typingTimeoutMs: options.typingTimeoutMs ?? SERVER_TYPING_TIMEOUT_MS,
      presence: {
        offlineAfterMs: options.presenceOfflineAfterMs,
        share: (userId, state) =>
          void ctx
            .notify({ type: 'presence', userId, presence: state })
            .catch((err: unknown) => logger.warn({ err, userId }, 'could not share a presence change')),
      },
    });
    presenceTracker = presence;
    network = { httpServer, io, typing, presence };
    if (options.redisUrl) network.redis = await attachRedisAdapter(io, options.redisUrl, logger);
    live = await startWorkspaceLive(
      { io, store, onPresence: (userId, state) => presence.remote(userId, state) },
      { dataDir: options.dataDir, redisUrl: options.redisUrl, databaseUrl: options.databaseUrl },
      logger,
    );
    network.live = live;

    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      // A deep accept queue: after a restart every client reconnects at once, and Node's default of 511
      // overflowed thousands of times in the reconnect-storm benchmark (figure 5).
      httpServer.listen({ port: options.port ?? DEFAULT_PORT, host, backlog: LISTEN_BACKLOG }, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    const { port } = httpServer.address() as AddressInfo;
    const url = `http://${urlHost(host)}:${port}`;
    logger.info({ url }, 'listening');
    const hint = await firstAdminHint(store, options);
    if (hint) logger.warn({ command: hint }, `No users yet. Create the first admin with: ${hint}`);

    const running = network;
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= shutDown(running, store).then(() => logger.info('stopped'));
      return closing;
    };
    return { url, port, store, io, logger, close };
  } catch (err) {
    if (network) await shutDown(network, store);
    else await store.close();
    throw err;
  }
}

interface Network {
  httpServer: Server;
  io: RelayServer;
  typing: TypingTracker;
  presence: PresenceTracker;
  redis?: { close(): Promise<void> };
  live?: WorkspaceLive;
}

/** Stop accepting, close every socket, let in-flight HTTP requests finish (briefly), close the database. */
async function shutDown(
  { httpServer, io, typing, presence, redis, live }: Network,
  store: Store,
): Promise<void> {
  const drained = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  typing.close();
  presence.close();
  await live?.close();
  // Closes every socket with 'transport close', so clients reconnect by themselves to the next server.
  await io.close();
  const grace = setTimeout(() => httpServer.closeAllConnections(), SHUTDOWN_GRACE_MS);
  await drained;
  clearTimeout(grace);
  await redis?.close();
  await store.close();
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** A URL others can connect to: wildcard addresses mean this machine. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
