/**
 * Figure 7's cold first paint with no DevTools client during the load. Under Playwright, Chromium has a
 * CDP session on the page from its first byte, and with DevTools' Runtime domain on V8 re-parses the
 * entry for source positions (BENCHMARKS.md, branch paint8): work an Electron window never does. Here
 * `/usr/bin/chromium --headless` is started by itself on the page, with a fresh profile each time (as
 * cold as a new Playwright context), and the page reports its own paint timings to the bench's
 * loopback HTTP server. The stub bridge and the reporter come as same-origin scripts (the app's CSP,
 * `script-src 'self'`, stays as it is).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { markShellPaint, script } from './page-tools';
import { type StubConfig, stubBridgeScript } from './stub-bridge';

/** What a page reports: ms from navigation start. `shell` only for the app (markShellPaint). */
export interface PaintReport {
  load: string;
  fcp: number;
  shell?: number;
}

/** Where the pages of a no-DevTools load ask for their scripts and send their report. */
/** The static page served beside the app (figure 7's baseline: Chromium's own first paint). */
export const STATIC_PAGE = '/__bench/static.html';

/** Where a page loaded without DevTools asks to be: `?nodevtools` on the app's or the static page's URL. */
export const NO_DEVTOOLS_QUERY = 'nodevtools';

export const NO_DEVTOOLS = {
  app: '/__bench/nodevtools/app.js',
  reportStatic: '/__bench/nodevtools/report-static.js',
  /** The page the browser starts on: it waits for the browser to settle, then goes to `?to`. */
  start: '/__bench/nodevtools/start.html',
  startScript: '/__bench/nodevtools/start.js',
  report: '/__bench/nodevtools/report',
} as const;

/**
 * In the page: waits for first-contentful-paint (and, for the app, the shell mark) and posts them.
 * `buffered` gives the paint entries that came before this script ran.
 */
export function reportPaint(args: { app: boolean; report: string }): void {
  const w = window as unknown as { __shellPaint?: number };
  let fcp: number | undefined;
  const load = new URLSearchParams(location.search).get('load') ?? '';
  let sent = false;
  const send = () => {
    if (sent || fcp === undefined || (args.app && w.__shellPaint === undefined)) return;
    sent = true;
    void fetch(args.report, {
      method: 'POST',
      body: JSON.stringify({ load, fcp, shell: w.__shellPaint }),
      keepalive: true,
    });
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.name === 'first-contentful-paint') fcp = entry.startTime;
    }
    send();
  }).observe({ type: 'paint', buffered: true });
  if (args.app) {
    const poll = () => {
      if (w.__shellPaint === undefined) return void setTimeout(poll, 5);
      send();
    };
    poll();
  }
}

/**
 * A browser's first page pays for the browser's own start (its first renderer, fonts, the network
 * service): 2–3 s here. Playwright's cold loads open a fresh context in a browser already running, so
 * the measured page is the second one: the start page waits for its load, `settleMs` more, then
 * replaces itself with the page to measure (same site, so the same renderer process, as Playwright's
 * new page reuses its about:blank renderer).
 */
const SETTLE_MS = 1_000;

function goWhenSettled(args: { settleMs: number }): void {
  const to = new URLSearchParams(location.search).get('to') ?? '/';
  const go = () => setTimeout(() => location.replace(to), args.settleMs);
  if (document.readyState === 'complete') go();
  else addEventListener('load', go);
}

/** The start page's HTML: nothing but its script. */
export const START_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>start</title></head><body><script src="${NO_DEVTOOLS.startScript}"></script></body></html>`;

/** The scripts for NO_DEVTOOLS' paths, or undefined for any other path. */
export function noDevtoolsScript(pathname: string, stub: StubConfig): string | undefined {
  switch (pathname) {
    case NO_DEVTOOLS.app:
      // What Playwright's init scripts put in figure 7's page (the stub bridge, the shell mark), and
      // the reporter: one file, one request.
      return [
        stubBridgeScript(stub),
        script(markShellPaint, { rows: true }),
        script(reportPaint, { app: true, report: NO_DEVTOOLS.report }),
      ].join(';\n');
    case NO_DEVTOOLS.startScript:
      return script(goWhenSettled, { settleMs: SETTLE_MS });
    case NO_DEVTOOLS.reportStatic:
      return script(reportPaint, { app: false, report: NO_DEVTOOLS.report });
    default:
      return undefined;
  }
}

/**
 * index.html with the stub bridge, the shell mark and the reporter ahead of the app's scripts: a
 * deferred classic script, so it runs before the module script (deferred scripts and modules run in
 * document order), as Electron's preload and Playwright's init scripts do. Deferred, not parser-blocking:
 * a blocking script held the parser for its loopback request, and the bundle and the CSS were asked for
 * only once it had run (paint10's trace: ~280 ms at load 10), a wait the preload and init scripts do
 * not make.
 */
export function withNoDevtoolsScripts(indexHtml: string): string {
  const tags = `<script src=".${NO_DEVTOOLS.app}" defer></script>`;
  const at = indexHtml.indexOf('<script');
  if (at < 0) throw new Error('index.html has no <script>');
  return indexHtml.slice(0, at) + tags + indexHtml.slice(at);
}

/** The static page with its reporter (async, after the content). */
export function staticWithReporter(staticHtml: string): string {
  return staticHtml.replace('</body>', `<script src="${NO_DEVTOOLS.reportStatic}" async></script></body>`);
}

/** Collects the pages' reports (POST NO_DEVTOOLS.report) and hands each to whoever waits for its load. */
export class PaintReports {
  private waiting = new Map<string, (report: PaintReport) => void>();

  /** Handles the report's POST; false when the request is not one. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== NO_DEVTOOLS.report) {
      return false;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      res.writeHead(204).end();
      try {
        const report = JSON.parse(body) as PaintReport;
        this.waiting.get(report.load)?.(report);
        this.waiting.delete(report.load);
      } catch {
        // Not a report: nothing waits for it.
      }
    });
    return true;
  }

  wait(load: string, timeoutMs: number): Promise<PaintReport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(load);
        reject(new Error(`no paint report for load ${load} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(load, (report) => {
        clearTimeout(timer);
        resolve(report);
      });
    });
  }
}

let loads = 0;

/**
 * Starts Chromium by itself (no DevTools, no Playwright), headless at 1280×800 with a fresh profile, on
 * `url` + `?load=N`; waits for the page's report, then ends that browser (its process group).
 */
export async function loadWithoutDevtools(
  reports: PaintReports,
  url: string,
  timeoutMs = 30_000,
  /**
   * More flags (trace-no-devtools: --trace-startup), how long to let the browser run after the report,
   * and a profile to start with and keep (a relaunch: relaunchedPaint) instead of a fresh one.
   */
  extra: { args?: string[]; lingerMs?: number; profile?: string } = {},
): Promise<PaintReport> {
  const load = String(++loads);
  const profile = extra.profile ?? (await mkdtemp(path.join(tmpdir(), 'relay-bench-chromium-')));
  const target = new URL(url);
  target.searchParams.set('load', load);
  const page = new URL(NO_DEVTOOLS.start, url);
  page.searchParams.set('to', target.pathname + target.search);
  const reported = reports.wait(load, timeoutMs);
  const browser = spawn(
    CHROMIUM_PATH,
    [
      ...CHROMIUM_ARGS,
      '--headless',
      `--user-data-dir=${profile}`,
      '--window-size=1280,800',
      '--no-default-browser-check',
      ...(extra.args ?? []),
      page.toString(),
    ],
    { detached: true, stdio: 'ignore' },
  );
  const exited = once(browser, 'exit');
  try {
    const report = await reported;
    if (extra.lingerMs) await new Promise((resolve) => setTimeout(resolve, extra.lingerMs));
    return report;
  } finally {
    if (browser.pid !== undefined && browser.exitCode === null) {
      try {
        process.kill(-browser.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (browser.exitCode === null && browser.signalCode === null) process.kill(-browser.pid, 'SIGKILL');
    }
    if (!extra.profile) await rm(profile, { recursive: true, force: true });
  }
}

/**
 * Launches before a relaunch is measured. Chromium writes V8's code cache for a script it has seen
 * before (the second launch: `Code Cache/js`, ~175 KB for the entry), but Debian's Chromium 156 does not
 * read it back for the entry module here: the third launch streams and parses it on a worker as a cold
 * one does (trace-no-devtools.ts --relaunch, BENCHMARKS.md paint24). So this row is the HTTP cache's
 * relaunch; Electron's app:// asks for the code cache (src-main/electron/session.ts, window.ts).
 */
export const WARM_LAUNCHES = 2;
/** After a warm launch's report: the code cache is written once the script has run, not at once. */
export const WARM_LINGER_MS = 1_500;

/** `launches` unmeasured loads of `url` on the kept `profile` (figure 7's relaunch row and its tools). */
export async function warmProfile(
  reports: PaintReports,
  url: string,
  profile: string,
  { launches = WARM_LAUNCHES, args = [] as string[] } = {},
): Promise<void> {
  for (let i = 0; i < launches; i++) {
    await loadWithoutDevtools(reports, url, 30_000, { profile, args, lingerMs: WARM_LINGER_MS });
  }
}

/**
 * The app's first paint when it is started again by someone who ran it before: one profile, kept
 * across launches (the HTTP cache and V8's code cache in it, as an installed app keeps its own), with
 * WARM_LAUNCHES unmeasured launches first, then `count` measured ones, each a new browser process.
 */
export async function relaunchedPaint(
  reports: PaintReports,
  url: string,
  count: number,
): Promise<PaintReport[]> {
  const profile = await mkdtemp(path.join(tmpdir(), 'relay-bench-chromium-kept-'));
  const appUrl = `${url}?${NO_DEVTOOLS_QUERY}`;
  try {
    await warmProfile(reports, appUrl, profile);
    const measured: PaintReport[] = [];
    for (let i = 0; i < count; i++) {
      // Each lingers for the next one's code cache; the last has no next.
      const lingerMs = i < count - 1 ? WARM_LINGER_MS : 0;
      measured.push(await loadWithoutDevtools(reports, appUrl, 30_000, { profile, lingerMs }));
    }
    return measured;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** The app at `url` (a served build), then the static page beside it, each loaded with no DevTools client. */
export async function bareColdPair(
  reports: PaintReports,
  url: string,
): Promise<{ app: PaintReport; staticPage: PaintReport }> {
  const app = await loadWithoutDevtools(reports, `${url}?${NO_DEVTOOLS_QUERY}`);
  const staticPage = await loadWithoutDevtools(reports, `${new URL(STATIC_PAGE, url)}?${NO_DEVTOOLS_QUERY}`);
  return { app, staticPage };
}
