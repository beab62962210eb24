/**
 * `npx tsx bench/renderer/prof-cold.ts DIR OUT.cpuprofile [--loads N]`: the page's V8 CPU profile from
 * navigation to the channel list's paint (figure 7's cold load over the stub), one file per load.
 */
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { serveStatic } from '../figures/fig7-renderer';
import { coldPage, shellPaint } from './page-tools';

async function main() {
  const args = process.argv.slice(2);
  const loadsAt = args.indexOf('--loads');
  const loads = loadsAt >= 0 ? Number(args.splice(loadsAt, 2)[1]) : 1;
  const [dir, out] = args;
  const server = await serveStatic(path.resolve(dir!));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  for (let i = 0; i < loads; i++) {
    const { context, page } = await coldPage(browser);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await page.goto(url);
    const shell = await shellPaint(page);
    const { profile } = await cdp.send('Profiler.stop');
    const file = loads > 1 ? out!.replace(/\.cpuprofile$/, `-${i}.cpuprofile`) : out!;
    await writeFile(file, JSON.stringify(profile));
    console.log(`${file}: shell ${shell.toFixed(0)} ms`);
    await context.close();
  }
  await browser.close();
  server.close();
}
void main();
