import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './app';
import { ConfigError } from './errors';
import { createLogger } from './logger';
import { connectSocket, login, makeTempDir, startTestServer, type TestServer } from './testing';

const servers: TestServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir() {
  const dir = await makeTempDir();
  dirs.push(dir);
  return dir;
}

async function start(options: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

describe('startServer', () => {
  it('refuses to start without a JWT secret unless demo, and a DATABASE_URL it cannot use with an error naming it', async () => {
    const dataDir = await tempDir();
    const logger = createLogger('silent');
    await expect(startServer({ dataDir, port: 0, logger })).rejects.toBeInstanceOf(ConfigError);
    await expect(
      startServer({ dataDir, port: 0, logger, demo: true, databaseUrl: 'postgres://x' }),
    ).rejects.toThrow(/DATABASE_URL/);
  });

  it('keeps the demo secret in DATA_DIR, so tokens survive a restart', async () => {
    const dataDir = await tempDir();
    const first = await startTestServer({ dataDir });
    const { token, user } = await login(first.url, 'alice');
    await first.close();
    const second = await start({ dataDir });
    const socket = await connectSocket(second.url, { token, userId: user.id });
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('shuts down gracefully: sockets are closed (clients will reconnect), the port is freed, the database is closed', async () => {
    const server = await start();
    const { token } = await login(server.url, 'bob');
    const socket = await connectSocket(server.url, { token });
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await server.close();
    // 'transport close', not 'io server disconnect': socket.io-client reconnects by itself after a restart.
    expect(await disconnected).toBe('transport close');
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await expect(server.store.getUser('x')).rejects.toThrow(/not open/);
    await server.close(); // idempotent
  });

  it('reports a port already in use instead of hanging', async () => {
    const server = await start();
    await expect(start({ port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
