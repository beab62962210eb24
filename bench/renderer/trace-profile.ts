/**
 * V8's CPU profile as Chromium's tracing records it (category `disabled-by-default-v8.cpu_profiler`:
 * one `Profile` event per thread, then `ProfileChunk`s of new nodes and samples), rebuilt as a
 * `.cpuprofile` for one thread and a window of trace time. Lets the loads with no DevTools client
 * (trace-no-devtools.ts) be profiled without attaching one.
 */
import type { CpuProfile } from '../lib/profile';
import type { TraceEvent } from './page-tools';

type ProfileNode = CpuProfile['nodes'][number] & { parent?: number };
type ChunkData = {
  cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] };
  timeDeltas?: number[];
};
type ProfileEvent = TraceEvent & { id?: string; args?: { data?: ChunkData & { startTime?: number } } };

/** The profile of `tid` in `pid` between `fromTs` and `toTs` (trace µs), with `(idle)` left as it is. */
export function profileFromTrace(
  events: TraceEvent[],
  pid: number,
  tid: number,
  fromTs: number,
  toTs: number,
): CpuProfile & { startTime: number; endTime: number } {
  const all = events as ProfileEvent[];
  const profile = all.find((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid);
  if (!profile) throw new Error('no V8 profile for that thread in the trace');
  const nodes = new Map<number, ProfileNode>();
  const samples: number[] = [];
  const times: number[] = [];
  let at = profile.args?.data?.startTime ?? profile.ts;
  for (const e of all) {
    if (e.name !== 'ProfileChunk' || e.pid !== pid || e.id !== profile.id) continue;
    const data = e.args?.data ?? {};
    for (const node of data.cpuProfile?.nodes ?? []) {
      // The trace leaves out what a .cpuprofile always has (a url, a line) when it is unknown.
      const { url = '', lineNumber = -1, ...frame } = node.callFrame;
      nodes.set(node.id, { ...node, callFrame: { ...frame, url, lineNumber }, children: [] });
    }
    const deltas = data.timeDeltas ?? [];
    (data.cpuProfile?.samples ?? []).forEach((sample, i) => {
      at += deltas[i] ?? 0;
      samples.push(sample);
      times.push(at);
    });
  }
  for (const node of nodes.values()) {
    if (node.parent !== undefined) nodes.get(node.parent)?.children?.push(node.id);
  }
  const kept: number[] = [];
  const deltas: number[] = [];
  let previous = fromTs;
  samples.forEach((sample, i) => {
    const ts = times[i]!;
    if (ts < fromTs || ts > toTs) return;
    kept.push(sample);
    deltas.push(ts - previous);
    previous = ts;
  });
  return {
    nodes: [...nodes.values()].map(({ parent: _parent, ...node }) => node),
    samples: kept,
    timeDeltas: deltas,
    startTime: fromTs,
    endTime: toTs,
  };
}
