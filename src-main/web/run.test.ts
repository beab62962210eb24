/** The browser host with the real core (real SQLite file in a temp folder), reached through a page. */
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../../src-server/testing';
import type { ChannelView, RelayApi } from '../../src-shared/bridge';
import { silentLogger } from '../core/ports';
import { type RunningWebHost, runWebHost } from './run';
import { httpGet, openPage, redeemAddress } from './testing/open-page';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function start(argv: string[]): Promise<RunningWebHost> {
  const running = await runWebHost({
    argv,
    rendererDir: renderer,
    logger: silentLogger,
    coreOptions: { notificationCoalesceMs: 10 },
  });
  cleanup.push(() => running.close());
  return running;
}

let renderer: string;

/** A folder for one test, removed after it, holding a stand-in renderer build (`renderer`) the host serves. */
async function hostFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-webhost-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  renderer = join(dir, 'renderer');
  await mkdir(renderer);
  await writeFile(join(renderer, 'index.html'), '<html><head></head><body></body></html>');
  return dir;
}

/** A browser opening the address the host printed. */
async function page(running: RunningWebHost) {
  return (await openPage(running.host.url)).relay;
}

describe('npm run web (runWebHost)', () => {
  it('serves the app with the real core, pointed at --server, keeping its data in --user-data', async () => {
    const dir = await hostFolder();
    const userData = join(dir, 'data');

    const first = await start(['--port', '0', '--server', 'http://127.0.0.1:9', '--user-data', userData]);
    expect(first.userData).toBe(userData);
    const relay = await page(first);
    expect(await relay.getSession(undefined)).toMatchObject({
      ok: true,
      value: { signedIn: false, serverUrl: 'http://127.0.0.1:9' },
    });
    expect(await relay.updateSettings({ doNotDisturb: true })).toMatchObject({
      ok: true,
      value: { doNotDisturb: true },
    });

    // Only its owner can read the folder and the session key (issue 11: files were 0644).
    expect(statSync(userData).mode & 0o777).toBe(0o700);
    expect(statSync(join(userData, 'web-host.key')).mode & 0o777).toBe(0o600);
    const cookie = await redeemAddress(first.host.url);

    // One host per folder, like one desktop app per profile.
    await expect(start(['--port', '0', '--user-data', userData])).rejects.toThrow(/another browser host/);
    const port = first.host.port;
    await first.close();

    // A later launch without --server keeps what this instance stored.
    // Restarted on its port, as `npm run web` is (the cookie is named for the port).
    const second = await start([`--port=${port}`, `--user-data=${userData}`]);
    expect(second.serverUrl).toBe('http://127.0.0.1:9');
    // A browser admitted before the restart still is (the session key lives in the folder).
    expect((await httpGet(`http://127.0.0.1:${second.host.port}/`, { cookie })).status).toBe(200);
    expect((await httpGet(`http://127.0.0.1:${second.host.port}/`)).status).toBe(401);
    expect(await (await page(second)).getSettings(undefined)).toMatchObject({
      ok: true,
      value: { doNotDisturb: true },
    });
  });

  it('with the real server: a message in another channel reaches the page as one notification', async () => {
    const dir = await hostFolder();
    const server = await startTestServer();
    cleanup.push(() => server.close());

    const alice = await page(
      await start(['--port=0', `--server=${server.url}`, `--user-data=${join(dir, 'a')}`]),
    );
    const bob = await page(
      await start(['--port=0', `--server=${server.url}`, `--user-data=${join(dir, 'b')}`]),
    );
    expect((await alice.signIn({ serverUrl: server.url, username: 'alice', password: 'password' })).ok).toBe(
      true,
    );
    expect((await bob.signIn({ serverUrl: server.url, username: 'bob', password: 'password' })).ok).toBe(
      true,
    );
    const general = await channelNamed(alice, 'general');
    const random = await channelNamed(alice, 'random');
    await channelNamed(bob, 'random'); // bob's app knows it once its first sync is done
    await alice.setActiveChannel({ channelId: general.id });
    // In the background: any message notifies (in front, only what is addressed to alice: issue 12).
    await alice.setWindowFocused({ focused: false });

    const notifications: unknown[] = [];
    alice.on('notification', (n) => notifications.push(n));
    const sent = await bob.sendMessage({ channelId: random.id, content: 'deploy is green' });
    expect(sent).toMatchObject({ ok: true });
    await expect.poll(() => notifications.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await alice.getSession(undefined); // one round trip more: a duplicate would have arrived by now
    expect(notifications).toEqual([
      expect.objectContaining({ title: 'Bob in #random', body: 'deploy is green', channelId: random.id }),
    ]);
  });
});

async function channelNamed(relay: RelayApi, name: string): Promise<ChannelView> {
  let found: ChannelView | undefined;
  await expect
    .poll(async () => {
      const list = await relay.listChannels(undefined);
      found = list.ok ? list.value.find((c) => c.name === name) : undefined;
      return found !== undefined;
    })
    .toBe(true);
  return found!;
}
