/**
 * The browser host's server: serves the built renderer over HTTP on 127.0.0.1 and carries the bridge
 * over a WebSocket on the same port. It never starts a chat server; the core (session, outbox, cache)
 * lives in this process, so a page opened later — even in a fresh browser profile — finds the same app.
 *
 * Nothing but /healthz is served without this host's session cookie, which only a browser that opened
 * the printed address (with its one-time token) holds (./access.ts). Each launch also makes a fresh
 * secret and writes it into the index.html it serves, so a socket is tied to a page of this launch;
 * only such a page, from this host's own origin and with the cookie, may open the bridge
 * (see ../bridge/ws-server).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { CallHandlers } from '../../src-shared/bridge';
import { SECRET_META_NAME } from '../../src-shared/bridge/transport';
import { createEventFanout, type EventFanout, type EventSource } from '../bridge/fanout';
import { createRouter } from '../bridge/router';
import { attachWsBridge, isLoopbackHost } from '../bridge/ws-server';
import type { FileSource } from '../core/file-cache';
import { createHostAccess, TOKEN_PARAM } from './access';
import { contentSecurityPolicy, securityHeaders } from './csp';
import { answerFile, isFilePath } from './file-route';
import { readRendererFile } from './renderer-files';

export type WebHostOptions = {
  core: EventSource & { handlers: CallHandlers; files?: FileSource };
  rendererDir: string;
  port: number;
  /** Loopback only; a parameter so tests can say so explicitly. */
  host?: '127.0.0.1';
  log?: (message: string, details: Record<string, unknown>) => void;
  /** Signs session cookies; kept in the user data folder so pages stay admitted across restarts. */
  sessionKey?: Buffer;
  /** Called with a fresh address to open once the last one's token has been used. */
  onNewAddress?: (url: string) => void;
};

export type WebHost = {
  /** The address to open: this host's origin with the current one-time token. */
  readonly url: string;
  port: number;
  fanout: EventFanout;
  readonly pageCount: number;
  close(): Promise<void>;
};

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const log = options.log ?? ((message, details) => console.error(message, details));
  const secret = randomBytes(32).toString('base64url');
  const fanout = createEventFanout(options.core, log);
  const router = createRouter(options.core.handlers, log);
  let port = 0;
  const origins = () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const access = createHostAccess({
    key: options.sessionKey,
    cookieName: () => `relay-host-${port}`,
    onTokenUsed: () => queueMicrotask(() => options.onNewAddress?.(addressToOpen())),
  });
  const addressToOpen = () => `http://127.0.0.1:${port}/?${TOKEN_PARAM}=${access.token}`;
  const csp = () => contentSecurityPolicy(["'self'", ...origins().map((o) => o.replace(/^http/, 'ws'))]);

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isLoopbackHost(request.headers.host)) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://host');
    const path = url.pathname;
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('ok');
      return;
    }
    const token = url.searchParams.get(TOKEN_PARAM);
    if (token !== null) {
      // Trade the printed token for the cookie, then drop it from the address bar (and history).
      const session = access.redeem(token);
      if (session || access.admits(request.headers.cookie)) {
        response.writeHead(303, {
          location: `/${path.replace(/^\/+/, '')}`, // one leading slash: never `//elsewhere`
          'cache-control': 'no-store',
          ...(session ? { 'set-cookie': access.setCookie(session) } : {}),
        });
        response.end();
        return;
      }
    }
    if (!access.admits(request.headers.cookie)) {
      response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      response.end(
        token === null
          ? 'Relay: open the address `npm run web` printed (it carries a one-time token).\n'
          : 'Relay: this address was already used. Open the newest address `npm run web` printed.\n',
      );
      return;
    }
    if (isFilePath(path)) {
      // A message's file, from main's cache (file-route.ts); same cookie as everything else here.
      const answer = await answerFile(options.core.files, path);
      response.writeHead(answer.status, answer.headers);
      if (!answer.file || request.method === 'HEAD') response.end(answer.text);
      else await pipeline(createReadStream(answer.file.path), response);
      return;
    }
    const file = await readRendererFile(options.rendererDir, path);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const body = file.isIndex ? withSecret(file.body.toString('utf8'), secret) : file.body;
    response.writeHead(200, {
      ...securityHeaders(csp()),
      'content-type': file.contentType,
      'content-length': String(body.length),
      'cache-control': file.cacheControl,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  const bridge = attachWsBridge({
    server,
    router,
    fanout,
    secret,
    allowedOrigins: origins,
    admits: (request) => access.admits(request.headers.cookie),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  port = bound.port;

  return {
    get url() {
      return addressToOpen();
    },
    port,
    fanout,
    get pageCount() {
      return bridge.clientCount;
    },
    async close() {
      await bridge.close();
      fanout.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Puts the per-launch secret into the page, as the first thing in <head>. */
export function withSecret(html: string, secret: string): Buffer {
  const meta = `<meta name="${SECRET_META_NAME}" content="${secret}">`;
  const head = /<head(\s[^>]*)?>/i; // not <header>
  const injected = head.test(html) ? html.replace(head, (tag) => `${tag}${meta}`) : meta + html;
  return Buffer.from(injected, 'utf8');
}
