/**
 * Figure 6: the durable outbox of a real core. With the server down, `replay` messages are queued
 * (each `sendMessage` timed: the enqueue); then the server comes back and the time runs from the
 * core's `connected` to its outbox being empty; the server's history must then hold each exactly once.
 */
import { resolveOptions } from '../../src-main/core/options';
import { TARGETS } from '../config';
import { type CpuShare, makeRow, type Row } from '../lib/result';
import type { LatencySummary } from '../lib/stats';
import { type Bench, provision, SUBJECT_NAMES, type Subject, withCpu } from './context';
import { coreHost, openCore, randomChannel } from './cores';

/** The core's own window of sends in flight: the baselines replay with the same. */
const WINDOW = resolveOptions().pipelineWindow;
/** How long the core host spins to see the machine's stalls (bench/lib/cpu-gaps.ts). */
const STALL_SECONDS = 2;

export async function figure6(bench: Bench): Promise<Row[]> {
  const { outbox } = bench.options.scale;
  const n = outbox.replay.toLocaleString('en-US');
  bench.log(`figure 6: outbox enqueue and replay of ${n} messages, beside bare SQLite and the bare relay`);

  // Baselines: a bare durable INSERT, and the same number of acknowledged sends through the bare relay.
  const relay = await bench.subject('sio-relay');
  let host = await coreHost(bench);
  const insert = await host.call<LatencySummary>('sqliteInsert', { count: outbox.replay }, 300_000);
  /** `count` acknowledged sends from a plain socket.io-client in the core host, the core's window in flight. */
  const plainReplay = async (method: 'relayReplay' | 'floorReplay', subject: Subject) => {
    const ids = await provision(subject, { users: 1, channels: [[0]] });
    return withCpu({ server: subject.child, loadgen: host }, () =>
      host.call<{ seconds: number; left?: number }>(
        method,
        {
          url: subject.url,
          userId: ids.users[0]!.userId,
          channelId: ids.channelIds[0],
          count: outbox.replay,
          window: WINDOW,
        },
        300_000,
      ),
    );
  };
  const relayReplay = await plainReplay('relayReplay', relay);
  await relay.child.stop();

  // The floor of an exactly-once durable replay: the wire plus the disk (`floorReplay`: a plain client
  // whose queue is a SQLite file with the core's durability, each row deleted on its ack) against the
  // durable relay storing each message with the server's pragmas before its ack, one commit a turn.
  const durable = await bench.subject('durable-relay', { env: { DURABLE_RELAY_GROUP: '1' } });
  const floor = await plainReplay('floorReplay', durable);
  await host.stop();
  await durable.child.stop();

  // The enqueue's storage alone: the send's own transaction on a fresh store, no core around it, in a
  // process of its own. In the enqueue's process, after it, the same loop read ~10-20 us less at the
  // median: the first 10,000 commits of a process fault in its memory (BENCHMARKS.md, "enq28").
  const floorHost = await coreHost(bench);
  const storeAlone = await floorHost.call<LatencySummary>('storeEnqueue', { count: outbox.replay }, 300_000);
  await floorHost.stop();

  let enqueue: (LatencySummary & { queued: number; cpuUsPerSend: number }) | null = null;
  let floorOfStalls: { p99: number[]; over100PerSecond: number } | undefined;
  let drain: { seconds: number | null; left: number } | null = null;
  let stats: { messages: number; distinctClientMessageIds: number } | null = null;
  let writes: WriteCounts | undefined;
  let cpu: CpuShare | undefined;
  let failure: string | undefined;
  try {
    const dataDir = bench.dataDir('server');
    let server = await bench.subject('real', { dataDir });
    host = await coreHost(bench);
    const a = await openCore(host, server, 'A', 'alice');
    const channelId = randomChannel(a);
    await server.child.stop('SIGKILL');
    enqueue = await host.call<LatencySummary & { queued: number; cpuUsPerSend: number }>(
      'enqueue',
      { name: 'A', channelId, count: outbox.replay },
      600_000,
    );
    // The same minute, the same process: the p99 the machine's stalls alone give a send of constant
    // cost (the enqueue's median) and a bare INSERT's (BENCHMARKS.md "enq27").
    floorOfStalls = await host.call('stallFloor', {
      seconds: STALL_SECONDS,
      opUs: [enqueue.p50 * 1000, insert.p50 * 1000],
    });
    const drained = host.call<{ seconds: number | null; left: number }>(
      'awaitDrain',
      { name: 'A', timeoutMs: 300_000 },
      360_000,
    );
    server = await bench.subject('real', { port: server.port, dataDir });
    const measured = await withCpu({ server: server.child, loadgen: host }, () => drained);
    drain = measured.result;
    cpu = measured.cpu;
    writes = await server.child.call<WriteCounts | undefined>('writeCounts', {});
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
      baselineName: "one bare SQLite INSERT, the core's pragmas (WAL + synchronous=NORMAL)",
      checks: TARGETS.outboxEnqueueP99,
      note:
        failure ??
        `p50 ${(enqueue!.p50 * 1000).toFixed(0)} µs, CPU ${enqueue!.cpuUsPerSend.toFixed(0)} µs a send; ` +
          `bare INSERT p50 ${(insert.p50 * 1000).toFixed(0)} µs`,
    }),
    makeRow({
      name: "6. floor: the machine's stalls alone, p99 of a send of the enqueue's p50",
      value: floorOfStalls?.p99[0] ?? null,
      unit: 'µs',
      checks: [],
      note: floorOfStalls
        ? `a thread spinning ${STALL_SECONDS} s in the core host right after the enqueue: ` +
          `${floorOfStalls.over100PerSecond.toFixed(0)} gaps a second over 100 µs; an operation of constant cost ` +
          `${(enqueue!.p50 * 1000).toFixed(0)} µs (the enqueue's p50) started anywhere in it reads this p99, ` +
          `one of the bare INSERT's p50 (${(insert.p50 * 1000).toFixed(0)} µs) ${floorOfStalls.p99[1]!.toFixed(0)} µs`
        : (failure ?? 'not measured'),
    }),
    makeRow({
      name: "6. floor: the send's store transaction alone, p99 (no core around it)",
      value: storeAlone.p99 * 1000,
      unit: 'µs',
      baseline: insert.p99 * 1000,
      baselineName: "one bare SQLite INSERT, the core's pragmas (WAL + synchronous=NORMAL)",
      checks: [],
      note:
        `the message and its queued operation, one commit (LocalStore.queueOwnMessageInOpenChannel) on a ` +
        `fresh store of the app's schema, ${n} in a row in a process of their own; ` +
        `p50 ${(storeAlone.p50 * 1000).toFixed(0)} µs`,
    }),
    makeRow({
      name: `6. ${n} queued replayed to acknowledged`,
      value: drain?.seconds ?? null,
      unit: 's',
      baseline: relayReplay.result.seconds,
      baselineName: `${SUBJECT_NAMES['sio-relay']}, socket.io-client, ${WINDOW} in flight (the core's window)`,
      checks: TARGETS.outboxReplaySeconds,
      baselineCpu: relayReplay.cpu,
      ...(cpu ? { cpu } : {}),
      note:
        failure ??
        `${drain!.left > 0 ? `${drain!.left} still queued at the end` : 'from connected to an empty outbox'}` +
          `; CPU a message: ${cpuPerMessage(cpu?.loadgen, drain!.seconds, outbox.replay)} core, ` +
          `${cpuPerMessage(cpu?.server, drain!.seconds, outbox.replay)} server${writesNote(writes)}`,
    }),
    makeRow({
      name: `6. floor: ${n} queued replayed to acknowledged, durable both ends`,
      value: floor.result.seconds,
      unit: 's',
      baseline: relayReplay.result.seconds,
      baselineName: `${SUBJECT_NAMES['sio-relay']}, socket.io-client, ${WINDOW} in flight (the core's window)`,
      checks: [],
      baselineCpu: relayReplay.cpu,
      cpu: floor.cpu,
      note:
        `socket.io-client with its queue in SQLite (WAL + synchronous=NORMAL), each row deleted on its ack ` +
        `(one transaction a turn), against the durable relay (synchronous=FULL, one commit a turn); ` +
        `${floor.result.left} rows left; CPU a message: ` +
        `${cpuPerMessage(floor.cpu.loadgen, floor.result.seconds, outbox.replay)} client, ` +
        `${cpuPerMessage(floor.cpu.server, floor.result.seconds, outbox.replay)} server`,
    }),
    makeRow({
      name: '6. replay exactly once: lost + duplicated',
      value: defect,
      unit: 'messages',
      checks: TARGETS.outboxDefects,
      note:
        failure ??
        `server holds ${stats!.messages} messages (${stats!.distinctClientMessageIds} distinct clientMessageIds) for ${enqueue!.queued} queued`,
    }),
  ];
}

/** The restarted server's writes since its start: the replay's (channelStats, after it, only reads). */
type WriteCounts = { inline: number; thread: number; batches: number; checkpoints: number };

function writesNote(writes: WriteCounts | undefined): string {
  if (!writes) return '';
  const { inline, thread, batches, checkpoints } = writes;
  return (
    `; server writes: ${thread} in ${batches} transactions on the writer thread (one WAL sync each), ` +
    `${inline} inline, ${checkpoints} checkpoints`
  );
}

/** µs of CPU a message from a percent-of-one-core share over `seconds`. */
function cpuPerMessage(percent: number | null | undefined, seconds: number | null, count: number): string {
  if (percent == null || seconds === null) return '–';
  return `${Math.round(((percent / 100) * seconds * 1e6) / count)} µs`;
}
