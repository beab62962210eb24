/**
 * Figure 6: the durable outbox of a real core. With the server down, `replay` messages are queued
 * (each `sendMessage` timed: the enqueue); then the server comes back and the time runs from the
 * core's `connected` to its outbox being empty; the server's history must then hold each exactly once.
 */
import { type CpuShare, makeRow, type Row } from '../lib/result';
import type { LatencySummary } from '../lib/stats';
import { type Bench, provision, SUBJECT_NAMES, withCpu } from './context';
import { coreHost, openCore, randomChannel } from './cores';

export async function figure6(bench: Bench): Promise<Row[]> {
  const { outbox } = bench.options.scale;
  const n = outbox.replay.toLocaleString('en-US');
  bench.log(`figure 6: outbox enqueue and replay of ${n} messages, beside bare SQLite and the bare relay`);

  // Baselines: a bare durable INSERT, and the same number of acknowledged sends through the bare relay.
  const relay = await bench.subject('sio-relay');
  let host = await coreHost(bench);
  const ids = await provision(relay, { users: 1, channels: [[0]] });
  // 2,000 fsync'd inserts are plenty for a p99 (each costs a disk flush).
  const insert = await host.call<LatencySummary>(
    'sqliteInsert',
    { count: Math.min(outbox.replay, 2_000) },
    300_000,
  );
  const relayReplay = await withCpu({ server: relay.child, loadgen: host }, () =>
    host.call<{ seconds: number }>(
      'relayReplay',
      {
        url: relay.url,
        userId: ids.users[0]!.userId,
        channelId: ids.channelIds[0],
        count: outbox.replay,
        window: 16,
      },
      300_000,
    ),
  );
  await host.stop();
  await relay.child.stop();

  let enqueue: (LatencySummary & { queued: number }) | null = null;
  let drain: { seconds: number | null; left: number } | null = null;
  let stats: { messages: number; distinctClientMessageIds: number } | null = null;
  let cpu: CpuShare | undefined;
  let failure: string | undefined;
  try {
    const dataDir = bench.dataDir('server');
    let server = await bench.subject('real', { dataDir });
    host = await coreHost(bench);
    const a = await openCore(host, server, 'A', 'alice');
    const channelId = randomChannel(a);
    await server.child.stop('SIGKILL');
    enqueue = await host.call<LatencySummary & { queued: number }>(
      'enqueue',
      { name: 'A', channelId, count: outbox.replay },
      600_000,
    );
    const drained = host.call<{ seconds: number | null; left: number }>(
      'awaitDrain',
      { name: 'A', timeoutMs: 300_000 },
      360_000,
    );
    server = await bench.subject('real', { port: server.port, dataDir });
    const measured = await withCpu({ server: server.child, loadgen: host }, () => drained);
    drain = measured.result;
    cpu = measured.cpu;
    stats = await server.child.call('channelStats', { channelId, viewerId: a.userId });
  } catch (error) {
    failure = `not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  const defect =
    stats && enqueue
      ? Math.abs(stats.messages - enqueue.queued) + (stats.messages - stats.distinctClientMessageIds)
      : null;
  return [
    makeRow({
      name: `6. outbox enqueue p99 (${n} sends, offline)`,
      value: enqueue ? enqueue.p99 * 1000 : null,
      unit: 'µs',
      baseline: insert.p99 * 1000,
      baselineName: 'one bare SQLite INSERT, WAL + synchronous=FULL',
      checks: [{ op: '<=', limit: 100, of: 'value' }],
      note:
        failure ??
        `p50 ${(enqueue!.p50 * 1000).toFixed(0)} µs; bare INSERT p50 ${(insert.p50 * 1000).toFixed(0)} µs`,
    }),
    makeRow({
      name: `6. ${n} queued replayed to acknowledged`,
      value: drain?.seconds ?? null,
      unit: 's',
      baseline: relayReplay.result.seconds,
      baselineName: `${SUBJECT_NAMES['sio-relay']}, socket.io-client, 16 in flight`,
      checks: [{ op: '<=', limit: 1, of: 'value' }],
      baselineCpu: relayReplay.cpu,
      ...(cpu ? { cpu } : {}),
      note:
        failure ??
        (drain!.left > 0 ? `${drain!.left} still queued at the end` : 'from connected to an empty outbox'),
    }),
    makeRow({
      name: '6. replay exactly once: lost + duplicated',
      value: defect,
      unit: 'messages',
      checks: [{ op: '<=', limit: 0, of: 'value' }],
      note:
        failure ??
        `server holds ${stats!.messages} messages (${stats!.distinctClientMessageIds} distinct clientMessageIds) for ${enqueue!.queued} queued`,
    }),
  ];
}
