/**
 * A browser opening the address the host printed, step by step as Chromium does: the token is traded
 * for the session cookie (303), index.html is fetched with it (carrying the page's secret), and the
 * page's real bridge client (src-renderer/bridge/web-bridge) connects from the host's origin with the cookie.
 */
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { connectWebBridge } from '../../../src-renderer/bridge/web-bridge';
import type { RelayApi } from '../../../src-shared/bridge';

export type HttpAnswer = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
};

/** One plain HTTP GET (no redirects followed, no cookie jar). */
export function httpGet(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    // No pooled connection: a host restarted on the same port must get a fresh one.
    const req = request(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Trades the printed address's token for the session cookie (`name=value`), or throws. */
export async function redeemAddress(address: string): Promise<string> {
  const answer = await httpGet(address);
  const setCookie = answer.headers['set-cookie']?.[0];
  if (answer.status !== 303 || !setCookie) throw new Error(`${address} answered ${answer.status}`);
  return setCookie.split(';')[0]!;
}

export async function openPage(
  address: string,
): Promise<{ relay: RelayApi; cookie: string; secret: string }> {
  const { origin, host } = new URL(address);
  const cookie = await redeemAddress(address);
  const index = await httpGet(`${origin}/`, { cookie });
  const secret = /<meta name="relay-bridge" content="([^"]+)">/.exec(index.body)?.[1];
  if (!secret) throw new Error(`index.html carried no secret (${index.status})`);
  class PageSocket extends WebSocket {
    constructor(url: string, protocols: string[]) {
      super(url, protocols, { origin, headers: { cookie } });
    }
  }
  const relay = await connectWebBridge({
    document: { querySelector: () => ({ getAttribute: () => secret }) as unknown as Element },
    location: { protocol: 'http:', host, reload: () => {} },
    WebSocket: PageSocket as never,
  });
  return { relay, cookie, secret };
}
