/**
 * The browser host on loopback: the real HTTP server, the real WebSocket bridge and the page's real
 * client (admitted through the printed address, secret read from the served index.html), with a fake
 * core behind them.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WS_PROTOCOL, WS_SECRET_PREFIX } from '../../src-shared/bridge/transport';
import { createFakeCore, type FakeCore } from '../bridge/testing/fake-core';
import { startWebHost, type WebHost, withSecret } from './host';
import { httpGet, openPage as openAddress, redeemAddress } from './testing/open-page';

let dir: string;
let core: FakeCore;
let host: WebHost;
let addresses: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-web-'));
  const renderer = join(dir, 'renderer');
  await mkdir(join(renderer, 'assets'), { recursive: true });
  await writeFile(
    join(renderer, 'index.html'),
    '<!doctype html><html><head><title>Relay</title></head><body></body></html>',
  );
  await writeFile(join(renderer, 'assets', 'app-1234.js'), 'console.log(1)');
  await writeFile(join(renderer, 'warm-intl.js'), 'void 0');
  await writeFile(join(dir, 'outside-secret.txt'), 'nope');
  core = createFakeCore();
  addresses = [];
  host = await startWebHost({
    core,
    rendererDir: renderer,
    port: 0,
    log: () => {},
    onNewAddress: (url) => addresses.push(url),
  });
});

afterEach(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

let cookie = '';

/** A GET as the admitted browser sends it (with the session cookie, once `admit()` has run). */
function get(path: string, headers: Record<string, string> = {}) {
  return httpGet(`http://127.0.0.1:${host.port}${path}`, cookie ? { cookie, ...headers } : headers);
}

async function admit() {
  cookie = await redeemAddress(host.url);
}

/** A page as a browser would open it from the printed address. */
async function openPage() {
  return (await openAddress(host.url)).relay;
}

/** The status a plain WebSocket client gets for an upgrade it builds itself. */
function upgradeStatus(options: { origin: string; protocols: string[]; headers?: Record<string, string> }) {
  return new Promise<number | undefined>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/bridge`, options.protocols, {
      origin: options.origin,
      headers: options.headers ?? {},
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => resolve(undefined));
  });
}

describe('browser host', () => {
  it('serves index.html with a fresh secret, a strict CSP and no caching', async () => {
    await admit();
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
    await admit();
    const asset = await get('/assets/app-1234.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // A hashed name changes with its content: kept for good. A public file keeps its name across
    // versions: asked for again each time, or an upgrade would run last version's copy.
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const unhashed = await get('/warm-intl.js');
    expect(unhashed.status).toBe(200);
    expect(unhashed.headers['cache-control']).toBe('no-cache');
    expect((await get('/../outside-secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/outside-secret.txt')).status).toBe(404);
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/healthz')).body).toBe('ok');
  });

  it('listens on loopback only, and serves nothing but GET and HEAD', async () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{43}$`));
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
    await admit();
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

describe('who the host admits (issue 11: it served its secret to any local process)', () => {
  it('serves nothing but /healthz to a client that never saw the printed address', async () => {
    for (const path of ['/', '/channels/general', '/assets/app-1234.js', '/?token=guess']) {
      const res = await get(path, { origin: `http://127.0.0.1:${host.port}` });
      expect(res.status, path).toBe(401);
      expect(res.body).not.toContain('relay-bridge');
    }
    expect((await get('/healthz')).status).toBe(200);
  });

  it('refuses a plain WebSocket client whatever Origin it sends, without the session cookie', async () => {
    const { secret } = await openAddress(host.url); // a real page's secret leaked to the process
    for (const origin of [`http://127.0.0.1:${host.port}`, `http://localhost:${host.port}`, 'null']) {
      expect(await upgradeStatus({ origin, protocols: [WS_PROTOCOL, WS_SECRET_PREFIX + secret] })).toBe(
        origin === 'null' ? 403 : 401,
      );
    }
    const forged = { cookie: `relay-host-${host.port}=abc.def` };
    expect(
      await upgradeStatus({
        origin: `http://127.0.0.1:${host.port}`,
        protocols: [WS_PROTOCOL, WS_SECRET_PREFIX + secret],
        headers: forged,
      }),
    ).toBe(401);
    expect(host.pageCount).toBe(1);
    expect(core.received).toEqual([]);
  });

  it('trades the token once for an HttpOnly, SameSite=Strict cookie, and drops it from the address', async () => {
    const printed = host.url;
    const first = await httpGet(printed);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(
      new RegExp(`^relay-host-${host.port}=[^;]+; Path=/; HttpOnly; SameSite=Strict$`),
    );

    // Used: another client presenting it gets nothing; the host prints a fresh address instead.
    const again = await httpGet(printed);
    expect(again.status).toBe(401);
    expect(again.body).toContain('already used');
    await expect.poll(() => addresses).toEqual([host.url]);
    expect(host.url).not.toBe(printed);
    // The browser that holds the cookie may come back by the old address (a bookmark, a reload).
    cookie = setCookie.split(';')[0]!;
    expect((await get(new URL(printed).search)).status).toBe(303);
    // The redirect stays on this host, whatever path the address names.
    for (const path of ['/.//evil.example/x', '/a/..//evil.example', '//evil.example']) {
      const odd = await get(`${path}${new URL(printed).search}`);
      expect(odd.headers.location, path).toMatch(/^\/(?!\/)/);
    }
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
