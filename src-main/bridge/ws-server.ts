/**
 * The bridge over a WebSocket, for the browser host: the same router and event fan-out as Electron's
 * IPC, reachable only by the page the host served.
 *
 * Every upgrade is checked before a socket exists: the path, the Host header (a loopback name, against
 * DNS rebinding), the Origin (exactly the host's own), the host's session cookie (only a browser that
 * opened the printed address has it), and the per-launch secret the host injected into that page (sent
 * as a subprotocol). Anything else gets a plain HTTP refusal and the core never hears of it.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import {
  type HostFrame,
  parseCallFrame,
  WS_MAX_FRAME_BYTES,
  WS_PATH,
  WS_PROTOCOL,
  WS_SECRET_PREFIX,
} from '../../src-shared/bridge/transport';
import type { EventFanout } from './fanout';
import type { Router } from './router';

export type WsBridgeOptions = {
  server: Server;
  router: Router;
  fanout: EventFanout;
  /** The per-launch secret handed to the served page. */
  secret: string;
  /** The origins allowed to connect (the host's own), decided per request since the port may be 0 until listen. */
  allowedOrigins: () => string[];
  /** Whether the request carries the host's session (its cookie): the credential, not the page. */
  admits: (request: IncomingMessage) => boolean;
};

export type WsBridge = {
  /** Open sockets: one per page. */
  readonly clientCount: number;
  close(): Promise<void>;
};

export function attachWsBridge(options: WsBridgeOptions): WsBridge {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_FRAME_BYTES,
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = checkUpgrade(request, options);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => serve(ws, options));
  };
  options.server.on('upgrade', onUpgrade);

  return {
    get clientCount() {
      return wss.clients.size;
    },
    close() {
      options.server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}

function checkUpgrade(request: IncomingMessage, options: WsBridgeOptions): string | null {
  const url = new URL(request.url ?? '/', 'http://placeholder');
  if (url.pathname !== WS_PATH) return '404 Not Found';
  if (!isLoopbackHost(request.headers.host)) return '403 Forbidden';
  const origin = request.headers.origin;
  if (!origin || !options.allowedOrigins().includes(origin)) return '403 Forbidden';
  if (!options.admits(request)) return '401 Unauthorized';
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (!offered.includes(WS_PROTOCOL)) return '400 Bad Request';
  const presented = offered.find((p) => p.startsWith(WS_SECRET_PREFIX))?.slice(WS_SECRET_PREFIX.length);
  if (!presented || !sameSecret(presented, options.secret)) return '401 Unauthorized';
  return null;
}

function serve(ws: WebSocket, { router, fanout }: WsBridgeOptions): void {
  const send = (frame: HostFrame) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  };
  const disconnect = fanout.connect((event, payload) => send({ t: 'event', event, payload }));
  ws.on('close', disconnect);
  ws.on('error', () => ws.terminate());
  ws.on('message', (data, isBinary) => {
    const frame = isBinary ? ({ t: 'invalid', id: null } as const) : parseCallFrame(data.toString());
    if (frame.t === 'invalid') {
      send({
        t: 'result',
        id: frame.id,
        result: { ok: false, error: { code: 'BAD_REQUEST', message: 'Malformed bridge frame' } },
      });
      return;
    }
    void router
      .dispatch(frame.name, frame.input)
      .then((result) => send({ t: 'result', id: frame.id, result }));
  });
}

/** Host header check against DNS rebinding: the page must have been reached by a loopback name. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}

function sameSecret(presented: string, secret: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
