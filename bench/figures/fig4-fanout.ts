/** Figure 4: fan-out to one channel of `members` members (one socket each; one of them sends). */

import type { CpuShare } from '../lib/result';
import { makeRow, type Row } from '../lib/result';
import type { LatencySummary } from '../lib/stats';
import {
  againstRelay,
  type Bench,
  connectAll,
  notMeasured,
  provision,
  type SubjectKind,
  underLoad,
  withCpu,
} from './context';

interface FanoutResult {
  recipients: number;
  deliveries: number;
  expectedDeliveries: number;
  deliveriesPerSecond: number;
  lastRecipient: LatencySummary;
}

async function measure(bench: Bench, kind: SubjectKind): Promise<{ result: FanoutResult; cpu: CpuShare }> {
  const { fanout } = bench.options.scale;
  return underLoad(bench, kind, {}, async (subject, loadgen) => {
    const members = Array.from({ length: fanout.members }, (_, i) => i);
    const identities = await provision(subject, { users: fanout.members, channels: [members] });
    await connectAll(loadgen, subject, identities.users, 60_000);
    const args = { ...fanout, channelId: identities.channelIds[0], timeoutMs: 120_000 };
    return await withCpu({ server: subject.child, loadgen }, () =>
      loadgen.call<FanoutResult>('fanout', args, 150_000),
    );
  });
}

export async function figure4(bench: Bench): Promise<Row[]> {
  const { fanout } = bench.options.scale;
  const scale = `${fanout.members.toLocaleString('en-US')} members`;
  bench.log(
    `figure 4: fan-out to ${scale}, ${fanout.burst} messages (window ${fanout.window}) + ${fanout.paced} paced`,
  );
  const relay = await measure(bench, 'sio-relay');
  let real: Awaited<ReturnType<typeof measure>> | null = null;
  let note: string | undefined;
  try {
    real = await measure(bench, 'real');
    const lost = real.result.expectedDeliveries - real.result.deliveries;
    note =
      lost > 0
        ? `${lost} deliveries LOST`
        : `${real.result.deliveries.toLocaleString('en-US')} deliveries, none lost`;
  } catch (error) {
    note = notMeasured(error);
  }
  const common = againstRelay(relay, real);
  return [
    makeRow({
      name: `4. fan-out deliveries/s (${scale})`,
      value: real?.result.deliveriesPerSecond ?? null,
      unit: 'deliveries/s',
      baseline: relay.result.deliveriesPerSecond,
      checks: [
        { op: '>=', limit: 100_000, of: 'value' },
        { op: '>=', limit: 0.8, of: 'ratio' },
      ],
      ...common,
      ...(note ? { note } : {}),
    }),
    makeRow({
      name: `4. fan-out emit→last recipient p99 (${scale})`,
      value: real?.result.lastRecipient.p99 ?? null,
      unit: 'ms',
      baseline: relay.result.lastRecipient.p99,
      checks: [],
      ...common,
      note:
        `one message in flight, ${fanout.paced} messages; p50 ${real ? real.result.lastRecipient.p50.toFixed(1) : '–'} ms ` +
        `(relay ${relay.result.lastRecipient.p50.toFixed(1)} ms); reported, no target in the issue`,
    }),
  ];
}
