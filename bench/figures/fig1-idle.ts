/** Figure 1: send → receive, idle, client A → server → client B, beside the bare relay and raw ws. */

import type { CpuShare } from '../lib/result';
import { makeRow, type Row } from '../lib/result';
import type { LatencySummary } from '../lib/stats';
import { type Bench, provision, SUBJECT_NAMES, type SubjectKind, withCpu } from './context';

interface Measured {
  summary: LatencySummary & { lost: number };
  cpu: CpuShare;
  /** Real server only: wall time of its store's insertMessage over the same messages. */
  insert?: LatencySummary;
}

async function measure(bench: Bench, kind: SubjectKind): Promise<Measured> {
  const { idle } = bench.options.scale;
  const subject = await bench.subject(kind);
  const loadgen = await bench.loadgen();
  try {
    const args = { warmup: idle.warmup, count: idle.count, gapMs: idle.gapMs, timeoutMs: 120_000 };
    if (kind === 'ws-echo') {
      const { result, cpu } = await withCpu({ server: subject.child, loadgen }, () =>
        loadgen.call<Measured['summary']>('idle', { ...args, mode: 'ws', url: subject.url }),
      );
      return { summary: result, cpu };
    }
    const identities = await provision(subject, { users: 2, channels: [[0, 1]] });
    await loadgen.call('connect', {
      url: subject.url,
      identities: identities.users,
      count: 2,
      concurrency: 2,
      reconnect: false,
      timeoutMs: 10_000,
    });
    const { result, cpu } = await withCpu({ server: subject.child, loadgen }, () =>
      loadgen.call<Measured['summary']>('idle', {
        ...args,
        mode: 'sio',
        channelId: identities.channelIds[0],
      }),
    );
    if (kind !== 'real') return { summary: result, cpu };
    return { summary: result, cpu, insert: await subject.child.call<LatencySummary>('insertStats') };
  } finally {
    await loadgen.stop();
    await subject.child.stop();
  }
}

export async function figure1(bench: Bench): Promise<Row[]> {
  const n = bench.options.scale.idle.count;
  bench.log(`figure 1: idle send→receive, ${n} messages each on raw ws, bare relay, real server`);
  const wire = await measure(bench, 'ws-echo');
  const relay = await measure(bench, 'sio-relay');
  const rows: Row[] = [
    makeRow({
      name: '1. idle wire reference: raw ws echo p50',
      value: wire.summary.p50,
      unit: 'ms',
      checks: [],
      cpu: wire.cpu,
      note: `raw ws round trip A→echo→A (same two hops as A→server→B); p99 ${wire.summary.p99.toFixed(3)} ms`,
    }),
  ];
  const base = { baselineName: SUBJECT_NAMES['sio-relay'], baselineCpu: relay.cpu };
  let real: Measured | null = null;
  let missing: string | undefined;
  try {
    real = await measure(bench, 'real');
  } catch (error) {
    missing = `not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  const lost = real && real.summary.lost > 0 ? `; ${real.summary.lost} messages LOST` : '';
  const insert = real?.insert
    ? `server's store.insertMessage wall time p50 ${real.insert.p50.toFixed(2)} ms, p99 ${real.insert.p99.toFixed(2)} ms`
    : undefined;
  rows.push(
    makeRow({
      name: `1. idle send→receive p50 (${n} msgs)`,
      value: real?.summary.p50 ?? null,
      unit: 'ms',
      baseline: relay.summary.p50,
      checks: [{ op: '<=', limit: 2, of: 'ratio' }],
      ...base,
      ...(real ? { cpu: real.cpu } : {}),
      ...(missing || insert ? { note: missing ?? `${insert}${lost}` } : {}),
    }),
    makeRow({
      name: `1. idle send→receive p99 (${n} msgs)`,
      value: real?.summary.p99 ?? null,
      unit: 'ms',
      baseline: relay.summary.p99,
      checks: [{ op: '<=', limit: 1, of: 'value' }],
      ...base,
      ...(real ? { cpu: real.cpu } : {}),
      ...(missing
        ? { note: missing }
        : {
            note: `bare relay p99 ${relay.summary.p99.toFixed(2)} ms; raw ws p99 ${wire.summary.p99.toFixed(2)} ms`,
          }),
    }),
  );
  return rows;
}
