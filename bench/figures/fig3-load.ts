/**
 * Figure 3: send → receive under load. `clients` sockets (one user each, in channels of `channelSize`)
 * stay connected while an open-loop schedule sends `rate` messages a second from random clients; every
 * delivery's latency is taken from its message's intended send time (coordinated-omission corrected).
 */

import type { CpuShare } from '../lib/result';
import { makeRow, type Row } from '../lib/result';
import type { LatencySummary } from '../lib/stats';
import { groupsOf, type Identities } from '../servers/topology';
import { type Bench, provision, SUBJECT_NAMES, type SubjectKind, withCpu } from './context';

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
  insert?: LatencySummary;
}

async function measure(bench: Bench, kind: SubjectKind): Promise<Measured> {
  const { load } = bench.options.scale;
  const subject = await bench.subject(kind);
  const loadgen = await bench.loadgen();
  try {
    const topology = groupsOf(load.clients, load.channelSize);
    const identities: Identities = await provision(subject, topology);
    const connected = await loadgen.call<{ connected: number; failed: number; firstError?: string }>(
      'connect',
      {
        url: subject.url,
        identities: identities.users,
        count: load.clients,
        concurrency: 64,
        reconnect: false,
        timeoutMs: 120_000,
      },
      180_000,
    );
    if (connected.connected < load.clients) {
      throw new Error(`only ${connected.connected} of ${load.clients} connected: ${connected.firstError}`);
    }
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
    return { ...measured, insert: await subject.child.call<LatencySummary>('insertStats') };
  } finally {
    await loadgen.stop();
    await subject.child.stop();
  }
}

export async function figure3(bench: Bench): Promise<Row[]> {
  const { load } = bench.options.scale;
  const scale = `${load.clients.toLocaleString('en-US')} clients, ${load.rate.toLocaleString('en-US')} msg/s`;
  bench.log(
    `figure 3: under load (${scale}, channels of ${load.channelSize}, ${load.seconds} s) on bare relay, real server`,
  );
  const relay = await measure(bench, 'sio-relay');
  let real: Measured | null = null;
  let note: string | undefined;
  try {
    real = await measure(bench, 'real');
    const r = real.result;
    note =
      `${r.deliveries.toLocaleString('en-US')} deliveries measured` +
      (r.undelivered > 0
        ? `, ${r.undelivered.toLocaleString('en-US')} NOT DELIVERED 5 s after the last send (counted at the time waited)`
        : ', none missing') +
      (r.lateSends > 0 ? `; load generator ran >5 ms late on ${r.lateSends} sends` : '') +
      `; load generator's event-loop delay p99 ${r.loopDelayP99.toFixed(1)} ms, max ${r.loopDelayMax.toFixed(1)} ms ` +
      `(relay run: p99 ${relay.result.loopDelayP99.toFixed(1)} ms)` +
      `; max ${r.max.toFixed(1)} ms` +
      (real.insert
        ? `; server's store.insertMessage wall time p50 ${real.insert.p50.toFixed(2)} ms, p99 ${real.insert.p99.toFixed(2)} ms`
        : '');
  } catch (error) {
    note = `not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  const common = {
    unit: 'ms',
    baselineName: SUBJECT_NAMES['sio-relay'],
    baselineCpu: relay.cpu,
    ...(real ? { cpu: real.cpu } : {}),
  };
  return [
    makeRow({
      name: `3. under load p99 (${scale})`,
      value: real?.result.p99 ?? null,
      baseline: relay.result.p99,
      checks: [{ op: '<=', limit: 5, of: 'value' }],
      ...common,
      ...(note ? { note } : {}),
    }),
    makeRow({
      name: `3. under load p99.9 (${scale})`,
      value: real?.result.p999 ?? null,
      baseline: relay.result.p999,
      checks: [{ op: '<=', limit: 20, of: 'value' }],
      ...common,
    }),
  ];
}
