/**
 * Figure 2: send → receive through two real main-process cores: A's `sendMessage` (outbox, SQLite)
 * → server → B's store → B's `messageUpserted` UI event. Baseline: two plain socket.io-client
 * sockets through the durable relay, in the same process (the bare relay in the note). A floor row: the
 * same two sockets, each committing one SQLite row before it sends and when the message arrives.
 */
import { TARGETS } from '../config';
import { type CpuShare, makeRow, type Row } from '../lib/result';
import type { LatencySummary } from '../lib/stats';
import { type Bench, provision, SUBJECT_NAMES, type SubjectKind, withCpu } from './context';
import { coreHost, openCore, randomChannel } from './cores';

/** Two plain socket.io-client sockets pinging through a relay, in a core host process. */
async function plainClients(
  bench: Bench,
  kind: SubjectKind,
  durable = false,
): Promise<{ result: LatencySummary; cpu: CpuShare }> {
  const { cores } = bench.options.scale;
  const relay = await bench.subject(kind);
  const host = await coreHost(bench);
  try {
    const ids = await provision(relay, { users: 2, channels: [[0, 1]] });
    return await withCpu({ server: relay.child, loadgen: host }, () =>
      host.call<LatencySummary>(
        'relayPingPong',
        {
          url: relay.url,
          userIds: ids.users.map((u) => u.userId),
          channelId: ids.channelIds[0],
          warmup: cores.warmup,
          count: cores.count,
          gapMs: cores.gapMs,
          durable,
        },
        300_000,
      ),
    );
  } finally {
    await host.stop();
    await relay.child.stop();
  }
}

export async function figure2(bench: Bench): Promise<Row[]> {
  const { cores } = bench.options.scale;
  bench.log(
    `figure 2: through two real cores, ${cores.count} messages, beside socket.io-client on the durable and bare relays`,
  );
  const pace = { warmup: cores.warmup, count: cores.count, gapMs: cores.gapMs };
  const bare = await plainClients(bench, 'sio-relay');
  const base = await plainClients(bench, 'durable-relay');
  // A floor of the cores' design: each plain client commits one row before it sends and on arrival.
  const storing = await plainClients(bench, 'durable-relay', true);
  let real: {
    result: LatencySummary & { lost: number };
    cpu: CpuShare;
  } | null = null;
  let note: string;
  try {
    const server = await bench.subject('real');
    const host = await coreHost(bench);
    const a = await openCore(host, server, 'A', 'alice');
    await openCore(host, server, 'B', 'bob');
    real = await withCpu({ server: server.child, loadgen: host }, () =>
      host.call<LatencySummary & { lost: number }>(
        'pingPong',
        { from: 'A', to: 'B', channelId: randomChannel(a), ...pace },
        300_000,
      ),
    );
    note =
      `p99 ${real.result.p99.toFixed(2)} ms (durable relay ${base.result.p99.toFixed(2)} ms); ` +
      `bare relay p50 ${bare.result.p50.toFixed(3)} ms, p99 ${bare.result.p99.toFixed(2)} ms` +
      (real.result.lost ? `; ${real.result.lost} LOST` : '') +
      '; "load generator" CPU is the process holding both cores';
  } catch (error) {
    note = `not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  return [
    makeRow({
      name: `2. send→receive through two cores p50 (${cores.count} msgs)`,
      value: real?.result.p50 ?? null,
      unit: 'ms',
      baseline: base.result.p50,
      baselineName: `${SUBJECT_NAMES['durable-relay']} with two socket.io-client sockets`,
      checks: TARGETS.coresP50,
      baselineCpu: base.cpu,
      ...(real ? { cpu: real.cpu } : {}),
      note,
    }),
    makeRow({
      name: `2. floor: two plain clients each committing one SQLite row, through the durable relay p50 (${cores.count} msgs)`,
      value: storing.result.p50,
      unit: 'ms',
      baseline: base.result.p50,
      baselineName: `${SUBJECT_NAMES['durable-relay']} with two socket.io-client sockets`,
      checks: [],
      baselineCpu: base.cpu,
      cpu: storing.cpu,
      note:
        `a floor of the cores' design, not a target: a row committed (WAL, synchronous=NORMAL) by A before ` +
        `it sends and by B when it arrives; p99 ${storing.result.p99.toFixed(2)} ms`,
    }),
  ];
}
