/**
 * Figures 13 and 14: the world the app starts in (the real server in this process, alice and bob in
 * `channels` new channels), the app host process on a prepared user data folder, and its window
 * (Chromium on the host's address, the moment the core starts, as the desktop app opens its window).
 */
import { type Browser, chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { login, startTestServer, type TestServer } from '../../src-server/testing';
import type { Channel, LoginResponse } from '../../src-shared/protocol';
import type { Bench } from '../figures/context';
import type { Child } from '../lib/proc';
import { markShellPaint, script } from '../renderer/page-tools';

export interface World {
  server: TestServer;
  alice: LoginResponse;
  bob: LoginResponse;
  channelIds: string[];
}

export async function startWorld(name: string, channels: number): Promise<World> {
  const server = await startTestServer({ messageRateLimit: 0 });
  const alice = await login(server.url, 'alice');
  const bob = await login(server.url, 'bob');
  const channelIds: string[] = [];
  for (let c = 0; c < channels; c++) {
    const channel = await server.store.ensureChannel(`${name}-${String(c).padStart(2, '0')}`);
    await server.store.addMember(channel.id, alice.user.id);
    await server.store.addMember(channel.id, bob.user.id);
    channelIds.push(channel.id);
  }
  return { server, alice, bob, channelIds };
}

/** The server's channels for this user (the app's own list as it last saw it). */
export async function channelsOf(url: string, token: string): Promise<Channel[]> {
  const res = await fetch(`${url}/api/channels`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as Channel[];
}

export async function spawnApp(bench: Bench, userData: string, rendererDir: string): Promise<Child> {
  const app = bench.spawn(
    'app-host',
    'bench/app/app-host.ts',
    [userData, rendererDir],
    ['--expose-gc', ...bench.profileArgs('app-host')],
  );
  await app.waitFor('ready', 60_000);
  return app;
}

/**
 * Starts the app (bench/app/app-host.ts `start`) and opens its window at once, with `initScripts`
 * before the page's own; resolves when the channel list is painted, with that time from navigation.
 */
export async function openWindow(
  browser: Browser,
  app: Child,
  start: { watch: { prefix: string; count: number }; firstChannelId: string },
  initScripts: string[] = [],
): Promise<{ page: Page; shell: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  for (const content of [...initScripts, script(markShellPaint)]) await context.addInitScript({ content });
  const page = await context.newPage();
  const { url } = await app.call<{ url: string }>('start', start);
  await page.goto(url);
  await page.waitForFunction(
    () => (window as unknown as { __shellPaint?: number }).__shellPaint !== undefined,
  );
  const shell = await page.evaluate(() => (window as unknown as { __shellPaint: number }).__shellPaint);
  return { page, shell };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
