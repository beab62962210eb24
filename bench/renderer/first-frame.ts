/**
 * `npx tsx bench/renderer/first-frame.ts DIR OUT [--loads N]`: figure 7's cold load (the stub, 1280×800)
 * under Playwright, with every frame Chromium composites kept (CDP screencast) as OUT/loadN-MSms.png
 * (ms from navigation), and the rows' geometry read in the first frame that has rows (in its
 * requestAnimationFrame, after that frame's scroll events: what its paint shows) against the same rows
 * a second later. Prints the first frame's rows that overlap the next one and the rows on screen that
 * moved: both must be none (paint25's "no visible glitch"), and whether "Jump to newest" is in that frame
 * (it must not be: the list opens at its end). Not a timing: DevTools is attached.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { serveStatic } from '../figures/fig7-renderer';
import { coldPage, run, script, shellPaint, takeLoads } from './page-tools';

type RowBox = { key: string; top: number; bottom: number };
type Geometry = { rows: RowBox[]; view: { top: number; bottom: number }; jump: boolean; at: number };

/** In the page, before anything runs: the rows' boxes in the first frame with rows, and a reader for later. */
function watchFirstRows() {
  const read = (): Geometry | null => {
    const list = document.querySelector('[data-testid="message-list"]');
    if (!list) return null;
    const rows = [...list.querySelectorAll<HTMLElement>('.virtual-row')].map((row) => {
      const box = row.getBoundingClientRect();
      return {
        key: row.querySelector('[data-key]')?.getAttribute('data-key') ?? `index ${row.dataset.index}`,
        top: box.top,
        bottom: box.bottom,
      };
    });
    const view = list.getBoundingClientRect();
    const jump = document.querySelector('.jump-to-newest') !== null;
    return { rows, view: { top: view.top, bottom: view.bottom }, jump, at: performance.now() };
  };
  const w = window as unknown as { __firstRows?: Geometry; __readRows: () => Geometry | null };
  w.__readRows = read;
  const check = () => {
    if (document.querySelector('[data-testid="message"]')) w.__firstRows = read() ?? undefined;
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

async function main() {
  const args = process.argv.slice(2);
  const loads = takeLoads(args, 1);
  const [dir, out] = args;
  if (!dir || !out) throw new Error('usage: first-frame.ts DIR OUT [--loads N]');
  await mkdir(out, { recursive: true });
  const server = await serveStatic(path.resolve(dir));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  for (let load = 0; load < loads; load++) {
    const { context, page } = await coldPage(browser);
    await context.addInitScript({ content: script(watchFirstRows) });
    const cdp = await context.newCDPSession(page);
    const frames: { data: string; timestamp: number }[] = [];
    cdp.on('Page.screencastFrame', (frame) => {
      frames.push({ data: frame.data, timestamp: frame.metadata.timestamp ?? 0 });
      void cdp.send('Page.screencastFrameAck', { sessionId: frame.sessionId }).catch(() => {});
    });
    await cdp.send('Page.startScreencast', { format: 'png', everyNthFrame: 1 });
    await page.goto(url);
    await shellPaint(page);
    await page.waitForTimeout(1000);
    await cdp.send('Page.stopScreencast');
    const { first, later, navAt } = await run<{ first?: Geometry; later: Geometry | null; navAt: number }>(
      page,
      () => {
        const w = window as unknown as { __firstRows?: Geometry; __readRows: () => Geometry | null };
        return { first: w.__firstRows, later: w.__readRows(), navAt: performance.timeOrigin / 1000 };
      },
    );
    if (!first || !later) throw new Error('no rows');
    for (const frame of frames) {
      const ms = ((frame.timestamp - navAt) * 1000).toFixed(0).padStart(5, '0');
      await writeFile(path.join(out, `load${load}-${ms}ms.png`), Buffer.from(frame.data, 'base64'));
    }
    const sorted = [...first.rows].sort((a, b) => a.top - b.top);
    const overlaps = sorted.filter((row, i) => i > 0 && row.top < sorted[i - 1]!.bottom - 0.5);
    const onScreen = (r: RowBox) => r.bottom > first.view.top && r.top < first.view.bottom;
    const moved = first.rows.filter(onScreen).flatMap((row) => {
      const now = later.rows.find((r) => r.key === row.key);
      return now && Math.abs(now.top - row.top) < 0.5
        ? []
        : [`${row.key} ${row.top.toFixed(1)} → ${now?.top.toFixed(1) ?? 'gone'}`];
    });
    const lastBottom = Math.max(...first.rows.map((r) => r.bottom));
    console.log(
      `load ${load}: first frame with rows @${first.at.toFixed(0)} ms: ${first.rows.length} rows mounted, ${first.rows.filter(onScreen).length} on screen; last row's bottom ${lastBottom.toFixed(1)}, the list's ${first.view.bottom.toFixed(1)}; overlapping ${overlaps.length}; "Jump to newest" ${first.jump ? 'SHOWN' : 'not shown'}; moved a second later: ${moved.length ? moved.join(', ') : 'none'}; ${frames.length} frames in ${out}`,
    );
    await context.close();
  }
  await browser.close();
  server.close();
}
void main();
