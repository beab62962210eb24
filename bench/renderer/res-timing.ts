/**
 * `npx tsx bench/renderer/res-timing.ts BUILD_A [BUILD_B …] [--loads N]`: figure 7's cold load of each
 * build, interleaved, under Playwright (a fresh context each), with the page's Resource Timing for what
 * it loads before the shell mark: when the start-up files were asked for and came, and how many waited
 * for a connection (Chromium opens at most 6 to one HTTP/1.1 host: a 7th request waits for a response).
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { serveStatic } from '../figures/fig7-renderer';
import { median } from '../lib/stats';
import { coldPage, shellPaint, takeLoads } from './page-tools';

async function main() {
  const args = process.argv.slice(2);
  const loads = takeLoads(args, 3);
  const dirs = args.map((d) => path.resolve(d));
  const servers = await Promise.all(dirs.map((d) => serveStatic(d)));
  const urls = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const seen = dirs.map(() => ({ in: [] as number[], shell: [] as number[] }));
  // The files index.html names (the start-up's), not those asked for later (a lazy chunk).
  const named = await Promise.all(
    dirs.map(async (d) => {
      const html = await readFile(path.join(d, 'index.html'), 'utf8');
      return [...html.matchAll(/(?:src|href)="\.\/([^"]+\.(?:js|css))"/g)].map((m) =>
        m[1]!.replace(/^.*\//, ''),
      );
    }),
  );
  try {
    for (let i = 0; i < loads; i++) {
      for (const [k, url] of urls.entries()) {
        const cold = await coldPage(browser);
        await cold.page.goto(url);
        const shell = await shellPaint(cold.page);
        const start = await cold.page.evaluate(
          (names) =>
            performance
              .getEntriesByType('resource')
              .map((e) => e as PerformanceResourceTiming)
              .filter((r) => names.includes(r.name.replace(/^.*\//, '')))
              .map((r) => ({
                name: r.name.replace(/^.*\//, ''),
                asked: r.startTime,
                sent: r.requestStart,
                done: r.responseEnd,
              })),
          named[k]!,
        );
        await cold.context.close();
        const first = Math.min(...start.map((r) => r.asked));
        const allIn = Math.max(...start.map((r) => r.done));
        const queued = start.filter((r) => r.sent - r.asked > 50).map((r) => r.name);
        seen[k]!.in.push(allIn - first);
        seen[k]!.shell.push(shell);
        console.log(
          `${path.basename(dirs[k]!)}: ${start.length} start-up files, all in ${(allIn - first).toFixed(0)} ms after the first was asked for; ` +
            `sent > 50 ms after asked: ${queued.join(', ') || 'none'}; shell ${shell.toFixed(0)} ms | load ${loadavg()[0]!.toFixed(1)}`,
        );
      }
    }
  } finally {
    await browser.close();
    for (const s of servers) s.close();
  }
  for (const [k, dir] of dirs.entries()) {
    console.log(
      `${path.basename(dir)} medians: start-up files in ${median(seen[k]!.in).toFixed(0)} ms, shell ${median(seen[k]!.shell).toFixed(0)} ms`,
    );
  }
}
void main();
