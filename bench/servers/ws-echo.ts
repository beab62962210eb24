/** Baseline: a raw `ws` echo server — the wire's limit on this machine (no Socket.IO framing at all). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { collectGarbage, emitEvent, serve } from '../lib/serve';

const http = createServer();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});

serve({
  gc: collectGarbage,
  connections: () => wss.clients.size,
});

http.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  emitEvent({ event: 'ready', url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}` });
});
