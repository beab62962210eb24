/**
 * The system-proxy agent against real parts: a Socket.IO server and an HTTP CONNECT proxy on loopback.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { Server as IoServer } from 'socket.io';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyFromPac, SystemProxyAgent } from './proxy';

let chat: Server;
let proxy: Server;
let chatUrl = '';
let proxyPort = 0;
const tunnelled: string[] = [];

beforeAll(async () => {
  chat = createServer();
  new IoServer(chat);
  proxy = createServer();
  proxy.on('connect', (req, client, head) => {
    tunnelled.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await Promise.all([chat, proxy].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  chatUrl = `http://127.0.0.1:${(chat.address() as AddressInfo).port}`;
  proxyPort = (proxy.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const server of [chat, proxy]) server.closeAllConnections();
  await Promise.all([chat, proxy].map((s) => new Promise((r) => s.close(r))));
});

async function connectThrough(answer: string, transports: ('websocket' | 'polling')[]) {
  const asked: string[] = [];
  const agent = new SystemProxyAgent(async (url) => {
    asked.push(url);
    return answer;
  });
  const socket = io(chatUrl, { agent: agent as never, transports, forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.close();
  return asked;
}

describe('system proxy for main', () => {
  it('reads a PAC answer: the first HTTP(S) proxy, DIRECT, and skips SOCKS with a warning', () => {
    const warned: string[] = [];
    expect(proxyFromPac('DIRECT')).toBeNull();
    expect(proxyFromPac('PROXY p.example:3128; DIRECT')).toBe('http://p.example:3128');
    expect(proxyFromPac('HTTPS p.example:443')).toBe('https://p.example:443');
    expect(proxyFromPac('SOCKS5 s:1080; PROXY p:8080', (m) => warned.push(m))).toBe('http://p:8080');
    expect(warned).toEqual([expect.stringContaining('SOCKS5 s:1080')]);
    expect(proxyFromPac('')).toBeNull();
  });

  it('goes direct when the system says DIRECT (first: no earlier socket can be using the proxy)', async () => {
    tunnelled.length = 0;
    const asked = await connectThrough('DIRECT', ['websocket']);
    expect(asked.length).toBeGreaterThan(0);
    expect(tunnelled).toEqual([]);
  });

  it('tunnels the socket.io connection (WebSocket and long-polling) through the proxy the system names', async () => {
    tunnelled.length = 0;
    const asked = await connectThrough(`PROXY 127.0.0.1:${proxyPort}`, ['websocket']);
    expect(asked[0]).toMatch(new RegExp(`^${chatUrl}/socket\\.io/`));
    await connectThrough(`PROXY 127.0.0.1:${proxyPort}`, ['polling']);
    const chatHostPort = chatUrl.replace('http://', '');
    expect(tunnelled.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tunnelled)).toEqual(new Set([chatHostPort]));
  });
});
