/** The browser host with the real core (real SQLite file in a temp folder), reached through a page. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectWebBridge } from '../../src-preload/web-bridge';
import { silentLogger } from '../core/ports';
import { type RunningWebHost, runWebHost } from './run';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function start(argv: string[]): Promise<RunningWebHost> {
  const running = await runWebHost({ argv, rendererDir: renderer, logger: silentLogger });
  cleanup.push(() => running.close());
  return running;
}

let renderer: string;

async function page(running: RunningWebHost) {
  const port = running.host.port;
  const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
  const secret = /content="([^"]+)"/.exec(html)?.[1] ?? null;
  class PageSocket extends WebSocket {
    constructor(url: string, protocols: string[]) {
      super(url, protocols, { origin: `http://127.0.0.1:${port}` });
    }
  }
  return connectWebBridge({
    document: { querySelector: () => ({ getAttribute: () => secret }) as unknown as Element },
    location: { protocol: 'http:', host: `127.0.0.1:${port}`, reload: () => {} },
    WebSocket: PageSocket as never,
  });
}

describe('npm run web (runWebHost)', () => {
  it('serves the app with the real core, pointed at --server, keeping its data in --user-data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relay-webhost-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    renderer = join(dir, 'renderer');
    await mkdir(renderer);
    await writeFile(join(renderer, 'index.html'), '<html><head></head><body></body></html>');
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

    // One host per folder, like one desktop app per profile.
    await expect(start(['--port', '0', '--user-data', userData])).rejects.toThrow(/another browser host/);
    await first.close();

    // A later launch without --server keeps what this instance stored.
    const second = await start(['--port=0', `--user-data=${userData}`]);
    expect(second.serverUrl).toBe('http://127.0.0.1:9');
    expect(await (await page(second)).getSettings(undefined)).toMatchObject({
      ok: true,
      value: { doNotDisturb: true },
    });
  });
});
