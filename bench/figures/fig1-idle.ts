/**
 * Figure 1: send → receive, idle, client A → server → client B. Beside, in the same run: a raw ws echo
 * (the wire), the bare relay, the durable relay (the bare relay + one SQLite insert with the server's
 * pragmas) and the disk's own 4 KiB fdatasync (the floor of any durable ack); the real server runs with
 * its default (synchronous=FULL) and with SQLITE_SYNCHRONOUS=normal. Floor rows without a target show
 * what the real server's design costs beyond the durable relay: the same relay committing on a writer
 * thread (the hop), both relays with NORMAL pragmas, and the relay storing through the server's own store
 * (the floors of the `normal` row).
 */

import { TARGETS } from '../config';
import { floorNote, measureFdatasync } from '../lib/disk';
import type { CpuShare } from '../lib/result';
import { makeRow, type Row, type RowInput } from '../lib/result';
import type { LatencySummary } from '../lib/stats';
import { type InsertStats, insertNote } from '../servers/timed-method';
import {
  type Bench,
  connectPair,
  SUBJECT_NAMES,
  type SubjectKind,
  subjectAndLoadgen,
  withCpu,
} from './context';

interface Measured {
  summary: LatencySummary & { lost: number };
  cpu: CpuShare;
  /** Real server only: wall time of its store's insertMessage over the same messages. */
  insert?: InsertStats;
}

async function measure(
  bench: Bench,
  kind: SubjectKind,
  synchronous?: 'normal',
  env?: NodeJS.ProcessEnv,
): Promise<Measured> {
  const { idle } = bench.options.scale;
  const [subject, loadgen] = await subjectAndLoadgen(bench, kind, {
    ...(synchronous ? { synchronous } : {}),
    ...(env ? { env } : {}),
  });
  try {
    const args = { warmup: idle.warmup, count: idle.count, gapMs: idle.gapMs, timeoutMs: 120_000 };
    if (kind === 'ws-echo') {
      const { result, cpu } = await withCpu({ server: subject.child, loadgen }, () =>
        loadgen.call<Measured['summary']>('idle', { ...args, mode: 'ws', url: subject.url }),
      );
      return { summary: result, cpu };
    }
    const identities = await connectPair(subject, loadgen);
    const { result, cpu } = await withCpu({ server: subject.child, loadgen }, () =>
      loadgen.call<Measured['summary']>('idle', {
        ...args,
        mode: 'sio',
        channelId: identities.channelIds[0],
      }),
    );
    if (kind !== 'real') return { summary: result, cpu };
    return { summary: result, cpu, insert: await subject.child.call<InsertStats>('insertStats') };
  } finally {
    await loadgen.stop();
    await subject.child.stop();
  }
}

/** The real server, or why it could not be measured. */
async function measureReal(bench: Bench, synchronous?: 'normal'): Promise<Measured | string> {
  try {
    return await measure(bench, 'real', synchronous);
  } catch (error) {
    return `not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
}

function lostNote(m: Measured): string {
  return m.summary.lost > 0 ? `; ${m.summary.lost} messages LOST` : '';
}

export async function figure1(bench: Bench): Promise<Row[]> {
  const { idle, disk } = bench.options.scale;
  const n = idle.count;
  bench.log(
    `figure 1: idle send→receive, ${n} messages each on raw ws, bare relay, durable relay, real server ` +
      `(full, normal); ${disk.fdatasyncs} fdatasyncs`,
  );
  const wire = await measure(bench, 'ws-echo');
  const relay = await measure(bench, 'sio-relay');
  // The disk's floor, right before the durable subjects: no subject is running meanwhile.
  const fsync = measureFdatasync(bench.workDir, disk.fdatasyncs);
  const durable = await measure(bench, 'durable-relay');
  // The same relay with its insert on a worker thread: what the real server's writer hop costs here.
  const onThread = { DURABLE_RELAY_THREAD: '1' };
  const threaded = await measure(bench, 'durable-relay', undefined, onThread);
  // The floors of the `normal` row: the same two relays with the server's NORMAL pragmas.
  const durableNormal = await measure(bench, 'durable-relay', 'normal');
  const threadedNormal = await measure(bench, 'durable-relay', 'normal', onThread);
  // The `normal` row's storage alone: the relay storing each message through the server's own store.
  const storeNormal = await measure(bench, 'durable-relay', 'normal', { DURABLE_RELAY_STORE: 'server' });
  const real = await measureReal(bench);
  const normal = await measureReal(bench, 'normal');

  const bare = { baselineName: SUBJECT_NAMES['sio-relay'], baselineCpu: relay.cpu };
  const overDurable = { baselineName: SUBJECT_NAMES['durable-relay'], baselineCpu: durable.cpu };
  const floor = (value: number | null, q: 'p50' | 'p99') => floorNote(value, fsync[q], q);
  const insert = (m: Measured) => insertNote(m.insert);
  const realRow = (
    m: Measured | string,
    q: 'p50' | 'p99',
    what: string,
    rest: Pick<RowInput, 'baseline' | 'checks' | 'baselineName' | 'baselineCpu' | 'note'>,
  ) =>
    makeRow({
      name: `1. idle send→receive ${what} ${q} (${n} msgs)`,
      value: typeof m === 'string' ? null : m.summary[q],
      unit: 'ms',
      ...(typeof m === 'string' ? {} : { cpu: m.cpu }),
      ...rest,
    });
  /** Informational rows: a relay that shows one part of the real server's floor, over the relay without it. */
  const floorRows = (
    what: string,
    m: Measured,
    over: Measured,
    base: Pick<RowInput, 'baselineName' | 'baselineCpu'>,
    note = (_q: 'p50' | 'p99') => "a floor of the real server's design, not a target",
  ) =>
    (['p50', 'p99'] as const).map((q) =>
      makeRow({
        name: `1. idle ${what} ${q} (${n} msgs)`,
        value: m.summary[q],
        unit: 'ms',
        baseline: over.summary[q],
        checks: [],
        ...base,
        cpu: m.cpu,
        note: `${note(q)}${lostNote(m)}`,
      }),
    );
  const realNote = (m: Measured | string, q: 'p50' | 'p99') =>
    typeof m === 'string' ? { note: m } : { note: `${floor(m.summary[q], q)}${insert(m)}${lostNote(m)}` };

  return [
    makeRow({
      name: '1. idle wire reference: raw ws echo p50',
      value: wire.summary.p50,
      unit: 'ms',
      checks: [],
      cpu: wire.cpu,
      note: `raw ws round trip A→echo→A (same two hops as A→server→B); p99 ${wire.summary.p99.toFixed(3)} ms`,
    }),
    ...(['p50', 'p99'] as const).map((q) =>
      makeRow({
        name: `1. disk floor: 4 KiB write + fdatasync ${q} (${disk.fdatasyncs} rounds)`,
        value: fsync[q],
        unit: 'ms',
        checks: [],
        note: `in this run's temp folder, just before the durable relay; max ${fsync.max.toFixed(2)} ms`,
      }),
    ),
    ...floorRows(
      'durable relay',
      durable,
      relay,
      bare,
      (q) => `${floor(durable.summary[q], q)}; one fsync'd insert per message on the event loop`,
    ),
    ...floorRows('durable relay committing on a writer thread', threaded, durable, overDurable),
    ...floorRows('durable relay with SQLITE_SYNCHRONOUS=normal', durableNormal, relay, bare),
    ...floorRows(
      'durable relay with SQLITE_SYNCHRONOUS=normal committing on a writer thread',
      threadedNormal,
      durableNormal,
      {
        baselineName: `${SUBJECT_NAMES['durable-relay']}, SQLITE_SYNCHRONOUS=normal`,
        baselineCpu: durableNormal.cpu,
      },
    ),
    // Over the bare relay, as the `normal` row's target is: what the server's storage alone leaves of it.
    ...floorRows(
      "durable relay storing through the real server's store, SQLITE_SYNCHRONOUS=normal",
      storeNormal,
      relay,
      bare,
      (q) =>
        "the real server's store alone (its schema, its one transaction a message, its writer) behind the " +
        `bare relay: the floor of the \`normal\` row's storage; ` +
        `${(storeNormal.summary[q] / durableNormal.summary[q]).toFixed(2)}× the durable relay at normal`,
    ),
    realRow(real, 'p50', 'durable default', {
      baseline: durable.summary.p50,
      checks: TARGETS.idleDurableP50,
      ...overDurable,
      ...realNote(real, 'p50'),
    }),
    realRow(real, 'p99', 'durable default', {
      baseline: durable.summary.p99,
      checks: TARGETS.idleDurableP99,
      ...overDurable,
      ...realNote(real, 'p99'),
    }),
    realRow(normal, 'p50', 'SQLITE_SYNCHRONOUS=normal', {
      baseline: relay.summary.p50,
      checks: TARGETS.idleNormalP50,
      ...bare,
      ...(typeof normal === 'string'
        ? { note: normal }
        : {
            note:
              `p99 ${normal.summary.p99.toFixed(2)} ms (bare relay ${relay.summary.p99.toFixed(2)} ms, ` +
              `raw ws ${wire.summary.p99.toFixed(2)} ms)${insert(normal)}${lostNote(normal)}`,
          }),
    }),
  ];
}
