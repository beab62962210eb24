/**
 * `npx tsx bench/renderer/trace-cold-timeline.ts DIR [--loads N]`: figure 7's cold load over the stub
 * under a Chromium trace; prints the renderer main thread's tasks from navigation to the channel
 * list's paint (start, wall, CPU and what is inside), so the critical path can be read.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { serveStatic } from '../figures/fig7-renderer';
import { coldPage, describeTask, type TraceEvent as Ev, shellPaint, takeLoads } from './page-tools';

async function main() {
  const args = process.argv.slice(2);
  const loads = takeLoads(args, 1);
  const server = await serveStatic(path.resolve(args[0]!));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  for (let i = 0; i < loads; i++) {
    const { context, page } = await coldPage(browser);
    await browser.startTracing(page, {
      categories: [
        'toplevel',
        'blink.user_timing',
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'v8',
        'loading',
        'blink',
      ],
    });
    await page.goto(url);
    const shell = await shellPaint(page);
    const fcp = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    );
    const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents as Ev[];
    const nav = events.find(
      (e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL?.startsWith('http'),
    )!;
    const main = events.find(
      (e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === nav.pid,
    )!;
    const end = nav.ts + shell * 1000;
    console.log(`load ${i}: shell ${shell.toFixed(0)} ms, FCP ${fcp.toFixed(0)} ms`);
    const mine = events.filter(
      (e) =>
        e.pid === main.pid &&
        e.tid === main.tid &&
        e.ph === 'X' &&
        e.ts >= nav.ts - 1000 &&
        e.ts <= end + 20_000,
    );
    const tasks = mine.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
    let cpu = 0;
    for (const t of tasks) {
      if ((t.tdur ?? 0) < 1000 && (t.dur ?? 0) < 2000) {
        cpu += t.tdur ?? 0;
        continue;
      }
      cpu += t.tdur ?? 0;
      console.log(describeTask(t, mine, nav.ts, 500));
    }
    const marks = events.filter(
      (e) =>
        e.pid === nav.pid &&
        /^(firstContentfulPaint|firstPaint|domContentLoadedEventEnd|ResourceSendRequest|ResourceFinish)$/.test(
          e.name,
        ),
    );
    for (const m of marks)
      console.log(
        `  ${m.name} @${((m.ts - nav.ts) / 1000).toFixed(0)} ${m.args?.data?.url?.replace(/^.*\//, '') ?? ''}`,
      );
    console.log(`  main-thread CPU (all tasks listed window): ${(cpu / 1000).toFixed(0)} ms`);
    await context.close();
  }
  await browser.close();
  server.close();
}
void main();
