/**
 * `npx tsx bench/renderer/cold-ab.ts BUILD_A [BUILD_B …] [--loads N]`: figure 7's cold first paint of
 * each `vite build`, interleaved, both ways: Chromium started by itself with no DevTools client (the
 * page reports its marks, no-devtools.ts) beside the static page the same way, and under Playwright
 * (a fresh context, as figure 7 does). Prints one line per load and the medians.
 */
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { serveStatic } from '../figures/fig7-renderer';
import { median } from '../lib/stats';
import { bareColdPair, PaintReports } from './no-devtools';
import { coldPage, shellPaint, takeLoads } from './page-tools';

async function main() {
  const args = process.argv.slice(2);
  const loads = takeLoads(args, 3);
  const dirs = args.map((d) => path.resolve(d));
  const reports = new PaintReports();
  const servers = await Promise.all(dirs.map((d) => serveStatic(d, reports)));
  const urls = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const seen = dirs.map(() => ({
    bare: [] as number[],
    bareStatic: [] as number[],
    playwright: [] as number[],
  }));
  try {
    for (let i = 0; i < loads; i++) {
      for (const [k, url] of urls.entries()) {
        const { app, staticPage: page } = await bareColdPair(reports, url);
        const cold = await coldPage(browser);
        await cold.page.goto(url);
        const shell = await shellPaint(cold.page);
        await cold.context.close();
        seen[k]!.bare.push(app.shell ?? Number.NaN);
        seen[k]!.bareStatic.push(page.fcp);
        seen[k]!.playwright.push(shell);
        console.log(
          `${path.basename(dirs[k]!)}: no DevTools: app ${app.shell?.toFixed(0)} ms (FCP ${app.fcp.toFixed(0)}), ` +
            `static page FCP ${page.fcp.toFixed(0)} ms | Playwright: app ${shell.toFixed(0)} ms | ` +
            `load ${loadavg()[0]!.toFixed(1)}`,
        );
      }
    }
  } finally {
    await browser.close();
    for (const s of servers) s.close();
  }
  for (const [k, dir] of dirs.entries()) {
    const s = seen[k]!;
    console.log(
      `${path.basename(dir)} medians: no DevTools app ${median(s.bare).toFixed(0)} ms, static ` +
        `${median(s.bareStatic).toFixed(0)} ms; Playwright app ${median(s.playwright).toFixed(0)} ms`,
    );
  }
}

void main();
