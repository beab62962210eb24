/**
 * `npx tsx bench/renderer/prof-cold.ts DIR OUT.cpuprofile [--loads N] [--open]`: the page's V8 CPU
 * profile from navigation to the channel list's paint (figure 7's cold load over the stub), one file
 * per load; with `--open`, instead from the click on the big channel to its newest message's paint.
 */
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { serveStatic } from '../figures/fig7-renderer';
import { timeClickToPaint } from './in-page';
import { COLD_STUB, coldPage, run, shellPaint, takeLoads } from './page-tools';
import { bigMessageId } from './stub-bridge';

async function main() {
  const args = process.argv.slice(2);
  const loads = takeLoads(args, 1);
  const openAt = args.indexOf('--open');
  const open = openAt >= 0 && args.splice(openAt, 1).length > 0;
  const [dir, out] = args;
  const server = await serveStatic(path.resolve(dir!));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  for (let i = 0; i < loads; i++) {
    const { context, page } = await coldPage(browser);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    if (open) {
      await page.goto(url);
      await shellPaint(page);
      await page.waitForSelector('[data-testid="message"]');
      await page.waitForTimeout(500);
    }
    await cdp.send('Profiler.start');
    let shell: number;
    if (open) {
      shell = await run<number>(page, timeClickToPaint, {
        clickSelector: `[data-testid="channel-item"][data-channel-id="${COLD_STUB.bigChannelId}"]`,
        doneSelector: `[data-testid="message"][data-message-id="${bigMessageId(COLD_STUB.bigCount)}"]`,
        timeoutMs: 10_000,
      });
    } else {
      await page.goto(url);
      shell = await shellPaint(page);
    }
    const { profile } = await cdp.send('Profiler.stop');
    const file = loads > 1 ? out!.replace(/\.cpuprofile$/, `-${i}.cpuprofile`) : out!;
    await writeFile(file, JSON.stringify(profile));
    console.log(`${file}: ${open ? 'open' : 'shell'} ${shell.toFixed(0)} ms`);
    await context.close();
  }
  await browser.close();
  server.close();
}
void main();
