/**
 * `npx tsx bench/renderer/trace-no-devtools.ts DIR [--loads N]`: figure 7's cold load with no DevTools
 * client (no-devtools.ts), under Chromium's own startup trace (`--trace-startup`, written by the browser
 * itself, no CDP). Prints the measured page's main-thread CPU from navigation to the shell mark, by
 * trace event, and its heaviest tasks: where the floor goes when nothing re-parses for DevTools.
 * PROFILE=OUT.cpuprofile also records V8's sampler in the trace (no CDP either) and writes the page's
 * JS profile from navigation to the mark, one file per load (OUT-N.cpuprofile with --loads).
 * `--relaunch`: the loads share one profile, after figure 7's warm launches (its relaunch row; `--warm N`
 * unmeasured launches instead);
 * `--chromium-arg=--switch` passes a switch to every launch (e.g. `--v8-cache-options=none`).
 * STACKS=1 also lists, under each task over 8 ms of CPU, its style recalcs and layouts with the script
 * that forced each (function:line; build the renderer with `--minify false` to read them).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serveStatic } from '../figures/fig7-renderer';
import {
  loadWithoutDevtools,
  NO_DEVTOOLS_QUERY,
  PaintReports,
  WARM_LAUNCHES,
  warmProfile,
} from './no-devtools';
import {
  describeTask,
  mainThreadEvents,
  pageMainThread,
  STACK_CATEGORY,
  styleAndLayoutIn,
  type TraceEvent,
  takeLoads,
} from './page-tools';
import { profileFromTrace } from './trace-profile';

const TRACE_S = 12;

/** The events of the entry script's compile (assets/index-*.js) and V8's code cache for it, as they happened. */
const COMPILE_EVENTS = /RunScriptStreamingTask|v8\.compile|v8\.produce.*Cache|v8\.consume.*Cache|CodeCache/;

/**
 * What compiled the page's entry script: on a worker while it streamed, or from V8's code cache (the
 * events' `data` says `streamed`, `producedCacheSize`, `consumedCacheSize`, `cacheRejected`).
 */
function entryCompile(events: TraceEvent[], nav: TraceEvent): string {
  const parts = events
    .filter(
      (e) =>
        e.pid === nav.pid &&
        COMPILE_EVENTS.test(e.name) &&
        /\/assets\/index-[^/]*\.js/.test(
          e.args?.data?.url ?? (e.args as { url?: string } | undefined)?.url ?? '',
        ),
    )
    .map((e) => {
      const {
        url: _url,
        columnNumber: _c,
        lineNumber: _l,
        scriptId: _s,
        ...data
      } = (e.args?.data ?? {}) as Record<string, unknown>;
      const at = ((e.ts - nav.ts) / 1000).toFixed(0);
      return `${e.name} @${at} (${((e.tdur ?? 0) / 1000).toFixed(1)} ms CPU) ${JSON.stringify(data)}`;
    });
  return parts.join('; ') || 'no compile events for assets/index-*.js';
}

async function main() {
  const args = process.argv.slice(2);
  const loads = takeLoads(args, 1);
  // --chromium-arg=--some-switch: passed on to Chromium (e.g. --v8-cache-options=none).
  const extraArgs = args.filter((a) => a.startsWith('--chromium-arg=')).map((a) => a.slice(15));
  const reports = new PaintReports();
  const server = await serveStatic(path.resolve(args[0]!), reports);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/?${NO_DEVTOOLS_QUERY}`;
  // --relaunch: every traced load on one kept profile, after figure 7's unmeasured warm launches.
  const profile = args.includes('--relaunch')
    ? await mkdtemp(path.join(tmpdir(), 'relay-trace-kept-'))
    : undefined;
  if (profile) {
    const at = args.indexOf('--warm');
    const launches = at >= 0 ? Number(args.splice(at, 2)[1]) : WARM_LAUNCHES;
    await warmProfile(reports, url, profile, { launches, args: extraArgs });
  }
  for (let i = 0; i < loads; i++) {
    const file = path.join(tmpdir(), `relay-trace-no-devtools-${process.pid}-${i}.json`);
    const profileTo = process.env.PROFILE;
    const categories =
      'toplevel,blink.user_timing,v8,devtools.timeline,disabled-by-default-devtools.timeline,blink,loading' +
      (profileTo ? ',disabled-by-default-v8.cpu_profiler' : '') +
      // STACKS=1: each style recalc and layout of the long tasks, with the script that forced it.
      (process.env.STACKS ? `,${STACK_CATEGORY}` : '');
    const report = await loadWithoutDevtools(reports, url, 30_000, {
      args: [
        `--trace-startup=${categories}`,
        `--trace-startup-file=${file}`,
        `--trace-startup-duration=${TRACE_S}`,
        '--trace-startup-format=json',
        ...extraArgs,
      ],
      lingerMs: TRACE_S * 1000 + 20_000, // the browser writes the trace some seconds after it ends
      ...(profile ? { profile } : {}),
    });
    const events = (JSON.parse(await readFile(file, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
    if (!process.env.KEEP) await rm(file, { force: true });
    const nav = events
      .filter(
        (e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL?.includes(NO_DEVTOOLS_QUERY),
      )
      .at(-1);
    if (!nav) throw new Error('no navigation to the app in the trace');
    const main = pageMainThread(events, nav);
    const end = nav.ts + (report.shell ?? 0) * 1000;
    const mine = mainThreadEvents(events, nav, end);
    if (profileTo && main) {
      const out = loads > 1 ? profileTo.replace(/\.cpuprofile$/, `-${i}.cpuprofile`) : profileTo;
      await writeFile(out, JSON.stringify(profileFromTrace(events, nav.pid, main.tid, nav.ts, end)));
      console.log(`  JS profile (navigation → mark): ${out}`);
    }
    const tasks = mine.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
    const cpu = tasks.reduce((sum, t) => sum + (t.tdur ?? 0), 0) / 1000;
    const by = new Map<string, number>();
    for (const e of mine) by.set(e.name, (by.get(e.name) ?? 0) + (e.tdur ?? 0));
    // Deterministic beside the CPU: frames the renderer produced, and layouts forced by script.
    const frames = mine.filter((e) => e.name === 'WebFrameWidgetImpl::UpdateLifecycle').length;
    const forced = mine.filter((e) => e.name === 'Blink.ForcedStyleAndLayout.UpdateTime').length;
    console.log(
      `load ${i}: shell ${report.shell?.toFixed(0)} ms, FCP ${report.fcp.toFixed(0)} ms; main-thread CPU to the mark ${cpu.toFixed(0)} ms; ${frames} frames, ${forced} forced style+layout`,
    );
    console.log(
      `  by event: ${[...by]
        .filter(([n]) => !/RunTask|mojo|SimpleWatcher/.test(n))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 14)
        .map(([n, v]) => `${n} ${(v / 1000).toFixed(1)}`)
        .join(', ')}`,
    );
    console.log(`  the entry's compile: ${entryCompile(events, nav)}`);
    for (const t of tasks) {
      if ((t.tdur ?? 0) < 2000) continue;
      console.log(describeTask(t, mine, nav.ts));
      if (process.env.STACKS && (t.tdur ?? 0) >= 8000)
        for (const line of styleAndLayoutIn(t, mine)) console.log(line);
    }
  }
  if (profile) await rm(profile, { recursive: true, force: true });
  server.close();
}
void main();
