/**
 * Figure 8: edit → seen beside send → receive, idle, on the real server, in the same run, the same two
 * sockets and the same pacing (the edits' pace keeps under the allowance of changes, 100 in 10 s per
 * connection, so the sends get it too). Bound: an edit costs at most twice a send (it is a send's
 * write plus one read of the message and the replay check).
 */

import { makeRow, type Row } from '../lib/result';
import type { LatencySummary } from '../lib/stats';
import { type Bench, connectPair, underLoad, withCpu } from './context';

export async function figure8(bench: Bench): Promise<Row[]> {
  const { changes } = bench.options.scale;
  bench.log(`figure 8: idle edit→seen beside send→receive, ${changes.count} each, ${changes.gapMs} ms apart`);
  return underLoad(bench, 'real', {}, async (subject, loadgen) => {
    const identities = await connectPair(subject, loadgen);
    const args = { ...changes, channelId: identities.channelIds[0], timeoutMs: 600_000 };
    const send = await withCpu({ server: subject.child, loadgen }, () =>
      loadgen.call<LatencySummary & { lost: number }>('idle', { ...args, mode: 'sio' }, 600_000),
    );
    const edit = await withCpu({ server: subject.child, loadgen }, () =>
      loadgen.call<LatencySummary & { lost: number; refused: number }>('edit', args, 600_000),
    );
    const problems = [
      edit.result.lost > 0 ? `${edit.result.lost} edits never seen` : '',
      edit.result.refused > 0 ? `${edit.result.refused} edits refused` : '',
    ].filter(Boolean);
    const base = { baselineName: 'send→receive, same run', baselineCpu: send.cpu, cpu: edit.cpu };
    return (['p50', 'p99'] as const).map((q) =>
      makeRow({
        name: `8. idle edit→seen ${q} (${changes.count} edits)`,
        value: edit.result[q],
        unit: 'ms',
        baseline: send.result[q],
        checks: [{ op: '<=', limit: 2, of: 'ratio' }],
        ...base,
        note: problems.length > 0 ? problems.join('; ') : `send→receive ${q} ${send.result[q].toFixed(2)} ms`,
      }),
    );
  });
}
