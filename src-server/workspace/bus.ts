/**
 * How a workspace change (someone joined or left, a channel changed, a user's tokens were revoked)
 * reaches every server instance, including those that did not make it and the ones that were running
 * when `npm run admin` made it. Three transports, one message shape (`{origin, change}` JSON):
 *
 * - Redis pub/sub (REDIS_URL): the instances already share Redis for the Socket.IO adapter, and a
 *   pub/sub message reaches every subscriber at once.
 * - PostgreSQL LISTEN/NOTIFY (DATABASE_URL): every instance already holds a connection to the shared
 *   database, so `npm run admin` needs nothing else to reach them, and NOTIFY is sent at commit.
 * - A Unix socket in DATA_DIR (SQLite alone: one server process): the admin command connects, writes one
 *   line and waits for the server's "ok", so it returns once the running server has applied the change.
 *   It needs no pid file, carries the change itself (a signal could not), and its mode 0600 keeps other
 *   local users out. No server listening means nothing to tell: the change is in the file already.
 */

import { chmod, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { WorkspaceChange } from '../../src-shared/protocol';
import { closeRedisClient } from '../redis';

export const REDIS_CHANNEL = 'relay:workspace';
export const POSTGRES_CHANNEL = 'relay_workspace';
export const LOCAL_SOCKET = 'relay-admin.sock';
/** The admin command waits this long for a running server's "ok" before giving up (the change is stored). */
const LOCAL_REPLY_TIMEOUT_MS = 5_000;

export interface Envelope {
  /** Who sent it: an instance skips its own messages. */
  origin: string;
  change: WorkspaceChange;
}

/** A received message: resolves once it has been applied. */
export type Receiver = (envelope: Envelope) => Promise<void>;

export interface Transport {
  publish(envelope: Envelope): Promise<void>;
  close(): Promise<void>;
}

/** Parses what arrived; anything malformed is logged and dropped, never applied. */
function parse(raw: string, logger: Logger): Envelope | undefined {
  try {
    const value = JSON.parse(raw) as { origin?: unknown; change?: unknown };
    const change = WorkspaceChange.safeParse(value.change);
    if (typeof value.origin === 'string' && change.success)
      return { origin: value.origin, change: change.data };
  } catch {}
  logger.warn({ event: 'workspace_change_malformed' }, 'malformed workspace change dropped');
  return undefined;
}

function deliver(raw: string, receive: Receiver, logger: Logger): Promise<void> {
  const envelope = parse(raw, logger);
  if (!envelope) return Promise.resolve();
  return receive(envelope).catch((err: unknown) =>
    logger.error({ err, change: envelope.change.type }, 'could not apply a workspace change'),
  );
}

export async function redisTransport(url: string, logger: Logger, receive?: Receiver): Promise<Transport> {
  const pub = createClient({ url });
  const sub = receive ? pub.duplicate() : undefined;
  const clients = sub ? [pub, sub] : [pub];
  for (const client of clients) client.on('error', (err: unknown) => logger.error({ err }, 'redis error'));
  await Promise.all(clients.map((client) => client.connect()));
  if (sub && receive) await sub.subscribe(REDIS_CHANNEL, (raw) => void deliver(raw, receive, logger));
  return {
    async publish(envelope) {
      await pub.publish(REDIS_CHANNEL, JSON.stringify(envelope));
    },
    async close() {
      for (const client of clients.reverse()) await closeRedisClient(client);
    },
  };
}

/**
 * LISTEN/NOTIFY on one dedicated connection. When it is lost (the database restarted, a failover, an
 * idle cut by a proxy) it is opened again with capped backoff and LISTENs again, so one blip does not
 * leave this instance deaf to every later change; what was sent while it was down is missed, and said so.
 */
export async function postgresTransport(
  url: string,
  logger: Logger,
  receive?: Receiver,
  retry: { minMs: number; maxMs: number } = { minMs: 250, maxMs: 10_000 },
): Promise<Transport> {
  let client: pg.Client | null = null;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

  async function open(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url, application_name: 'relay-workspace' });
    c.on('error', (err) => {
      logger.error({ err }, 'postgres notification connection lost');
      lost(c);
    });
    c.on('end', () => lost(c));
    await c.connect();
    if (receive) {
      c.on('notification', (message) => {
        if (message.channel === POSTGRES_CHANNEL && message.payload)
          void deliver(message.payload, receive, logger);
      });
      await c.query(`LISTEN ${POSTGRES_CHANNEL}`);
    }
    return c;
  }

  function lost(c: pg.Client): void {
    if (closed || client !== c) return;
    client = null;
    c.end().catch(() => {});
    reconnectLater();
  }

  function reconnectLater(): void {
    if (closed || timer) return;
    const delay = Math.min(retry.maxMs, retry.minMs * 2 ** attempt++);
    timer = setTimeout(() => {
      timer = undefined;
      open().then(
        (c) => {
          if (closed) return void c.end().catch(() => {});
          client = c;
          attempt = 0;
          logger.warn(
            { event: 'workspace_listen_reconnected' },
            'postgres notification connection back; changes made while it was down were missed',
          );
        },
        (err: unknown) => {
          logger.warn({ err, attempt }, 'postgres notification connection: reconnect failed');
          reconnectLater();
        },
      );
    }, delay);
    timer.unref();
  }

  client = await open();
  return {
    async publish(envelope) {
      if (!client) throw new Error('the PostgreSQL notification connection is down (reconnecting)');
      await client.query('SELECT pg_notify($1, $2)', [POSTGRES_CHANNEL, JSON.stringify(envelope)]);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}

/** The running SQLite server's end: listens in DATA_DIR, answers "ok" once each change is applied. */
export async function listenLocal(dataDir: string, logger: Logger, receive: Receiver): Promise<Transport> {
  const path = join(dataDir, LOCAL_SOCKET);
  // A socket file left by a server killed with -9: nobody listens on it any more.
  await unlink(path).catch(() => {});
  const server: Server = createServer((conn) => {
    let buffered = '';
    conn.setEncoding('utf8');
    conn.on('error', () => {});
    conn.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > 64 * 1024) conn.destroy();
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      const line = buffered.slice(0, newline);
      buffered = '';
      void deliver(line, receive, logger).then(() => conn.end('ok\n'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return {
    async publish() {},
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The admin command's end: tells a running SQLite server, if there is one, and waits for its "ok". */
export function sendLocal(dataDir: string, envelope: Envelope): Promise<void> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(join(dataDir, LOCAL_SOCKET));
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new Error('the running server did not confirm the change (it is stored; restart the server)'));
    }, LOCAL_REPLY_TIMEOUT_MS);
    conn.on('connect', () => conn.write(`${JSON.stringify(envelope)}\n`));
    conn.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // No server running (or one killed without cleaning up): nothing to tell.
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolve();
      else reject(err);
    });
    conn.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    conn.resume();
  });
}
