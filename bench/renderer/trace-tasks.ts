/**
 * `npx tsx bench/renderer/trace-tasks.ts TRACE [PROFILE] [--top N] [--after MS]`: the renderer's
 * main-thread tasks of a Chromium trace (figure 13's RELAY_RENDERER_TRACE), as a distribution (tasks over
 * 16 / 30 / 50 / 100 ms of wall, and of CPU), the same by kind (a bridge message `ws`, React's scheduler
 * `port`, a frame, a timer), and the N longest with what ran inside each (trace events by CPU). `--after`
 * counts only tasks from MS after the trace's first task. With PROFILE (the same run's `--cpu-prof`
 * renderer profile, same clock; not for timing: starting the profiler is itself a 100 ms task), each long
 * task's JS by self time.
 */
import { readFileSync } from 'node:fs';
import { describeTask, type TraceEvent } from './page-tools';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) by function of the profile's samples inside [from, to] (µs, the trace's clock). */
function jsIn(profile: Profile, from: number, to: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (t < from || t > to) continue;
    const f = byId.get(profile.samples[i]!)?.callFrame;
    if (!f) continue;
    const name = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(name, (self.get(name) ?? 0) + dt);
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([n, us]) => `${n} ${(us / 1000).toFixed(1)}`)
    .join(' | ');
}

/** What a task is by the first marker event inside it. */
const KINDS: Record<string, string> = {
  WebSocketReceive: 'ws',
  'MessagePort::Accept': 'port',
  'WebFrameWidgetImpl::BeginMainFrame': 'frame',
  TimerFire: 'timer',
  FireIdleCallback: 'idle',
};

function takeOption(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
}

function main() {
  const args = process.argv.slice(2);
  const top = takeOption(args, '--top', 8);
  const after = takeOption(args, '--after', 0) * 1000;
  const [traceFile, profileFile] = args;
  const raw = JSON.parse(readFileSync(traceFile!, 'utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(raw) ? raw : raw.traceEvents;
  // The renderer's main thread: the one that ran the most script.
  const count = new Map<string, number>();
  for (const e of events)
    if (e.name === 'FunctionCall' || e.name === 'EventDispatch' || e.name === 'v8.callFunction')
      count.set(`${e.pid}:${e.tid}`, (count.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = [...count].sort((a, b) => b[1] - a[1])[0]?.[0];
  const thread = events.filter((e) => `${e.pid}:${e.tid}` === main).sort((a, b) => a.ts - b.ts);
  // Complete events (with a duration); the markers of a task's kind are instant ones among the rest.
  const mine = thread.filter((e) => e.ph === 'X');
  const all = mine.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
  const origin = Math.min(...all.map((t) => t.ts));
  const tasks = all.filter((t) => t.ts - origin >= after);
  const over = (ms: number, of: 'dur' | 'tdur') => tasks.filter((t) => (t[of] ?? 0) > ms * 1000).length;
  const span = (Math.max(...tasks.map((t) => t.ts)) - origin - after) / 1e6;
  console.log(`${tasks.length} tasks over ${span.toFixed(1)} s`);
  for (const of of ['dur', 'tdur'] as const)
    console.log(
      `  ${of === 'dur' ? 'wall' : 'cpu '}: over 16 ms ${over(16, of)}, 30 ms ${over(30, of)}, 50 ms ${over(50, of)}, 100 ms ${over(100, of)}`,
    );
  const byKind = new Map<string, TraceEvent[]>();
  for (const t of tasks) {
    const end = t.ts + (t.dur ?? 0);
    const marker = thread.find((e) => e.ts >= t.ts && e.ts <= end && KINDS[e.name] !== undefined);
    const kind = marker ? KINDS[marker.name]! : 'other';
    byKind.set(kind, [...(byKind.get(kind) ?? []), t]);
  }
  for (const [kind, list] of byKind) {
    const max = (of: 'dur' | 'tdur') => Math.max(...list.map((t) => t[of] ?? 0)) / 1000;
    const cpu = list.reduce((sum, t) => sum + (t.tdur ?? 0), 0) / 1000;
    const over50 = list.filter((t) => (t.dur ?? 0) > 50_000).length;
    console.log(
      `  ${kind.padEnd(6)} ${String(list.length).padStart(5)} tasks, longest wall ${max('dur').toFixed(1)} / cpu ${max('tdur').toFixed(1)} ms, over 50 ms ${over50}, cpu ${cpu.toFixed(0)} ms`,
    );
  }
  const longest = [...tasks].sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0)).slice(0, top);
  const profile = profileFile ? (JSON.parse(readFileSync(profileFile, 'utf8')) as Profile) : null;
  for (const t of longest) {
    console.log(describeTask(t, mine, origin, 1000));
    if (profile) console.log(`      js: ${jsIn(profile, t.ts, t.ts + (t.dur ?? 0))}`);
  }
}
main();
