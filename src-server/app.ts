/**
 * startServer: the reference server in one call (used by the CLI, the tests, the e2e suite and the
 * benchmarks). Node http + Socket.IO 4 + the SQLite store in DATA_DIR, or PostgreSQL with DATABASE_URL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DEFAULT_MESSAGE_RATE_LIMIT, SERVER_TYPING_TIMEOUT_MS } from '../src-shared/protocol';
import { HashPool } from './auth/hash-pool';
import { LoginThrottle } from './auth/login-throttle';
import { resolveJwtSecret } from './auth/secret';
import { createTokenService } from './auth/tokens';
import type { ServerContext } from './context';
import { createFileService, type FileService } from './files/service';
import { createRequestHandler } from './http';
import { parseTrustedProxies } from './http/client-address';
import { capConnectionsPerAddress, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from './http/connection-cap';
import { hostAllowList, isLoopback } from './http/host-allow-list';
import { type LimitBackend, openLimitBackend } from './limits/limiter';
import { createLogger } from './logger';
import { MembershipCache } from './membership-cache';
import { type AdminUiOptions, adminUiEnabled, adminUiOrigins, attachAdminUi } from './ops/admin-ui';
import { createMetrics } from './ops/metrics';
import { checkReadiness } from './ops/readiness';
import { instrumentStore } from './ops/store-metrics';
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

export interface ServerOptions extends AdminUiOptions {
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
  /** Several instances share rooms through the Socket.IO Redis adapter, and count limits together. */
  redisUrl?: string;
  /**
   * Proxies (addresses or ranges) whose X-Forwarded-For names the client. Default: none, so the client
   * is always the socket's peer.
   */
  trustedProxies?: string[];
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
  /** WebSocket permessage-deflate for frames of 1 KiB or more. Default off (BENCHMARKS.md, compression). */
  perMessageDeflate?: boolean;
  /** Serve Prometheus metrics on GET /metrics. */
  metrics?: boolean;
  /** With metrics: GET /metrics asks for `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /** Open connections one client address may hold (trusted proxies excepted); 0 = no cap. Default 256. */
  maxConnectionsPerAddress?: number;
  /** How long a client may take to send a whole request. Default 15 s. */
  requestTimeoutMs?: number;
  /** Largest upload in bytes (413 beyond). Default 25 MiB. */
  uploadMaxBytes?: number;
  /** Bytes a user may upload in 24 h; 0 = no quota. Default 1 GiB. */
  uploadQuotaBytes?: number;
  /** pino level when no logger is given. Default info. */
  logLevel?: string;
  logger?: Logger;
  /**
   * Wraps the store as opened, before anything else holds it (the metrics and the membership cache bind
   * its methods once): how a benchmark times the store's own calls. Default: the store as it is.
   */
  decorateStore?: (store: Store) => Store;
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
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
const CHECK_MS = 1_000;
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
  adminUiEnabled(options); // a half-set admin UI is refused before anything opens
  const trustedProxies = parseTrustedProxies(options.trustedProxies);
  const opened = await openStore(options, logger);
  const rawStore = options.decorateStore?.(opened) ?? opened;
  let network: Network | undefined;
  let limits: LimitBackend | undefined;
  let files: FileService | undefined;
  try {
    if (options.demo) await seedDemo(rawStore);
    const metrics = createMetrics({
      defaults: options.metrics === true,
      connectedSockets: () => network?.io.of('/').sockets.size ?? 0,
    });
    const memberships = new MembershipCache();
    const store = memberships.watch(instrumentStore(rawStore, metrics));
    limits = await openLimitBackend(options.redisUrl, logger);
    files = createFileService(options, { store, limits, logger });
    // Set once the sockets exist; nothing calls these before the server listens.
    let live: WorkspaceLive | undefined;
    let presenceTracker: PresenceTracker | undefined;
    const ctx: ServerContext = {
      store,
      memberships,
      logger,
      limits,
      files,
      loginThrottle: new LoginThrottle(limits),
      hashPool: new HashPool(),
      trustedProxies,
      tokens: createTokenService(secret, options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS),
      notify: async (change) => live?.notify(change),
      presenceOf: (userId) => presenceTracker?.of(userId) ?? 'offline',
      metrics,
      operations: {
        metricsEnabled: options.metrics === true,
        metricsToken: options.metricsToken || undefined,
        readiness: () => checkReadiness({ store, redis: network?.redis }),
      },
    };
    const corsOrigins = options.corsOrigins ?? [];
    const hostAllowed = hostAllowList(host);
    const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    const httpServer = createServer(
      {
        // A slow client holds a connection no longer than this (Node checks every CHECK_MS).
        headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout),
        requestTimeout,
        connectionsCheckingInterval: CHECK_MS,
      },
      createRequestHandler(ctx, corsOrigins, hostAllowed),
    );
    capConnectionsPerAddress(
      httpServer,
      options.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
      trustedProxies,
    );
    const { io, typing, presence, shareLimits } = createSocketServer(httpServer, ctx, {
      // The admin UI's origin may open Socket.IO connections (to /admin), never call the HTTP API.
      corsOrigins: [...corsOrigins, ...adminUiOrigins(options)],
      hostAllowed,
      messageRateLimit: options.messageRateLimit ?? DEFAULT_MESSAGE_RATE_LIMIT,
      typingTimeoutMs: options.typingTimeoutMs ?? SERVER_TYPING_TIMEOUT_MS,
      perMessageDeflate: options.perMessageDeflate === true,
      presence: {
        offlineAfterMs: options.presenceOfflineAfterMs,
        share: (userId, state) =>
          void ctx
            .notify({ type: 'presence', userId, presence: state })
            .catch((err: unknown) => logger.warn({ err, userId }, 'could not share a presence change')),
      },
    });
    presenceTracker = presence;
    network = { httpServer, io, typing, presence, limits, files };
    if (options.redisUrl) {
      const redis = await attachRedisAdapter(io, options.redisUrl, logger);
      network.redis = redis;
      shareLimits(redis.client);
    }
    live = await startWorkspaceLive(
      { io, store, memberships, onPresence: (userId, state) => presence.remote(userId, state) },
      { dataDir: options.dataDir, redisUrl: options.redisUrl, databaseUrl: options.databaseUrl },
      logger,
    );
    network.live = live;
    await attachAdminUi(io, options);

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
    if (network) await shutDown(network, rawStore);
    else {
      files?.collector.close();
      await limits?.close();
      await rawStore.close();
    }
    throw err;
  }
}

interface Network {
  httpServer: Server;
  io: RelayServer;
  typing: TypingTracker;
  presence: PresenceTracker;
  limits: LimitBackend;
  files: FileService;
  redis?: { close(): Promise<void>; ping(): Promise<void> };
  live?: WorkspaceLive;
}

/** Stop accepting, close every socket, let in-flight HTTP requests finish (briefly), close the database. */
async function shutDown(
  { httpServer, io, typing, presence, limits, files, redis, live }: Network,
  store: Store,
): Promise<void> {
  const drained = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  typing.close();
  presence.close();
  files.collector.close();
  await live?.close();
  // Closes every socket with 'transport close', so clients reconnect by themselves to the next server.
  await io.close();
  const grace = setTimeout(() => httpServer.closeAllConnections(), SHUTDOWN_GRACE_MS);
  await drained;
  clearTimeout(grace);
  // Nothing writes to DATA_DIR after close: a thumbnail being made in the background ends first.
  await files.thumbnails.close();
  await redis?.close();
  await limits.close();
  await store.close();
}

/** A URL others can connect to: wildcard addresses mean this machine. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
