/**
 * `npx tsx bench/renderer/floor-no-devtools.ts BUILD [--loads N]`: what figure 7's cold first paint
 * without DevTools stands on. Interleaved, each in a fresh Chromium with no DevTools client
 * (no-devtools.ts), with load average beside each:
 * - the app as figure 7 loads it (the shell mark: the channel list and rows, a frame later);
 * - the same page without the app's work: index.html, its stylesheet and its bundle fetched, parsed
 *   and evaluated, then, at the bundle's first call to the bridge, the same mark's two frames and a
 *   task (a bridge that never answers: nothing is booted or rendered). The app's mark less this is
 *   boot's answers, React's first render and commit with its layout, and the frames after it;
 * - the static page (figure 7's baseline): Chromium's own navigation and first paint.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import { serveStatic } from '../figures/fig7-renderer';
import { median } from '../lib/stats';
import {
  loadWithoutDevtools,
  NO_DEVTOOLS,
  NO_DEVTOOLS_QUERY,
  noDevtoolsScript,
  PaintReports,
  reportPaint,
  START_HTML,
  STATIC_PAGE,
  withNoDevtoolsScripts,
} from './no-devtools';
import { COLD_STUB, script, takeLoads } from './page-tools';

/** In the page, before the bundle: a bridge whose every call marks (two frames, then a task) and never answers. */
function bridgeThatMarks(): void {
  const w = window as unknown as { __shellPaint?: number; relay?: unknown };
  let marked = false;
  const mark = () => {
    if (marked) return;
    marked = true;
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const c = new MessageChannel();
        c.port1.onmessage = () => {
          w.__shellPaint ??= performance.now();
        };
        c.port2.postMessage(0);
      }),
    );
  };
  w.relay = new Proxy(
    {},
    {
      get: (_target, name) =>
        name === 'then'
          ? undefined
          : () => {
              mark();
              return new Promise(() => {});
            },
    },
  );
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The build with the marking bridge in place of the stub (as serveStatic serves it otherwise). */
function serveFloor(dir: string, reports: PaintReports): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (reports.handle(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === NO_DEVTOOLS.start) {
      return void res.writeHead(200, { 'content-type': TYPES['.html']! }).end(START_HTML);
    }
    if (url.pathname === NO_DEVTOOLS.app) {
      const body = [script(bridgeThatMarks), script(reportPaint, { app: true, report: NO_DEVTOOLS.report })];
      return void res.writeHead(200, { 'content-type': TYPES['.js']! }).end(body.join(';\n'));
    }
    const other = noDevtoolsScript(url.pathname, COLD_STUB);
    if (other !== undefined) return void res.writeHead(200, { 'content-type': TYPES['.js']! }).end(other);
    if (url.pathname === '/') {
      const html = withNoDevtoolsScripts(await readFile(path.join(dir, 'index.html'), 'utf8'));
      return void res.writeHead(200, { 'content-type': TYPES['.html']! }).end(html);
    }
    const file = path.resolve(dir, url.pathname.slice(1));
    if (!file.startsWith(dir + path.sep)) return void res.writeHead(404).end();
    try {
      const body = await readFile(file);
      res
        .writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const args = process.argv.slice(2);
  const loads = takeLoads(args, 3);
  const dir = path.resolve(args[0]!);
  const reports = new PaintReports();
  const appServer = await serveStatic(dir, reports);
  const floorServer = await serveFloor(dir, reports);
  const at = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  const seen = {
    app: [] as number[],
    floor: [] as number[],
    floorFcp: [] as number[],
    static: [] as number[],
  };
  try {
    for (let i = 0; i < loads; i++) {
      const app = await loadWithoutDevtools(reports, `${at(appServer)}/?${NO_DEVTOOLS_QUERY}`);
      const floor = await loadWithoutDevtools(reports, `${at(floorServer)}/?${NO_DEVTOOLS_QUERY}`);
      const page = await loadWithoutDevtools(reports, `${at(appServer)}${STATIC_PAGE}?${NO_DEVTOOLS_QUERY}`);
      seen.app.push(app.shell ?? Number.NaN);
      seen.floor.push(floor.shell ?? Number.NaN);
      seen.floorFcp.push(floor.fcp);
      seen.static.push(page.fcp);
      console.log(
        `app ${app.shell?.toFixed(0)} ms (FCP ${app.fcp.toFixed(0)}) | bundle evaluated + 2 frames ` +
          `${floor.shell?.toFixed(0)} ms (FCP ${floor.fcp.toFixed(0)}) | static page FCP ${page.fcp.toFixed(0)} ms ` +
          `| load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
  } finally {
    appServer.close();
    floorServer.close();
  }
  console.log(
    `medians: app ${median(seen.app).toFixed(0)} ms, bundle evaluated + 2 frames ${median(seen.floor).toFixed(0)} ms ` +
      `(FCP ${median(seen.floorFcp).toFixed(0)}), static page ${median(seen.static).toFixed(0)} ms`,
  );
}
void main();
