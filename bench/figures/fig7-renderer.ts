/**
 * Figure 7: the real renderer bundle (vite build of src-renderer) in Chromium, driven by Playwright,
 * over a bench-only bridge stub (bench/renderer/stub-bridge.ts) that serves a 50,000-message channel
 * page by page — the renderer is measured alone, not the core or the server. Baseline: the same
 * measurements on a plain-DOM page in the same browser.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { rendererCacheControl } from '../../src-main/web/renderer-files';
import { type CpuProfile, selfTimes } from '../lib/profile';
import { makeRow, type Row } from '../lib/result';
import { median } from '../lib/stats';
import { flingToTop, installPlainList, scrollFrames, timeClickToPaint } from '../renderer/in-page';
import {
  bareColdPair,
  NO_DEVTOOLS,
  NO_DEVTOOLS_QUERY,
  noDevtoolsScript,
  PaintReports,
  relaunchedPaint,
  START_HTML,
  STATIC_PAGE,
  staticWithReporter,
  WARM_LAUNCHES,
  withNoDevtoolsScripts,
} from '../renderer/no-devtools';
import { heapUsedMB, markShellPaint, rendererBuild, run, script } from '../renderer/page-tools';
import { bigMessageId, type StubConfig, stubBridgeScript } from '../renderer/stub-bridge';
import type { Bench } from './context';

const STUB: StubConfig = {
  bigCount: 50_000,
  smallCount: 20,
  bigChannelId: '00000000-0000-4000-a000-0000000000b1',
  smallChannelId: '00000000-0000-4000-a000-0000000000a1',
};
/** The baseline for the cold first paint: a static page of about what the app's first screen shows. */
const STATIC_HTML =
  '<!doctype html><html><head><meta charset="utf-8"><title>Relay</title></head>' +
  '<body><nav><h1>Relay</h1><ul><li>general</li><li>big-history</li></ul></nav></body></html>';
const SCROLL_STEP_PX = 40;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/**
 * Static files of the build, cached as the browser host caches them (rendererCacheControl): a fresh
 * context or profile starts empty either way; a relaunch (relaunchedPaint) keeps what that allows. With `reports`, also the pages of
 * the loads without DevTools (no-devtools.ts): `?nodevtools` adds their scripts.
 */
export function serveStatic(dir: string, reports?: PaintReports): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (reports?.handle(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    const bare = reports !== undefined && url.searchParams.has(NO_DEVTOOLS_QUERY);
    if (reports && url.pathname === NO_DEVTOOLS.start) {
      return void res.writeHead(200, { 'content-type': TYPES['.html']! }).end(START_HTML);
    }
    if (url.pathname === STATIC_PAGE) {
      return void res
        .writeHead(200, { 'content-type': TYPES['.html']! })
        .end(bare ? staticWithReporter(STATIC_HTML) : STATIC_HTML);
    }
    const extra = reports && noDevtoolsScript(url.pathname, STUB);
    if (extra !== undefined) return void res.writeHead(200, { 'content-type': TYPES['.js']! }).end(extra);
    if (bare && url.pathname === '/') {
      const html = withNoDevtoolsScripts(await readFile(path.join(dir, 'index.html'), 'utf8'));
      return void res.writeHead(200, { 'content-type': TYPES['.html']! }).end(html);
    }
    const relative = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const file = path.resolve(dir, relative);
    if (!file.startsWith(dir + path.sep)) return void res.writeHead(404).end();
    try {
      const body = await readFile(file);
      res
        .writeHead(200, {
          'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
          'cache-control': rendererCacheControl(relative),
        })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function coldLoad(
  browser: Browser,
  url: string,
): Promise<{ context: BrowserContext; page: Page; shell: number; fcp: number; work: string }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ content: stubBridgeScript(STUB) });
  await context.addInitScript({ content: script(markShellPaint, { rows: true }) });
  const page = await context.newPage();
  // Where the main thread's time went during the load (Chromium's own counters, in seconds).
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(url);
  await page.waitForFunction(
    () => (window as unknown as { __shellPaint?: number }).__shellPaint !== undefined,
    null,
    {
      timeout: 30_000,
    },
  );
  const shell = await page.evaluate(() => (window as unknown as { __shellPaint: number }).__shellPaint);
  const fcp = await page.evaluate(
    () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
  );
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const ms = (name: string) => Math.round((metrics.find((m) => m.name === name)?.value ?? Number.NaN) * 1000);
  const work =
    `main thread: script ${ms('ScriptDuration')} ms, style ${ms('RecalcStyleDuration')} ms, ` +
    `layout ${ms('LayoutDuration')} ms, all tasks ${ms('TaskDuration')} ms`;
  return { context, page, shell, fcp, work };
}

/** Kilobytes of JavaScript the build emitted (the entry and its chunks). */
async function scriptKB(dir: string): Promise<number> {
  const assets = path.join(dir, 'assets');
  let bytes = 0;
  for (const name of await readdir(assets)) {
    if (name.endsWith('.js')) bytes += (await stat(path.join(assets, name))).size;
  }
  return bytes / 1024;
}

/** Kilobytes of JavaScript the page loads at start: index.html's module script and its modulepreloads. */
async function startupScriptKB(dir: string): Promise<number> {
  const html = await readFile(path.join(dir, 'index.html'), 'utf8');
  let bytes = 0;
  for (const [, file] of html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)) {
    bytes += (await stat(path.join(dir, file!))).size;
  }
  return bytes / 1024;
}

export async function figure7(bench: Bench): Promise<Row[]> {
  const { renderer } = bench.options.scale;
  STUB.bigCount = renderer.messages;
  const n = renderer.messages.toLocaleString('en-US');
  bench.log(`figure 7: renderer in Chromium, a ${n}-message channel over a bench-only bridge stub`);
  const dir = await rendererBuild(bench);
  const reports = new PaintReports();
  const server = await serveStatic(dir, reports);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  // First, with no DevTools client at all: Chromium started by itself, the app and the static page
  // interleaved, each in a fresh browser and profile.
  const bareApp: number[] = [];
  const bareAppFcp: number[] = [];
  const bareStatic: number[] = [];
  for (let i = 0; i < renderer.coldLoads; i++) {
    const { app, staticPage } = await bareColdPair(reports, url);
    bareApp.push(app.shell ?? Number.NaN);
    bareAppFcp.push(app.fcp);
    bareStatic.push(staticPage.fcp);
  }
  // Then started again by someone who ran it before: one profile kept across launches.
  const relaunched = await relaunchedPaint(reports, url, renderer.coldLoads);
  const relaunchApp = relaunched.map((r) => r.shell ?? Number.NaN);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    // Baseline: a plain page in the same browser.
    const basePage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await basePage.setContent('<!doctype html><title>baseline</title>');
    const baseFcp: number[] = [];
    for (let i = 0; i < renderer.coldLoads; i++) {
      const p = await (await browser.newContext()).newPage();
      await p.goto(new URL(STATIC_PAGE, url).toString());
      await p.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
      baseFcp.push(
        await p.evaluate(
          () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
        ),
      );
      await p.context().close();
    }
    await run(basePage, installPlainList, {
      rows: 50,
      text: 'Deploy is green, rolling out to the canary fleet now.',
    });
    const baseOpen = await run(basePage, timeClickToPaint, {
      clickSelector: '#go',
      doneSelector: '#plain .row[data-seq="50"]',
      timeoutMs: 10_000,
    });
    await run(basePage, installPlainList, {
      rows: 2_000,
      text: 'Deploy is green, rolling out to the canary fleet now.',
    });
    await basePage.click('#go');
    const baseScroll = await run(basePage, scrollFrames, {
      selector: '#plain',
      frames: renderer.scrollFrames,
      step: SCROLL_STEP_PX,
    });
    const baseJump = await run(basePage, timeClickToPaint, {
      clickSelector: '#end',
      doneSelector: '#plain .row[data-seq="2000"]',
      atEndSelector: '#plain',
      timeoutMs: 10_000,
    });

    // The app: cold loads (fresh context each), the last one goes on to the big channel.
    const loads = [];
    for (let i = 0; i < renderer.coldLoads; i++) {
      const load = await coldLoad(browser, url);
      loads.push(load);
      if (i < renderer.coldLoads - 1) await load.context.close();
    }
    const { page } = loads.at(-1)!;
    await page.waitForSelector('[data-testid="message"]', { timeout: 10_000 });
    const heapBefore = await heapUsedMB(page);
    const open = await run(page, timeClickToPaint, {
      clickSelector: `[data-testid="channel-item"][data-channel-id="${STUB.bigChannelId}"]`,
      doneSelector: `[data-testid="message"][data-message-id="${bigMessageId(STUB.bigCount)}"]`,
      timeoutMs: 10_000,
    });
    await page.waitForTimeout(500);
    const mounted = await page.locator('[data-testid="message-list"] [data-testid="message"]').count();
    // While scrolling: Chromium's main-thread counters (cheap); with --cpu-prof also the page's JS
    // profile (the sampler costs frames, so only in a profiling run).
    const profiling = bench.options.cpuProf;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    if (profiling) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const metricsBefore = (await cdp.send('Performance.getMetrics')).metrics;
    const scroll = await run(page, scrollFrames, {
      selector: '[data-testid="message-list"]',
      frames: renderer.scrollFrames,
      step: SCROLL_STEP_PX,
    });
    const metricsAfter = (await cdp.send('Performance.getMetrics')).metrics;
    let heaviest = '';
    if (profiling) {
      const { profile } = await cdp.send('Profiler.stop');
      await mkdir(path.join(profiling, 'renderer'), { recursive: true });
      await writeFile(path.join(profiling, 'renderer', 'scroll.cpuprofile'), JSON.stringify(profile));
      heaviest = `; heaviest JS (profiled): ${selfTimes(profile as CpuProfile)
        .filter((f) => !f.name.startsWith('('))
        .slice(0, 3)
        .map((f) => `${f.name.replace(/ http:\/\/[^ ]*\/assets\//, ' ')} ${f.ms.toFixed(0)} ms`)
        .join(', ')}`;
    }
    await cdp.detach();
    const spent = (name: string) => {
      const at = (list: typeof metricsBefore) => list.find((m) => m.name === name)?.value ?? Number.NaN;
      return Math.round((at(metricsAfter) - at(metricsBefore)) * 1000);
    };
    const scrollWork =
      `main thread over the scroll: script ${spent('ScriptDuration')} ms, style ${spent('RecalcStyleDuration')} ms, ` +
      `layout ${spent('LayoutDuration')} ms, all tasks ${spent('TaskDuration')} ms${heaviest}`;
    // Then far back: a page at a time to the top, so the renderer holds thousands of messages.
    const pages = await run<number>(page, flingToTop, {
      selector: '[data-testid="message-list"]',
      pages: renderer.historyPages,
    });
    await page.waitForSelector('.jump-to-newest', { timeout: 5_000 });
    const jump = await run(page, timeClickToPaint, {
      clickSelector: '.jump-to-newest',
      doneSelector: `[data-testid="message"][data-message-id="${bigMessageId(STUB.bigCount)}"]`,
      atEndSelector: '[data-testid="message-list"]',
      timeoutMs: 10_000,
    });
    await page.waitForTimeout(300);
    const loaded = await page.locator('[data-testid="message-list"] [data-testid="message"]').count();
    const heapAfter = await heapUsedMB(page);
    const served = await page.evaluate(
      () => (window as unknown as { __stubServed?: number }).__stubServed ?? 0,
    );
    const shell = median(loads.map((l) => l.shell));
    const fcp = median(loads.map((l) => l.fcp));
    const js = await scriptKB(dir);
    const startupJs = await startupScriptKB(dir);
    const stub = 'bench-only bridge stub (no core, no server)';
    return [
      makeRow({
        name: `7. channel of ${n} messages: first paint`,
        value: open,
        unit: 'ms',
        baseline: baseOpen,
        baselineName: 'plain DOM: 50 rows',
        checks: [{ op: '<=', limit: 100, of: 'value' }],
        note: `click → newest message painted; ${stub}`,
      }),
      makeRow({
        name: '7. rows mounted after opening',
        value: mounted,
        unit: 'rows',
        checks: [{ op: '<=', limit: 60, of: 'value' }],
        note: `[data-testid=message] in the list; ${loaded} after scrolling and the jump`,
      }),
      makeRow({
        name: '7. heap growth: open, scroll, go back, jump',
        value: heapAfter - heapBefore,
        unit: 'MB',
        checks: [{ op: '<=', limit: 30, of: 'value' }],
        note:
          `JS heap after forced GC, ${heapBefore.toFixed(1)} → ${heapAfter.toFixed(1)} MB; ` +
          `the stub served ${served.toLocaleString('en-US')} messages in all (pages of 50)`,
      }),
      makeRow({
        name: '7. jump to newest',
        value: jump,
        unit: 'ms',
        baseline: baseJump,
        baselineName: 'plain DOM: 2,000 rows, scrollTop to the end',
        checks: [{ op: '<=', limit: 150, of: 'value' }],
        note:
          `after scrolling up ${Math.round(scroll.travelledPx).toLocaleString('en-US')} px, ` +
          `then ${pages} older pages, a page at a time`,
      }),
      makeRow({
        name: `7. scrolling up (${SCROLL_STEP_PX} px a frame, ${renderer.scrollFrames} frames)`,
        value: scroll.fps,
        unit: 'fps',
        baseline: baseScroll.fps,
        baselineName: 'plain DOM: 2,000 rows',
        checks: [{ op: '>=', limit: 55, of: 'value' }],
        note:
          `p95 frame ${scroll.p95FrameMs.toFixed(1)} ms, ${scroll.longFrames} frames over 18 ms ` +
          `(older pages load as it goes); ${scrollWork}`,
      }),
      makeRow({
        name: '7. app cold first paint',
        value: shell,
        unit: 'ms',
        baseline: median(baseFcp),
        baselineName: 'first contentful paint of a static page',
        checks: [{ op: '<=', limit: 300, of: 'value' }],
        note: `navigation start → channel list and its rows painted, median of ${renderer.coldLoads} fresh contexts; FCP ${fcp.toFixed(0)} ms; ${stub}; ${loads.at(-1)!.work} (last load); ${Math.round(startupJs)} KB of JavaScript loaded at start, ${Math.round(js)} KB in the build`,
      }),
      makeRow({
        name: '7. app cold first paint, no DevTools attached',
        value: median(bareApp),
        unit: 'ms',
        baseline: median(bareStatic),
        baselineName: 'first contentful paint of the static page, no DevTools attached',
        checks: [{ op: '<=', limit: 300, of: 'value' }],
        note:
          `the same mark, reported by the page to the bench over loopback; Chromium started by itself ` +
          `(--headless, a fresh profile, no CDP client), median of ${renderer.coldLoads} interleaved with the static ` +
          `page; app ${bareApp.map((v) => v.toFixed(0)).join(', ')} ms (FCP ${bareAppFcp.map((v) => v.toFixed(0)).join(', ')}), ` +
          `static ${bareStatic.map((v) => v.toFixed(0)).join(', ')} ms; ${stub}`,
      }),
      makeRow({
        name: '7. app first paint on a relaunch, no DevTools attached',
        value: median(relaunchApp),
        unit: 'ms',
        baseline: median(bareStatic),
        baselineName: 'first contentful paint of the static page, no DevTools attached (fresh profile)',
        checks: [],
        note:
          `the same mark, Chromium started again on a profile kept from ${WARM_LAUNCHES} earlier launches ` +
          `(its HTTP cache, as an installed app keeps its own; V8's code cache for the entry is written on ` +
          `the second launch but this Chromium does not read it back: the entry streams and parses on a ` +
          `worker as when cold, trace-no-devtools.ts --relaunch), median of ${renderer.coldLoads}; ` +
          `app ${relaunchApp.map((v) => v.toFixed(0)).join(', ')} ms ` +
          `(FCP ${relaunched.map((r) => r.fcp.toFixed(0)).join(', ')}); the target is the cold row's`,
      }),
    ];
  } finally {
    await browser.close();
    server.close();
  }
}
