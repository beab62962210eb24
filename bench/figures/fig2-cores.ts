/**
 * Figure 2: send → receive through two real main-process cores: A's `sendMessage` (outbox, SQLite)
 * → server → B's store → B's `messageUpserted` UI event. Baseline: two plain socket.io-client
 * sockets through the bare relay, in the same process.
 */
import { type CpuShare, makeRow, type Row } from '../lib/result';
import type { LatencySummary } from '../lib/stats';
import { type Bench, provision, SUBJECT_NAMES, withCpu } from './context';
import { coreHost, openCore, randomChannel } from './cores';

export async function figure2(bench: Bench): Promise<Row[]> {
  const { cores } = bench.options.scale;
  bench.log(
    `figure 2: through two real cores, ${cores.count} messages, beside socket.io-client on the bare relay`,
  );
  const pace = { warmup: cores.warmup, count: cores.count, gapMs: cores.gapMs };

  const relay = await bench.subject('sio-relay');
  let host = await coreHost(bench);
  const ids = await provision(relay, { users: 2, channels: [[0, 1]] });
  const base = await withCpu({ server: relay.child, loadgen: host }, () =>
    host.call<LatencySummary>(
      'relayPingPong',
      { url: relay.url, userIds: ids.users.map((u) => u.userId), channelId: ids.channelIds[0], ...pace },
      300_000,
    ),
  );
  await host.stop();
  await relay.child.stop();

  let real: {
    result: LatencySummary & { lost: number };
    cpu: CpuShare;
  } | null = null;
  let note: string;
  try {
    const server = await bench.subject('real');
    host = await coreHost(bench);
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
      `p99 ${real.result.p99.toFixed(2)} ms (relay ${base.result.p99.toFixed(2)} ms)` +
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
      baselineName: `${SUBJECT_NAMES['sio-relay']} with socket.io-client`,
      checks: [{ op: '<=', limit: 3, of: 'ratio' }],
      baselineCpu: base.cpu,
      ...(real ? { cpu: real.cpu } : {}),
      note,
    }),
  ];
}
