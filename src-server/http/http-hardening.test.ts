/** Issue 11's HTTP findings: DNS rebinding, text/plain logins, slow bodies, no connection cap. */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** One raw HTTP exchange (fetch will not send a Host of our choosing); the status line's code. */
function rawStatus(port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
    });
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

const get = (path: string, host: string) =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

describe('HTTP hardening', () => {
  it('answers only Hosts that name this machine when bound to loopback (DNS rebinding)', async () => {
    server = await startTestServer();
    const { port } = server;
    expect(await rawStatus(port, get('/healthz', `127.0.0.1:${port}`))).toBe(200);
    expect(await rawStatus(port, get('/healthz', `localhost:${port}`))).toBe(200);
    expect(await rawStatus(port, get('/healthz', `evil.example:${port}`))).toBe(421);
    expect(await rawStatus(port, get('/healthz', 'rebind.127.0.0.1.nip.io'))).toBe(421);
    // The Socket.IO handshake too.
    expect(await rawStatus(port, get('/socket.io/?EIO=4&transport=polling', 'evil.example'))).toBe(403);
    expect(await rawStatus(port, get('/socket.io/?EIO=4&transport=polling', `127.0.0.1:${port}`))).toBe(200);
  });

  it('takes a login only as application/json (415 otherwise)', async () => {
    server = await startTestServer();
    const body = JSON.stringify({ username: 'alice', password: 'password' });
    const as = (type: string) =>
      fetch(`${server!.url}/api/login`, { method: 'POST', body, headers: { 'content-type': type } });
    expect((await as('text/plain')).status).toBe(415);
    expect((await as('application/x-www-form-urlencoded')).status).toBe(415);
    expect((await as('application/json; charset=utf-8')).status).toBe(200);
  });

  it('ends a request whose body never finishes (requestTimeout)', async () => {
    server = await startTestServer({ requestTimeoutMs: 1_000 });
    const started = performance.now();
    const status = await rawStatus(
      server.port,
      `POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
    );
    expect(status).toBe(408);
    // Minutes before; now the timeout plus Node's check interval (1 s), with room for a busy machine.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('caps the connections one address holds open', async () => {
    server = await startTestServer({ maxConnectionsPerAddress: 5 });
    const { port } = server;
    const sockets: Socket[] = [];
    const closed: boolean[] = [];
    for (let i = 0; i < 7; i++) {
      const socket = connect(port, '127.0.0.1');
      const index = i;
      closed[index] = false;
      socket.on('close', () => {
        closed[index] = true;
      });
      socket.on('error', () => {});
      sockets.push(socket);
      await new Promise((r) => socket.once('connect', r));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(closed).toEqual([false, false, false, false, false, true, true]);
    // A sixth request from this address is refused until some close.
    expect(await fetch(`${server.url}/healthz`).catch(() => undefined)).toBeUndefined();
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
