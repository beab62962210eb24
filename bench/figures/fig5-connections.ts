/**
 * Figure 5: connections on one server process — how many stay up, what each costs in server RSS, how
 * fast they connect, and how long until all are back after the server is killed and started again
 * (timed from the kill, so the server's own start-up counts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { listenOverflows } from '../lib/proc';
import type { CpuShare } from '../lib/result';
import { makeRow, type Row } from '../lib/result';
import { groupsOf } from '../servers/topology';
import {
  againstRelay,
  type Bench,
  notMeasured,
  provision,
  type SubjectKind,
  subjectAndLoadgen,
  withCpu,
} from './context';

interface Measured {
  connected: number;
  failed: number;
  connectsPerSecond: number;
  rssPerConnectionKB: number;
  reconnectSeconds: number | null;
  reconnectNote: string;
  overflows: { connect: number; restart: number };
  cpu: CpuShare;
}

async function measure(bench: Bench, kind: SubjectKind): Promise<Measured> {
  const { connections } = bench.options.scale;
  const dataDir = bench.dataDir(kind);
  let [subject, loadgen] = await subjectAndLoadgen(bench, kind, { dataDir });
  try {
    const topology = groupsOf(connections.count, 5);
    const identities = await provision(subject, topology);
    // Let start-up and provisioning garbage settle before the "before" reading.
    await sleep(connections.settleMs);
    await subject.child.call('gc');
    const rssBefore = subject.child.rssBytes();
    const overflowsAtStart = listenOverflows();
    const { result: connect, cpu } = await withCpu({ server: subject.child, loadgen }, () =>
      loadgen.call<{ connected: number; failed: number; connectsPerSecond: number; firstError?: string }>(
        'connect',
        {
          url: subject.url,
          identities: identities.users,
          count: connections.count,
          concurrency: connections.concurrency,
          reconnect: true,
          timeoutMs: 120_000,
        },
        180_000,
      ),
    );
    const overflowsAfterConnect = listenOverflows();
    await sleep(2 * connections.settleMs);
    await subject.child.call('gc');
    const rssPerConnectionKB = (subject.child.rssBytes() - rssBefore) / 1024 / Math.max(1, connect.connected);

    // Restart: kill -9, start again on the same port and data folder, wait for every socket.
    const back = loadgen.call<{ allBack: boolean; seconds: number; lowest: number; connected: number }>(
      'awaitReconnect',
      { expected: connect.connected, timeoutMs: connections.reconnectTimeoutMs },
      connections.reconnectTimeoutMs + 30_000,
    );
    await sleep(100); // the load generator starts its clock before the kill
    await subject.child.stop('SIGKILL');
    subject = await bench.subject(kind, { port: subject.port, dataDir });
    await subject.child.call('restore', { topology, identities });
    const reconnect = await back;
    return {
      connected: connect.connected,
      failed: connect.failed,
      connectsPerSecond: connect.connectsPerSecond,
      rssPerConnectionKB,
      reconnectSeconds: reconnect.allBack ? reconnect.seconds : null,
      reconnectNote: reconnect.allBack
        ? `all ${connect.connected.toLocaleString('en-US')} back ${reconnect.seconds.toFixed(1)} s after the kill`
        : `only ${reconnect.connected} of ${connect.connected} back within ${connections.reconnectTimeoutMs / 1000} s`,
      overflows: {
        connect: overflowsAfterConnect - overflowsAtStart,
        restart: listenOverflows() - overflowsAfterConnect,
      },
      cpu,
    };
  } finally {
    await loadgen.stop();
    await subject.child.stop();
  }
}

export async function figure5(bench: Bench): Promise<Row[]> {
  const { connections } = bench.options.scale;
  const n = connections.count.toLocaleString('en-US');
  bench.log(
    `figure 5: ${n} connections (concurrency ${connections.concurrency}), RSS, restart, on bare relay, real server`,
  );
  const relay = await measure(bench, 'sio-relay');
  let real: Measured | null = null;
  let missing: string | undefined;
  try {
    real = await measure(bench, 'real');
  } catch (error) {
    missing = notMeasured(error);
  }
  /** One row: the real server's `field` against the bare relay's, one bound on the value, a note. */
  const row = (
    name: string,
    field: 'connected' | 'rssPerConnectionKB' | 'connectsPerSecond' | 'reconnectSeconds',
    unit: string,
    [op, limit]: ['>=' | '<=', number],
    text: string | undefined,
  ) =>
    makeRow({
      name,
      value: real?.[field] ?? null,
      unit,
      baseline: relay[field],
      checks: [{ op, limit, of: 'value' }],
      ...againstRelay(relay, real),
      ...(missing ? { note: missing } : text ? { note: text } : {}),
    });
  return [
    row(
      `5. concurrent sockets, one server (${n} attempted)`,
      'connected',
      'sockets',
      ['>=', 19_000],
      real && real.failed > 0 ? `${real.failed} failed to connect` : undefined,
    ),
    row(
      '5. server RSS per connection',
      'rssPerConnectionKB',
      'KB',
      ['<=', 16],
      'RSS growth (each reading after a full GC) from before the first connect to 2 s after the last, over sockets connected',
    ),
    row(
      '5. connects/s',
      'connectsPerSecond',
      'connects/s',
      ['>=', 1_000],
      `${connections.concurrency} handshakes in flight, each with a token (real server)`,
    ),
    row(
      '5. all reconnected after server restart',
      'reconnectSeconds',
      's',
      ['<=', 30],
      real
        ? `${real.reconnectNote}; clients back off like socket.io-client (1–5 s, jittered); ` +
            `kernel listen-queue overflows during the reconnect: ${real.overflows.restart} ` +
            `(relay run: ${relay.overflows.restart})`
        : undefined,
    ),
  ];
}
