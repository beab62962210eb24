/**
 * `npx tsx bench/renderer/trace-open-timeline.ts DIR`: figure 7's big-channel open (click → newest
 * message painted) under a Chromium trace; prints the renderer main thread's tasks in that window
 * (start from the click, wall, CPU, what is inside), so the critical path can be read; under each task
 * over 8 ms of CPU, its style recalcs and layouts with the script that forced each.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { serveStatic } from '../figures/fig7-renderer';
import { timeClickToPaint } from './in-page';
import {
  COLD_STUB,
  coldPage,
  describeTask,
  type TraceEvent as Ev,
  run,
  STACK_CATEGORY,
  shellPaint,
  styleAndLayoutIn,
} from './page-tools';
import { bigMessageId } from './stub-bridge';

async function main() {
  const server = await serveStatic(path.resolve(process.argv[2]!));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const { context, page } = await coldPage(browser);
  await page.goto(url);
  await shellPaint(page);
  await page.waitForSelector('[data-testid="message"]');
  await page.waitForTimeout(500);
  await browser.startTracing(page, {
    categories: [
      'toplevel',
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      STACK_CATEGORY,
      'v8',
      'blink',
    ],
  });
  const newest = bigMessageId(COLD_STUB.bigCount);
  const open = await run<number>(page, timeClickToPaint, {
    clickSelector: `[data-testid="channel-item"][data-channel-id="${COLD_STUB.bigChannelId}"]`,
    doneSelector: `[data-testid="message"][data-message-id="${newest}"]`,
    timeoutMs: 10_000,
  });
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents as Ev[];
  const click = events.find(
    (e) => e.name === 'EventDispatch' && (e.args as { data?: { type?: string } })?.data?.type === 'click',
  );
  if (!click) throw new Error('no click in the trace');
  const mine = events.filter((e) => e.pid === click.pid && e.tid === click.tid && e.ph === 'X');
  console.log(`open ${open.toFixed(0)} ms`);
  for (const t of mine.filter(
    (e) => e.name === 'ThreadControllerImpl::RunTask' && e.ts + (e.dur ?? 0) >= click.ts - 2000,
  )) {
    if ((t.dur ?? 0) < 300) continue;
    console.log(describeTask(t, mine, click.ts));
    if ((t.tdur ?? 0) >= 8000) for (const line of styleAndLayoutIn(t, mine)) console.log(line);
  }
  await context.close();
  await browser.close();
  server.close();
}
void main();
