/**
 * The PostgreSQL connection pool (bounded) and the two things every query path needs from it: timestamps
 * read back as the ISO strings the protocol carries, and transactions on one pooled connection.
 * DATABASE_URL holds a password: it is never logged nor put in an error; `describeTarget` is what is shown.
 */
import pg, { type PoolClient } from 'pg';
import type { Logger } from 'pino';
import { ConfigError } from '../../errors';
import { storeBusy } from '../busy';

/** Connections one server instance may hold; more requests wait for a free one. */
export const DEFAULT_POOL_SIZE = 10;
/**
 * Requests that may wait for a pooled connection; more are refused at once (RATE_LIMITED, retryable,
 * see ../busy.ts) instead of queuing without bound: under a flood memory stays flat and every answer
 * comes within a bounded wait. Ten connections work through this many in well under a second.
 */
export const DEFAULT_MAX_WAITING = 2_048;
/** Waiting longer than this for a connection (database down, pool exhausted) fails the request. */
const CONNECT_TIMEOUT_MS = 10_000;

const TIMESTAMPTZ = pg.types.builtins.TIMESTAMPTZ;
const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ) as (value: string) => Date;

/** timestamptz comes back as the ISO string it was stored from (`2026-01-01T00:00:00.000Z`), not a Date. */
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ
      ? (value: string) => parseTimestamp(value).toISOString()
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Refuses anything but a postgres:// URL, without echoing it (it may carry a password). */
export function checkDatabaseUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new ConfigError('DATABASE_URL is not a valid URL (expected postgres://user:password@host:port/db)');
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must be a postgres:// or postgresql:// URL, not ${protocol}//`);
  }
}

/** host:port/database, for logs and errors: the URL without its credentials and parameters. */
export function describeTarget(url: string): string {
  const { hostname, port, pathname } = new URL(url);
  return `${hostname || 'local socket'}:${port || '5432'}${pathname || '/'}`;
}

export interface PoolLimits {
  /** Connections at most (DEFAULT_POOL_SIZE). */
  size?: number;
  /** Requests waiting for a connection at most (DEFAULT_MAX_WAITING). */
  maxWaiting?: number;
}

export function createPool(url: string, logger: Logger, limits: PoolLimits = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: limits.size ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'relay-server',
    types: typeParsers,
  });
  // An idle connection that breaks (database restart, network) is dropped by the pool and reported
  // here; without a listener the error would crash the process.
  pool.on('error', (err) => logger.error({ err, database: describeTarget(url) }, 'postgres connection lost'));
  return boundWaiting(pool, limits.maxWaiting ?? DEFAULT_MAX_WAITING);
}

type Connect = (
  callback?: (err: Error | undefined, client?: PoolClient, done?: () => void) => void,
) => unknown;

/**
 * pg's pool queues every request it has no connection for, without bound. Every path in (pool.query
 * too) goes through `connect`: past `maxWaiting` waiting, it is refused instead.
 */
function boundWaiting(pool: pg.Pool, maxWaiting: number): pg.Pool {
  const connect = pool.connect.bind(pool) as Connect;
  (pool as unknown as { connect: Connect }).connect = (callback) => {
    if (pool.waitingCount < maxWaiting) return connect(callback);
    const busy = storeBusy();
    if (!callback) return Promise.reject(busy);
    process.nextTick(callback, busy);
    return undefined;
  };
  return pool;
}

/**
 * Runs `work` in a transaction on one pooled connection: COMMIT when it returns a value, ROLLBACK when
 * it returns undefined (nothing happened) or throws.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: PoolClient) => Promise<T | undefined>,
): Promise<T | undefined> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // Said, not assumed (a database may default to another level): the seq and replay logic rely on
    // READ COMMITTED, where a statement that waited for a row lock then sees what was committed.
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    const result = await work(client);
    await client.query(result === undefined ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      // A connection that cannot even roll back is not given back to the pool.
      broken = rollbackError;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}
