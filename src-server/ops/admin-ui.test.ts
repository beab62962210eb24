/**
 * The Socket.IO admin UI's server side: off by default; ADMIN_UI_USER / ADMIN_UI_PASSWORD turn it on with
 * basic auth; read-only unless ADMIN_UI_READONLY=0; its origin is allowed by CORS only while it is on.
 */
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { connectAs, startTestServer, type TestServer } from '../testing';
import { ADMIN_NAMESPACE, adminUiEnabled, DEFAULT_ADMIN_UI_ORIGIN } from './admin-ui';

const USER = 'ops';
const PASSWORD = 'correct horse battery';
let server: TestServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await server?.close();
  server = undefined;
});

/** Connects to /admin as the hosted UI does; resolves with its `config` or the connect error's message. */
function adminConnect(auth: object): Promise<{ features: string[] } | { refused: string }> {
  const socket = io(`${server!.url}${ADMIN_NAMESPACE}`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('config', (config: { supportedFeatures: string[] }) =>
      resolve({ features: config.supportedFeatures }),
    );
    socket.once('connect_error', (err) => resolve({ refused: err.message }));
  });
}

/** The CORS answer of Socket.IO's handshake to the hosted UI's origin. */
async function corsFor(origin: string): Promise<string | null> {
  const res = await fetch(`${server!.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
  await res.text();
  return res.headers.get('access-control-allow-origin');
}

describe('the Socket.IO admin UI', () => {
  it('is off by default: no /admin namespace, no CORS for its origin', async () => {
    server = await startTestServer();
    expect(await adminConnect({ username: USER, password: PASSWORD })).toEqual({
      refused: 'Invalid namespace',
    });
    expect(await corsFor(DEFAULT_ADMIN_UI_ORIGIN)).toBeNull();
  });

  it('needs both settings, and a password of 12 characters or more', () => {
    expect(() => adminUiEnabled({ adminUiUser: USER })).toThrow(ConfigError);
    expect(() => adminUiEnabled({ adminUiPassword: PASSWORD })).toThrow(ConfigError);
    expect(() => adminUiEnabled({ adminUiUser: USER, adminUiPassword: 'short' })).toThrow(/12 characters/);
  });

  it('takes the right credentials only, is read-only by default, and allows its origin only', async () => {
    server = await startTestServer({ adminUiUser: USER, adminUiPassword: PASSWORD });
    expect(await adminConnect({ username: USER, password: 'wrong password!' })).toEqual({
      refused: 'invalid credentials',
    });
    expect(await adminConnect({ username: 'root', password: PASSWORD })).toEqual({
      refused: 'invalid credentials',
    });
    // Read-only: it watches (aggregate events) and offers nothing that acts on sockets.
    expect(await adminConnect({ username: USER, password: PASSWORD })).toEqual({
      features: ['AGGREGATED_EVENTS'],
    });
    expect(await corsFor(DEFAULT_ADMIN_UI_ORIGIN)).toBe(DEFAULT_ADMIN_UI_ORIGIN);
    expect(await corsFor('https://evil.example')).toBeNull();
    // The app's own namespace still asks for a token.
    await expect(connectAs(server.url, 'alice')).resolves.toBeDefined();
  });

  it('with ADMIN_UI_READONLY=0 can disconnect an app socket', async () => {
    server = await startTestServer({ adminUiUser: USER, adminUiPassword: PASSWORD, adminUiReadonly: false });
    const alice = await connectAs(server.url, 'alice');
    sockets.push(alice.socket as unknown as Socket);
    const admin = await adminConnect({ username: USER, password: PASSWORD });
    expect(admin).toMatchObject({ features: expect.arrayContaining(['DISCONNECT', 'JOIN', 'LEAVE']) });
    const gone = new Promise((resolve) => alice.socket.once('disconnect', resolve));
    sockets.at(-1)!.emit('_disconnect', '/', true, alice.socket.id);
    expect(await gone).toBe('io server disconnect');
  });
});
