/**
 * Figure 7 by hand, in main-thread CPU time rather than wall time, so that two builds can be compared
 * on a loaded machine: `npx tsx bench/renderer/trace-cold-paint.ts DIR_A [DIR_B …] [--loads N]` loads
 * each vite build of src-renderer over the bench's stub bridge (fresh contexts, interleaved), with a
 * Chromium trace, and prints the renderer main thread's CPU time (the trace's thread durations) from
 * navigation to the channel list's paint, and from the click on the big channel to its newest
 * message's paint, with the wall times beside them. BREAKDOWN=1 also prints the main thread's time by
 * trace event (FunctionCall, v8.evaluateModule, Layout…) for each trace.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { serveStatic } from '../figures/fig7-renderer';
import { median } from '../lib/stats';
import { timeClickToPaint } from './in-page';
import { coldPage, run, COLD_STUB as STUB, shellPaint, type TraceEvent, takeLoads } from './page-tools';
import { bigMessageId } from './stub-bridge';

const NEWEST = bigMessageId(STUB.bigCount);

/**
 * CPU ms of the page's main thread in top-level tasks, from the trace of one page; with `until` (ms
 * from navigation start), only the tasks that ended by then.
 */
function mainThreadCpu(events: TraceEvent[], until?: number): number {
  const nav = events.find(
    (e) =>
      e.name === 'navigationStart' &&
      (e.args as { data?: { documentLoaderURL?: string } })?.data?.documentLoaderURL?.startsWith('http'),
  );
  const end = until !== undefined && nav ? nav.ts + until * 1000 : Number.POSITIVE_INFINITY;
  const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  let best = 0;
  for (const main of mains) {
    let us = 0;
    for (const e of events) {
      if (
        e.pid === main.pid &&
        e.tid === main.tid &&
        e.ph === 'X' &&
        e.name === 'ThreadControllerImpl::RunTask' &&
        e.ts + (e.dur ?? 0) <= end
      )
        us += e.tdur ?? 0;
    }
    if (us > best) {
      best = us;
      if (process.env.BREAKDOWN) {
        const by = new Map<string, number>();
        for (const e of events)
          if (e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.ts + (e.dur ?? 0) <= end)
            by.set(e.name, (by.get(e.name) ?? 0) + (e.tdur ?? 0));
        console.log(
          [...by]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 25)
            .map(([n, v]) => `${n} ${(v / 1000).toFixed(0)}`)
            .join(', '),
        );
      }
    }
  }
  return best / 1000;
}

async function once(browser: Browser, url: string) {
  const { context, page } = await coldPage(browser);
  const categories = [
    'toplevel',
    'blink.user_timing',
    'devtools.timeline',
    'disabled-by-default-devtools.timeline',
  ];
  await browser.startTracing(page, { categories });
  await page.goto(url);
  const shell = await shellPaint(page);
  const coldCpu = mainThreadCpu(JSON.parse((await browser.stopTracing()).toString()).traceEvents, shell);
  await page.waitForSelector('[data-testid="message"]');
  await page.waitForTimeout(500);
  await browser.startTracing(page, { categories });
  const open = await run<number>(page, timeClickToPaint, {
    clickSelector: `[data-testid="channel-item"][data-channel-id="${STUB.bigChannelId}"]`,
    doneSelector: `[data-testid="message"][data-message-id="${NEWEST}"]`,
    timeoutMs: 10_000,
  });
  const openCpu = mainThreadCpu(JSON.parse((await browser.stopTracing()).toString()).traceEvents);
  await context.close();
  return { shell, coldCpu, open, openCpu };
}

async function main() {
  const args = process.argv.slice(2);
  const loads = takeLoads(args, 5);
  const dirs = args.map((d) => path.resolve(d));
  const servers = await Promise.all(dirs.map((dir) => serveStatic(dir)));
  const urls = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const results = dirs.map(() => [] as Awaited<ReturnType<typeof once>>[]);
  for (let i = 0; i < loads; i++) {
    for (let d = 0; d < dirs.length; d++) results[d]!.push(await once(browser, urls[d]!));
  }
  await browser.close();
  for (const s of servers) s.close();
  dirs.forEach((dir, d) => {
    const r = results[d]!;
    const m = (f: (x: (typeof r)[number]) => number) => median(r.map(f)).toFixed(0);
    console.log(
      `${dir}: cold paint ${m((x) => x.shell)} ms wall, ${m((x) => x.coldCpu)} ms main-thread CPU; ` +
        `big channel ${m((x) => x.open)} ms wall, ${m((x) => x.openCpu)} ms CPU (medians of ${loads})`,
    );
  });
}
void main();
