/**
 * Figure 15: scale-out (issue 16). Two real server instances (bench/servers/real-server.ts, each its own
 * process) on one PostgreSQL database behind the Redis adapter, beside one instance of the same run on
 * the same database: send→receive between sockets on different instances vs on one, and fan-out with
 * the members split across both instances vs all on one. PostgreSQL's own `INSERT … COMMIT` latency is
 * measured on the same cluster in the same run (fsync on, as an operator runs it).
 */
import pg from 'pg';
import { startRedis } from '../../src-server/redis-server';
import { startPostgresCluster } from '../../src-server/store/postgres/postgres-cluster';
import { TARGETS_13_TO_15 } from '../config';
import type { Child } from '../lib/proc';
import { makeRow, type Row } from '../lib/result';
import { createHistogram, type LatencySummary, recordMs, summarize } from '../lib/stats';
import type { Identity } from '../servers/topology';
import { type Bench, provision, type Subject, withCpu } from './context';

type Idle = LatencySummary & { lost: number };
interface Fanout {
  deliveries: number;
  expectedDeliveries: number;
  deliveriesPerSecond: number;
  lastRecipient: LatencySummary;
}

/**
 * Which instance each socket connects to: `count` sockets in as many equal blocks as there are
 * instances, in order, so socket 0 (the sender in every scenario) is on the first and socket 1 (the
 * receiver of the idle pair) on the second. One `connect` call per block keeps the pool in that order.
 */
export function connectPlan(count: number, urls: string[]): { url: string; from: number; to: number }[] {
  return urls
    .map((url, k) => ({
      url,
      from: Math.ceil((k * count) / urls.length),
      to: Math.ceil(((k + 1) * count) / urls.length),
    }))
    .filter((step) => step.to > step.from);
}

async function connect(loadgen: Child, identities: Identity[], urls: string[]): Promise<void> {
  await loadgen.call('closeAll');
  for (const step of connectPlan(identities.length, urls)) {
    const result = await loadgen.call<{ connected: number; firstError?: string }>(
      'connect',
      {
        url: step.url,
        identities: identities.slice(step.from, step.to),
        count: step.to - step.from,
        concurrency: 32,
        reconnect: false,
        timeoutMs: 30_000,
      },
      60_000,
    );
    if (result.connected < step.to - step.from) throw new Error(`connect failed: ${result.firstError}`);
  }
}

/** Each INSERT its own transaction (autocommit), one at a time: PostgreSQL's own commit latency. */
async function commitLatency(databaseUrl: string, count: number): Promise<LatencySummary> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('CREATE TABLE bench_commit (id bigserial PRIMARY KEY, body text NOT NULL)');
    const histogram = createHistogram();
    const body = 'b0 the quick brown fox jumps over the lazy dog, then reviews the pull request before lunch';
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      await client.query('INSERT INTO bench_commit (body) VALUES ($1)', [body]);
      recordMs(histogram, performance.now() - start);
    }
    return summarize(histogram);
  } finally {
    await client.end();
  }
}

export async function figure15(bench: Bench): Promise<Row[]> {
  const s = bench.options.scale.scaleOut;
  const targets = TARGETS_13_TO_15.scaleOut;
  bench.log(`figure 15: two instances on PostgreSQL + Redis; ${s.count} idle messages, ${s.members} members`);
  const cluster = await startPostgresCluster({ durable: true });
  const redis = await startRedis();
  bench.log('figure 15: PostgreSQL and Redis up');
  try {
    const databaseUrl = await cluster.createDatabase();
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url };
    // One data folder: both instances keep the demo JWT secret there, so a token is good on either.
    const dataDir = bench.dataDir('server');
    const a: Subject = await bench.subject('real', { dataDir, env });
    const members = Array.from({ length: s.members }, (_, i) => i);
    // The second instance starts while the first provisions (the schema is the first's to migrate).
    const [b, loadgen, identities] = await Promise.all([
      bench.subject('real', { dataDir, env }),
      bench.loadgen(),
      provision(a, { users: s.members, channels: [[0, 1], members] }),
    ]);
    const [pairChannel, bigChannel] = identities.channelIds as [string, string];
    const pair = identities.users.slice(0, 2);

    const idle = async (urls: string[]) => {
      await connect(loadgen, pair, urls);
      return withCpu({ server: a.child, loadgen }, () =>
        loadgen.call<Idle>('idle', {
          mode: 'sio',
          channelId: pairChannel,
          warmup: s.warmup,
          count: s.count,
          gapMs: s.gapMs,
          timeoutMs: 120_000,
        }),
      );
    };
    const fanout = async (urls: string[]) => {
      await connect(loadgen, identities.users, urls);
      const args = {
        channelId: bigChannel,
        warmup: 5,
        paced: s.paced,
        burst: s.burst,
        window: 8,
        timeoutMs: 60_000,
      };
      return withCpu({ server: a.child, loadgen }, () => loadgen.call<Fanout>('fanout', args, 90_000));
    };
    bench.log('figure 15: both instances up, users provisioned');
    const single = await idle([a.url]);
    const cross = await idle([a.url, b.url]);
    const fanSingle = await fanout([a.url]);
    const fanCross = await fanout([a.url, b.url]);
    await loadgen.call('closeAll');
    const commits = await commitLatency(databaseUrl, s.commits);

    const lost = cross.result.lost + single.result.lost;
    const floor =
      `PostgreSQL INSERT…COMMIT (fsync on, same cluster) p50 ${commits.p50.toFixed(2)} ms, ` +
      `p99 ${commits.p99.toFixed(2)} ms`;
    const missing = (f: Fanout) => f.expectedDeliveries - f.deliveries;
    return [
      makeRow({
        name: `15. send→receive across 2 instances p50 (${s.count} msgs, PostgreSQL + Redis)`,
        value: cross.result.p50,
        unit: 'ms',
        baseline: single.result.p50,
        baselineName: 'one instance, same PostgreSQL',
        checks: [{ op: '<=', limit: targets.crossP50Ratio, of: 'ratio' }],
        cpu: cross.cpu,
        baselineCpu: single.cpu,
        note: `${floor}; p99 ${cross.result.p99.toFixed(2)} ms vs ${single.result.p99.toFixed(2)} ms${lost > 0 ? `; ${lost} LOST` : ''}`,
      }),
      makeRow({
        name: `15. fan-out across 2 instances deliveries/s (${s.members} members)`,
        value: fanCross.result.deliveriesPerSecond,
        unit: 'deliveries/s',
        baseline: fanSingle.result.deliveriesPerSecond,
        baselineName: 'all members on one instance',
        checks: [{ op: '>=', limit: targets.fanoutRatio, of: 'ratio' }],
        cpu: fanCross.cpu,
        baselineCpu: fanSingle.cpu,
        note:
          `half the members on each instance, the sender on the first; emit→last recipient p50 ` +
          `${fanCross.result.lastRecipient.p50.toFixed(1)} ms vs ${fanSingle.result.lastRecipient.p50.toFixed(1)} ms; ` +
          `missing deliveries ${missing(fanCross.result)} vs ${missing(fanSingle.result)}`,
      }),
    ];
  } finally {
    await bench.stopAll();
    await redis.stop();
    await cluster.stop();
  }
}
