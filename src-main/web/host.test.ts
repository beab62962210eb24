/**
 * The browser host on loopback: the real HTTP server, the real WebSocket bridge and the page's real
 * client (secret read from the served index.html), with a fake core behind them.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectWebBridge } from '../../src-renderer/bridge/web-bridge';
import { createFakeCore, type FakeCore } from '../bridge/testing/fake-core';
import { startWebHost, type WebHost, withSecret } from './host';

let dir: string;
let core: FakeCore;
let host: WebHost;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-web-'));
  const renderer = join(dir, 'renderer');
  await mkdir(join(renderer, 'assets'), { recursive: true });
  await writeFile(
    join(renderer, 'index.html'),
    '<!doctype html><html><head><title>Relay</title></head><body></body></html>',
  );
  await writeFile(join(renderer, 'assets', 'app-1234.js'), 'console.log(1)');
  await writeFile(join(dir, 'outside-secret.txt'), 'nope');
  core = createFakeCore();
  host = await startWebHost({ core, rendererDir: renderer, port: 0, log: () => {} });
});

afterEach(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

/** A page as a browser would open it: fetch index.html, then connect with the secret it carries. */
async function openPage() {
  const index = await get('/');
  const secret = /<meta name="relay-bridge" content="([^"]+)">/.exec(index.body)?.[1] ?? null;
  const origin = `http://127.0.0.1:${host.port}`;
  class PageSocket extends WebSocket {
    constructor(url: string, protocols: string[]) {
      super(url, protocols, { origin });
    }
  }
  return connectWebBridge({
    document: { querySelector: () => ({ getAttribute: () => secret }) as unknown as Element },
    location: { protocol: 'http:', host: `127.0.0.1:${host.port}`, reload: () => {} },
    WebSocket: PageSocket as never,
  });
}

describe('browser host', () => {
  it('serves index.html with a fresh secret, a strict CSP and no caching', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.body).toMatch(
      /^<!doctype html><html><head><meta name="relay-bridge" content="[A-Za-z0-9_-]{43}">/,
    );
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port}`);
    expect(index.headers['cache-control']).toBe('no-store');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    // A client-side route is the app too.
    expect((await get('/channels/general')).body).toContain('relay-bridge');
  });

  it('serves built assets, and nothing outside the renderer folder', async () => {
    const asset = await get('/assets/app-1234.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/../outside-secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/outside-secret.txt')).status).toBe(404);
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/healthz')).body).toBe('ok');
  });

  it('listens on loopback only, and serves nothing but GET and HEAD', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    const other = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(other).toBe(405);
  });

  it('refuses requests addressed to a non-loopback name (DNS rebinding)', async () => {
    const res = await get('/', { host: 'attacker.example' });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('relay-bridge');
  });

  it('keeps the session in the host: a second page finds the first one signed in', async () => {
    const first = await openPage();
    await first.signIn({ serverUrl: 'http://127.0.0.1:3000', username: 'alice', password: 'password' });
    const second = await openPage();
    expect(await second.getSession(undefined)).toMatchObject({ ok: true, value: { signedIn: true } });
    expect(host.pageCount).toBe(2);
  });

  it("passes the core's notifications to the page as the `notification` event, once", async () => {
    const page = await openPage();
    const seen: unknown[] = [];
    page.on('notification', (n) => seen.push(n));
    const notification = { title: 'bob in #general', body: 'lunch?', channelId: randomUUID() };
    core.emit('notification', notification);
    await page.getSession(undefined); // events and results share one ordered socket
    expect(seen).toEqual([notification]);
  });
});

describe('withSecret', () => {
  it('puts the secret first in <head>, not in a <header>', () => {
    const html = withSecret(
      '<html><head lang="en"><title>x</title></head><body><header>h</header></body></html>',
      'S',
    );
    expect(html.toString()).toBe(
      '<html><head lang="en"><meta name="relay-bridge" content="S"><title>x</title></head><body><header>h</header></body></html>',
    );
  });
});
