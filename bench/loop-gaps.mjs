/**
 * `node bench/loop-gaps.mjs PROFILE.cpuprofile GAPS.json [TOP] [SAMPLES]`: which turns of the app's event loop
 * were long, and what ran in them. GAPS.json is what `RELAY_LOOP_GAPS=FILE nice npm run bench -- --only
 * 13 --cpu-prof DIR` writes (bench/app/app-host.ts: each gap of 15 ms or more between two firings of a
 * 1 ms timer, in µs of the clock the profile's timestamps use); PROFILE is the app's main-thread
 * profile in DIR/app-host (the largest). For each gap: its length, of it the ms the main thread was on
 * a core and waiting for one (Linux), the profile's samples inside it, and the heaviest frames of the
 * app's own code, socket.io, SQLite, zod, undici and the GC, inclusive. With SAMPLES (the loop row's
 * "N samples"), first which gap the histogram's p99 falls on (its top 1 %) ranked three ways: by wall,
 * by the time on a core in it, by the wait for a core: what the p99 would read if only the app's own
 * turns counted, against what the scheduler adds.
 */
import { readFileSync } from 'node:fs';

const [file, gapsFile, kArg, samplesArg] = process.argv.slice(2);
const K = Number(kArg ?? 8);
const p = JSON.parse(readFileSync(file, 'utf8'));
const gaps = JSON.parse(readFileSync(gapsFile, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n) =>
  `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
const stack = (id) => {
  const s = [];
  let x = id;
  while (x !== undefined) {
    s.push(byId.get(x));
    x = parent.get(x);
  }
  return s.reverse().slice(1);
};
let t = p.startTime;
const samples = [];
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i];
  samples.push({ t, id: p.samples[i] });
}
for (let i = 0; i < samples.length; i++)
  samples[i].dt = (i + 1 < samples.length ? samples[i + 1].t : samples[i].t) - samples[i].t;
const interesting = (n) =>
  /src-main|src-shared|better-sqlite|socket\.io|engine\.io|zod|undici|\bws\/|node:zlib|web\//.test(
    n.callFrame.url,
  ) || ['(garbage collector)', '(program)', '(idle)'].includes(n.callFrame.functionName);
if (samplesArg) {
  const k = Math.ceil(Number(samplesArg.replace(/,/g, '')) * 0.01);
  const ranked = (f) => gaps.map(f).sort((a, b) => b - a)[k - 1];
  const at = (v) => (v === undefined ? 'under 15 ms (no gap that long)' : `${v.toFixed(1)} ms`);
  console.log(
    `the histogram's top 1 % = ${k} samples; the ${k}th longest gap: by wall ${at(ranked(([a, b]) => (b - a) / 1000))}, ` +
      `by time on a core ${at(ranked((g) => g[2]))}, by wait for a core ${at(ranked((g) => g[3]))}`,
  );
}
console.log(
  `${gaps.length} gaps; first gap at ${((gaps[0]?.[0] - p.startTime) / 1000).toFixed(0)} ms of the profile`,
);
for (const [from, to, ran, waited] of gaps) {
  const inside = samples.filter((s) => s.t >= from && s.t < to);
  const incl = new Map();
  const self = new Map();
  for (const s of inside) {
    const st = stack(s.id);
    const seen = new Set();
    const lk = name(st[st.length - 1]);
    self.set(lk, (self.get(lk) ?? 0) + s.dt);
    for (const n of st) {
      if (!interesting(n)) continue;
      const k = name(n);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + s.dt);
    }
  }
  const top = (m, k) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([n, v]) => `${(v / 1000).toFixed(0)} ${n}`)
      .join(' | ');
  console.log(
    `@${((from - p.startTime) / 1000).toFixed(0)} gap ${((to - from) / 1000).toFixed(1)} ms` +
      (ran >= 0 ? ` (on a core ${ran} ms, waiting for one ${waited} ms)` : '') +
      `, ${inside.length} samples\n   INCL ${top(incl, K)}\n   SELF ${top(self, 5)}`,
  );
}
