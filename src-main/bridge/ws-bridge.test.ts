/**
 * The contract through the WebSocket bridge, end to end on loopback: the real browser client
 * (src-renderer/bridge/web-bridge) against the real server, router and fan-out, with a fake core behind them.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectWebBridge } from '../../src-renderer/bridge/web-bridge';
import type { RelayApi } from '../../src-shared/bridge';
import { WS_PROTOCOL, WS_SECRET_PREFIX } from '../../src-shared/bridge/transport';
import { waitFor } from '../../src-shared/testing/wait-for';
import { createEventFanout } from './fanout';
import { createRouter } from './router';
import { createFakeCore, type FakeCore } from './testing/fake-core';
import { attachWsBridge, type WsBridge } from './ws-server';

const SECRET = 'test-secret-0123456789abcdef';
/** Stands for the browser host's session cookie (its issuing and checking: web/host.test.ts). */
const SESSION = 'relay-host-test=admitted';

let server: Server;
let core: FakeCore;
let bridge: WsBridge;
let origin: string;
let host: string;

beforeEach(async () => {
  core = createFakeCore();
  server = createServer((_req, res) => res.writeHead(200).end());
  const fanout = createEventFanout(core, () => {});
  bridge = attachWsBridge({
    server,
    router: createRouter(core.handlers, () => {}),
    fanout,
    secret: SECRET,
    allowedOrigins: () => [origin],
    admits: (request) => request.headers.cookie === SESSION,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;
  origin = `http://${host}`;
});

afterEach(async () => {
  await bridge.close();
  await new Promise((resolve) => server.close(resolve));
});

/** The page as the host serves it: its meta secret, its location, and a socket that sends `pageOrigin`. */
function page(options: { secret?: string | null; pageOrigin?: string; cookie?: string | null } = {}) {
  const secret = options.secret === undefined ? SECRET : options.secret;
  const sentOrigin = options.pageOrigin ?? origin;
  const cookie = options.cookie === undefined ? SESSION : options.cookie;
  const reloads: number[] = [];
  class PageSocket extends WebSocket {
    constructor(url: string, protocols: string[]) {
      super(url, protocols, { origin: sentOrigin, headers: cookie === null ? {} : { cookie } });
    }
  }
  return {
    reloads,
    connect: () =>
      connectWebBridge({
        document: {
          querySelector: () =>
            secret === null ? null : ({ getAttribute: () => secret } as unknown as Element),
        },
        location: { protocol: 'http:', host, reload: () => reloads.push(1) },
        WebSocket: PageSocket as never,
        fetch: async () => ({ ok: true }),
        retryMs: 1,
      }),
  };
}

describe('WebSocket bridge', () => {
  it('round-trips a call to the core', async () => {
    const relay = await page().connect();
    const channelId = randomUUID();
    const sent = await relay.sendMessage({ channelId, content: 'hi there' });
    expect(sent).toMatchObject({ ok: true, value: { channelId, content: 'hi there', own: true } });
    expect(await relay.getSettings(undefined)).toMatchObject({ ok: true, value: { theme: 'system' } });
    expect(core.received.map((r) => r.name)).toEqual(['sendMessage', 'getSettings']);
  });

  it('answers a malformed call with a clear error and changes nothing', async () => {
    const relay = await page().connect();
    const result = await relay.sendMessage({ channelId: 'not-a-uuid', content: '' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('BAD_REQUEST');
      expect(result.error.message).toMatch(/sendMessage: .*channelId/);
    }
    expect(core.received).toEqual([]);
  });

  it('answers an input that cannot be serialised without sending anything', async () => {
    const relay = await page().connect();
    const result = await relay.setDraft({ channelId: randomUUID(), text: 10n as unknown as string });
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(core.received).toEqual([]);
  });

  it('answers a frame that is not a call at all, on the raw socket', async () => {
    const ws = new WebSocket(`ws://${host}/bridge`, [WS_PROTOCOL, WS_SECRET_PREFIX + SECRET], {
      origin,
      headers: { cookie: SESSION },
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const replies: unknown[] = [];
    ws.on('message', (data) => replies.push(JSON.parse(data.toString())));
    ws.send('{not json');
    ws.send(JSON.stringify({ t: 'call', id: 7, name: 'nope' }));
    await waitFor(() => replies.length === 2, 'both replies');
    expect(replies).toEqual([
      {
        t: 'result',
        id: null,
        result: { ok: false, error: { code: 'BAD_REQUEST', message: 'Malformed bridge frame' } },
      },
      {
        t: 'result',
        id: 7,
        result: { ok: false, error: { code: 'UNKNOWN_CALL', message: 'Unknown call: "nope"' } },
      },
    ]);
    ws.close();
  });

  it('delivers core events to subscribers, until they unsubscribe', async () => {
    const relay: RelayApi = await page().connect();
    const seen: unknown[] = [];
    const unsubscribe = relay.on('unread', (payload) => seen.push(payload));
    const channelId = randomUUID();
    core.emit('unread', { channelId, unreadCount: 2, total: 5 });
    await waitFor(() => seen.length === 1, 'the event');
    expect(seen).toEqual([{ channelId, unreadCount: 2, total: 5 }]);
    unsubscribe();
    core.emit('unread', { channelId, unreadCount: 3, total: 6 });
    await relay.getSession(undefined); // a round trip after the event: it would have arrived by now
    expect(seen).toHaveLength(1);
  });

  it('refuses a page without the secret, with a wrong secret, or from another origin', async () => {
    await expect(page({ secret: null }).connect()).rejects.toThrow(/not served by the Relay host/);
    await expect(page({ secret: 'wrong-secret-0123456789abcd' }).connect()).rejects.toThrow(/refused/);
    await expect(page({ pageOrigin: 'http://evil.example' }).connect()).rejects.toThrow(/refused/);
    await expect(page({ pageOrigin: 'http://127.0.0.1:1' }).connect()).rejects.toThrow(/refused/);
    // The right page secret and origin are not enough without the host's session cookie.
    await expect(page({ cookie: null }).connect()).rejects.toThrow(/refused/);
    await expect(page({ cookie: 'relay-host-test=forged' }).connect()).rejects.toThrow(/refused/);
    expect(bridge.clientCount).toBe(0);
    expect(core.received).toEqual([]);
  });

  it('refuses a DNS-rebound Host even with the right origin and secret', async () => {
    const status = await new Promise<number | undefined>((resolve) => {
      const ws = new WebSocket(`ws://${host}/bridge`, [WS_PROTOCOL, WS_SECRET_PREFIX + SECRET], {
        origin,
        headers: { host: 'attacker.example', cookie: SESSION },
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(status).toBe(403);
  });

  it('fails pending calls when the host goes away, tells the page, and reloads once the host is back', async () => {
    const p = page();
    const relay = await p.connect();
    const states: unknown[] = [];
    relay.on('connection', (payload) => states.push(payload));
    await bridge.close();
    await waitFor(() => p.reloads.length === 1, 'the reload');
    expect(states).toEqual([{ state: 'offline', detail: 'Lost the connection to the Relay host' }]);
    expect(await relay.getSession(undefined)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
