/**
 * `npx tsx bench/renderer/devtools-parts.ts DIR [--loads N]`: what figure 7's Playwright row (cold first
 * paint with DevTools attached) spends that its no-DevTools row does not, split into the bench's own
 * choices and the protocol's. Each load is a fresh context with the stub bridge and the shell mark (as
 * figure 7), under a Chromium trace, in one of two ways, interleaved:
 * - `figure`: as figure 7's cold load: a second CDP session with `Performance.enable` before the
 *   navigation, then `page.waitForFunction` for the mark (Playwright evaluates its injected script, a
 *   few hundred KB, in the page's main world for that, and polls every frame);
 * - `lean`: neither: the mark is read with `Runtime.evaluate` on a CDP session every 25 ms (no script
 *   injected, nothing polled in the page).
 * Prints, per load, the main thread's CPU from navigation to the mark and the V8 work DevTools causes
 * (`V8.CollectSourcePositions`: V8 re-parsing a script to give a stack frame its line, which it does
 * for every `Error` built while DevTools' Runtime domain is on), and the medians per way.
 */
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { serveStatic } from '../figures/fig7-renderer';
import { median } from '../lib/stats';
import { coldPage, mainThreadEvents, type TraceEvent, takeLoads } from './page-tools';

type Way = 'figure' | 'lean';

const CATEGORIES = [
  'toplevel',
  'v8',
  'blink.user_timing',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
];

async function once(browser: Browser, url: string, way: Way) {
  const { context, page } = await coldPage(browser);
  const cdp = await context.newCDPSession(page);
  if (way === 'figure') await cdp.send('Performance.enable');
  await browser.startTracing(page, { categories: CATEGORIES });
  await page.goto(url);
  let shell: number;
  if (way === 'figure') {
    await page.waitForFunction(() => (window as { __shellPaint?: number }).__shellPaint !== undefined);
    shell = await page.evaluate(() => (window as unknown as { __shellPaint: number }).__shellPaint);
  } else {
    for (;;) {
      const { result } = await cdp.send('Runtime.evaluate', {
        expression: 'window.__shellPaint',
        returnByValue: true,
      });
      if (typeof result.value === 'number') {
        shell = result.value;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  const events = (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] })
    .traceEvents;
  await context.close();
  const nav = events.find(
    (e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL?.startsWith('http'),
  );
  if (!nav) throw new Error('no navigation in the trace');
  const end = nav.ts + shell * 1000;
  const mine = mainThreadEvents(events, nav, end);
  const sum = (name: string) =>
    mine.filter((e) => e.name === name).reduce((s, e) => s + (e.tdur ?? 0), 0) / 1000;
  return {
    shell,
    cpu: sum('ThreadControllerImpl::RunTask'),
    sourcePositions: sum('V8.CollectSourcePositions'),
    evaluateScript: sum('EvaluateScript'),
    evaluateModule: sum('v8.evaluateModule'),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const loads = takeLoads(args, 4);
  const server = await serveStatic(path.resolve(args[0]!));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const seen: Record<Way, Awaited<ReturnType<typeof once>>[]> = { figure: [], lean: [] };
  for (let i = 0; i < loads; i++) {
    for (const way of ['figure', 'lean'] as const) {
      const r = await once(browser, url, way);
      seen[way].push(r);
      console.log(
        `${way.padEnd(6)} load ${i}: mark ${r.shell.toFixed(0)} ms, main-thread CPU ${r.cpu.toFixed(0)} ms ` +
          `(CollectSourcePositions ${r.sourcePositions.toFixed(1)}, classic scripts ${r.evaluateScript.toFixed(1)}, ` +
          `module evaluation ${r.evaluateModule.toFixed(1)}); 1-min load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
  await browser.close();
  server.close();
  for (const way of ['figure', 'lean'] as const) {
    const m = (f: (r: (typeof seen)[Way][number]) => number) => median(seen[way].map(f)).toFixed(1);
    console.log(
      `${way}: medians of ${loads}: mark ${m((r) => r.shell)} ms, CPU ${m((r) => r.cpu)} ms, ` +
        `CollectSourcePositions ${m((r) => r.sourcePositions)} ms, classic scripts ${m((r) => r.evaluateScript)} ms, ` +
        `module evaluation ${m((r) => r.evaluateModule)} ms`,
    );
  }
}
void main();
