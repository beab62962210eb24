/**
 * Figure 3: send → receive under load. `clients` sockets (one user each, in channels of `channelSize`)
 * stay connected while an open-loop schedule sends `rate` messages a second from random clients; every
 * delivery's latency is taken from its message's intended send time (coordinated-omission corrected).
 * Subjects, one after the other in the same run: the bare relay, the durable relay (one fsync'd insert
 * per message on its event loop), the disk's own fdatasync, the real server by default
 * (synchronous=FULL, group commit) and with SQLITE_SYNCHRONOUS=normal.
 */

import { TARGETS } from '../config';
import { measureFdatasync } from '../lib/disk';
import type { CpuShare } from '../lib/result';
import { makeRow, type Row, type RowInput } from '../lib/result';
import { type InsertStats, insertNote } from '../servers/timed-method';
import { groupsOf, type Identities } from '../servers/topology';
import {
  type Bench,
  connectAll,
  notMeasured,
  provision,
  SUBJECT_NAMES,
  type SubjectKind,
  underLoad,
  withCpu,
} from './context';

interface LoadResult {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  count: number;
  sent: number;
  expectedDeliveries: number;
  deliveries: number;
  undelivered: number;
  lateSends: number;
  loopDelayP99: number;
  loopDelayMax: number;
}

interface Measured {
  result: LoadResult;
  cpu: CpuShare;
  insert?: InsertStats;
}

async function measure(bench: Bench, kind: SubjectKind, synchronous?: 'normal'): Promise<Measured> {
  const { load } = bench.options.scale;
  return underLoad(bench, kind, synchronous ? { synchronous } : {}, async (subject, loadgen) => {
    const topology = groupsOf(load.clients, load.channelSize);
    const identities: Identities = await provision(subject, topology);
    await connectAll(loadgen, subject, identities.users, 120_000);
    const channelOf: string[] = [];
    const recipientsOf: Record<string, number> = {};
    topology.channels.forEach((members, c) => {
      const id = identities.channelIds[c]!;
      recipientsOf[id] = members.length - 1;
      for (const m of members) channelOf[m] = id;
    });
    const args = {
      channelOf,
      recipientsOf,
      rate: load.rate,
      warmupSeconds: load.warmupSeconds,
      seconds: load.seconds,
      drainMs: 5_000,
    };
    const timeout = (load.warmupSeconds + load.seconds) * 1000 + 60_000;
    const measured = await withCpu({ server: subject.child, loadgen }, () =>
      loadgen.call<LoadResult>('load', args, timeout),
    );
    if (kind !== 'real') return measured;
    return { ...measured, insert: await subject.child.call<InsertStats>('insertStats') };
  });
}

/** What a run of the real server says beside its p99: deliveries, losses, the load generator's lag. */
function runNote(real: Measured, relay: Measured): string {
  const r = real.result;
  return (
    `${r.deliveries.toLocaleString('en-US')} deliveries measured` +
    (r.undelivered > 0
      ? `, ${r.undelivered.toLocaleString('en-US')} NOT DELIVERED 5 s after the last send (counted at the time waited)`
      : ', none missing') +
    (r.lateSends > 0 ? `; load generator ran >5 ms late on ${r.lateSends} sends` : '') +
    `; load generator's event-loop delay p99 ${r.loopDelayP99.toFixed(1)} ms, max ${r.loopDelayMax.toFixed(1)} ms ` +
    `(bare relay run: p99 ${relay.result.loopDelayP99.toFixed(1)} ms)` +
    `; max ${r.max.toFixed(1)} ms` +
    insertNote(real.insert)
  );
}

async function measureReal(bench: Bench, synchronous?: 'normal'): Promise<Measured | string> {
  try {
    return await measure(bench, 'real', synchronous);
  } catch (error) {
    return notMeasured(error);
  }
}

export async function figure3(bench: Bench): Promise<Row[]> {
  const { load, disk } = bench.options.scale;
  const scale = `${load.clients.toLocaleString('en-US')} clients, ${load.rate.toLocaleString('en-US')} msg/s`;
  bench.log(
    `figure 3: under load (${scale}, channels of ${load.channelSize}, ${load.seconds} s) on bare relay, ` +
      'durable relay, real server (full, normal)',
  );
  const relay = await measure(bench, 'sio-relay');
  const durable = await measure(bench, 'durable-relay');
  // The disk's floor from this run, between the durable relay and the real server (nothing runs).
  const fsync = measureFdatasync(bench.workDir, disk.fdatasyncs);
  const real = await measureReal(bench);
  const normal = await measureReal(bench, 'normal');

  const row = (
    m: Measured | string,
    q: 'p99' | 'p999',
    what: string,
    against: Measured,
    baselineName: string,
    checks: RowInput['checks'],
    note?: string,
  ) =>
    makeRow({
      name: `3. under load ${what} ${q === 'p999' ? 'p99.9' : 'p99'} (${scale})`,
      value: typeof m === 'string' ? null : m.result[q],
      unit: 'ms',
      baseline: against.result[q],
      baselineName,
      baselineCpu: against.cpu,
      checks,
      ...(typeof m === 'string' ? { note: m } : { cpu: m.cpu, ...(note ? { note } : {}) }),
    });
  const durableName = SUBJECT_NAMES['durable-relay'];
  const bareName = SUBJECT_NAMES['sio-relay'];
  return [
    row(durable, 'p99', 'durable relay', relay, bareName, [], runNote(durable, relay)),
    makeRow({
      name: `3. disk floor: 4 KiB write + fdatasync p99 (${disk.fdatasyncs} rounds)`,
      value: fsync.p99,
      unit: 'ms',
      checks: [],
      note: `between the durable relay and the real server; p50 ${fsync.p50.toFixed(2)} ms, max ${fsync.max.toFixed(2)} ms`,
    }),
    row(
      real,
      'p99',
      'durable default',
      durable,
      durableName,
      TARGETS.loadDurableP99(fsync.p99),
      typeof real === 'string' ? undefined : runNote(real, relay),
    ),
    row(real, 'p999', 'durable default', durable, durableName, []),
    row(
      normal,
      'p99',
      'SQLITE_SYNCHRONOUS=normal',
      relay,
      bareName,
      TARGETS.loadNormalP99,
      typeof normal === 'string' ? undefined : runNote(normal, relay),
    ),
    row(normal, 'p999', 'SQLITE_SYNCHRONOUS=normal', relay, bareName, TARGETS.loadNormalP999),
  ];
}
