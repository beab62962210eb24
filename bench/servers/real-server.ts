/**
 * The subject: the real server (src-server `startServer`) in its own process, configured as an operator
 * would run it for a benchmark: --demo (the JWT secret is kept in the data folder, so tokens survive a
 * restart), the message rate limit off, logging at its default level. Users and channels for a
 * scenario are created through the server's own store, and tokens through its own token service,
 * before any measurement starts.
 *
 * argv: PORT DATA_DIR
 */
import { randomBytes } from 'node:crypto';
import { startServer } from '../../src-server/app';
import { hashPassword } from '../../src-server/auth/passwords';
import { resolveJwtSecret } from '../../src-server/auth/secret';
import { createTokenService } from '../../src-server/auth/tokens';
import { collectGarbage, emitEvent, serve } from '../lib/serve';
import { createHistogram, recordMs, summarize } from '../lib/stats';
import { type InsertStats, timeMethod, type WritePaths } from './timed-method';
import type { Identities, Topology } from './topology';

const port = Number(process.argv[2] ?? 0);
const dataDir = process.argv[3];
if (!dataDir) throw new Error('usage: real-server.ts PORT DATA_DIR');

// Where the time goes: the store's insert (SQLite, one transaction per message), timed on the store as
// opened, so the server's every call goes through it.
const inserts = createHistogram();
/** The store as opened: SQLite's tells where its writes committed (main thread at idle, or the writer's). */
let opened:
  | {
      writePaths?: () => WritePaths;
      writerBatches?: () => number;
      checkpoints?: () => { byThread: number; unfinished: number };
    }
  | undefined;
let pathsBefore: WritePaths = { inline: 0, thread: 0 };

// Thousands of simulated clients share one loopback address: no per-address connection cap.
// Figure 15 runs two instances on PostgreSQL behind Redis (from the environment, as an operator sets them).
const server = await startServer({
  port,
  dataDir,
  demo: true,
  messageRateLimit: 0,
  maxConnectionsPerAddress: 0,
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
  // The operator's variable, set by the runner for the `normal` rows of figures 1 and 3.
  sqliteSynchronous: process.env.SQLITE_SYNCHRONOUS === 'normal' ? 'normal' : 'full',
  decorateStore: (store) => {
    opened = store as typeof opened;
    return timeMethod(store, 'insertMessage', (ms) => recordMs(inserts, ms));
  },
});
const tokens = createTokenService(resolveJwtSecret({ demo: true, dataDir }), 24 * 3600);

serve({
  async provision(topology: Topology): Promise<Identities> {
    const { store } = server;
    // One scrypt hash for every bench user: nobody signs in with a password here.
    const passwordHash = await hashPassword(randomBytes(16).toString('hex'));
    const run = randomBytes(4).toString('hex');
    const userIds: string[] = [];
    const channelIds: string[] = [];
    // Set-up only, before any client connects: one transaction around the store's own inserts, or
    // 19,000 users would cost 38,000 fsyncs. Reaches the SQLite handle the store keeps; without one
    // (another store) the inserts simply run one by one.
    const handle = (store as unknown as { db?: { exec?: unknown } }).db;
    const db = typeof handle?.exec === 'function' ? (handle as { exec(sql: string): unknown }) : undefined;
    db?.exec('BEGIN');
    try {
      for (let i = 0; i < topology.users; i++) {
        const user = await store.ensureUser({
          username: `bench-${run}-${i}`,
          name: `Bench ${i}`,
          passwordHash,
        });
        userIds.push(user.id);
      }
      for (const [c, members] of topology.channels.entries()) {
        const channel = await store.ensureChannel(`bench-${run}-${c}`);
        for (const m of members) await store.addMember(channel.id, userIds[m]!);
        channelIds.push(channel.id);
      }
      db?.exec('COMMIT');
    } catch (error) {
      db?.exec('ROLLBACK');
      throw error;
    }
    const users = [];
    for (const userId of userIds) users.push({ userId, token: await tokens.sign(userId) });
    return { users, channelIds };
  },
  /** The data folder survives a restart: nothing to restore. */
  restore: () => undefined,
  gc: collectGarbage,
  connections: () => server.io.engine.clientsCount,
  /** The store insert's wall time since the last call (then starts afresh). */
  insertStats(): InsertStats {
    const summary = summarize(inserts);
    inserts.reset();
    const paths = opened?.writePaths?.();
    if (!paths) return summary;
    const since = { inline: paths.inline - pathsBefore.inline, thread: paths.thread - pathsBefore.thread };
    pathsBefore = paths;
    return { ...summary, paths: since };
  },
  /**
   * Since the start: writes committed inline and on the writer thread, the thread's transactions (each
   * one WAL sync at synchronous=FULL) and its checkpoints; undefined on a store without a writer thread.
   */
  writeCounts(): (WritePaths & { batches: number; checkpoints: number }) | undefined {
    const paths = opened?.writePaths?.();
    if (!paths || !opened?.writerBatches || !opened.checkpoints) return undefined;
    const { byThread, unfinished } = opened.checkpoints();
    return { ...paths, batches: opened.writerBatches(), checkpoints: byThread + unfinished };
  },
  /** For the exactly-once check: every message of a channel, paged the way the HTTP API pages. */
  async channelStats({ channelId, viewerId }: { channelId: string; viewerId: string }) {
    let after = 0;
    let messages = 0;
    const clientIds = new Set<string>();
    for (let page = 0; page < 10_000; page++) {
      const result = await server.store.listMessages(channelId, viewerId, { after, limit: 500 });
      for (const m of result.messages) {
        messages++;
        if (m.clientMessageId) clientIds.add(m.clientMessageId);
        after = m.seq;
      }
      if (!result.hasMore) break;
    }
    return { messages, distinctClientMessageIds: clientIds.size };
  },
});

process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
emitEvent({ event: 'ready', url: server.url });
