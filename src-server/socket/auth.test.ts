import { SignJWT, UnsecuredJWT } from 'jose';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthRefusalReason } from '../../src-shared/protocol';
import { createTokenService } from '../auth/tokens';
import { connectRefusal, connectSocket, login, startTestServer, type TestServer } from '../testing';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
let server: TestServer;
let alice: { id: string; token: string };
let bob: { id: string; token: string };

beforeAll(async () => {
  server = await startTestServer({ jwtSecret: SECRET });
  const [a, b] = await Promise.all([login(server.url, 'alice'), login(server.url, 'bob')]);
  alice = { id: a.user.id, token: a.token };
  bob = { id: b.user.id, token: b.token };
});
afterAll(() => server.close());

const sign = (secret: string, claims: { sub: string; exp: number | string; iss?: string }) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(claims.iss ?? 'relay')
    .setIssuedAt()
    .setExpirationTime(claims.exp)
    .sign(new TextEncoder().encode(secret));

describe('socket handshake', () => {
  it('accepts a valid token, with or without the matching userId', async () => {
    for (const auth of [
      { token: alice.token, userId: alice.id },
      { token: alice.token },
      { token: alice.token, userId: null },
    ]) {
      const socket = await connectSocket(server.url, auth);
      expect(socket.connected).toBe(true);
      socket.close();
    }
  });

  const cases: [string, () => Promise<Record<string, unknown>>, AuthRefusalReason][] = [
    ['no auth at all', async () => ({}), AuthRefusalReason.TOKEN_MISSING],
    ['an empty token', async () => ({ token: '' }), AuthRefusalReason.TOKEN_MISSING],
    ['a null token', async () => ({ token: null, userId: alice.id }), AuthRefusalReason.TOKEN_MISSING],
    ['a token that is not a string', async () => ({ token: 42 }), AuthRefusalReason.TOKEN_INVALID],
    ['garbage', async () => ({ token: 'not.a.jwt' }), AuthRefusalReason.TOKEN_INVALID],
    [
      'a forged signature',
      async () => {
        const [header, payload] = alice.token.split('.');
        return { token: `${header}.${payload}.${'A'.repeat(43)}` };
      },
      AuthRefusalReason.TOKEN_INVALID,
    ],
    [
      'a tampered payload (subject changed to bob)',
      async () => {
        const [header, , signature] = alice.token.split('.');
        const forged = Buffer.from(JSON.stringify({ sub: bob.id, iss: 'relay', exp: 4102444800 })).toString(
          'base64url',
        );
        return { token: `${header}.${forged}.${signature}` };
      },
      AuthRefusalReason.TOKEN_INVALID,
    ],
    [
      'signed with another secret',
      async () => ({
        token: await sign('another-secret-another-secret-another', { sub: alice.id, exp: '1h' }),
      }),
      AuthRefusalReason.TOKEN_INVALID,
    ],
    [
      'alg: none',
      async () => ({
        token: new UnsecuredJWT({}).setSubject(alice.id).setIssuer('relay').setExpirationTime('1h').encode(),
      }),
      AuthRefusalReason.TOKEN_INVALID,
    ],
    [
      'another issuer',
      async () => ({ token: await sign(SECRET, { sub: alice.id, exp: '1h', iss: 'someone-else' }) }),
      AuthRefusalReason.TOKEN_INVALID,
    ],
    [
      'expired',
      async () => ({ token: await sign(SECRET, { sub: alice.id, exp: Math.floor(Date.now() / 1000) - 60 }) }),
      AuthRefusalReason.TOKEN_EXPIRED,
    ],
    [
      'a user that no longer exists',
      async () => ({
        token: await createTokenService(SECRET, 3600).sign('6f1c3e0a-1111-4222-8333-444455556666'),
      }),
      AuthRefusalReason.TOKEN_INVALID,
    ],
    [
      "another user's token (userId says alice)",
      async () => ({ token: bob.token, userId: alice.id }),
      AuthRefusalReason.USER_MISMATCH,
    ],
    [
      'a userId that is not an id',
      async () => ({ token: alice.token, userId: 'alice' }),
      AuthRefusalReason.USER_MISMATCH,
    ],
  ];

  it.each(cases)('refuses %s', async (_name, auth, reason) => {
    const refusal = await connectRefusal(server.url, await auth());
    expect(refusal).toEqual({ message: 'Unauthorized', data: { reason } });
  });
});

describe('bearer tokens on HTTP', () => {
  const channels = (authorization?: string) =>
    fetch(`${server.url}/api/channels`, { headers: authorization ? { authorization } : {} });

  it.each([
    ['missing', () => undefined, 'token_missing'],
    ['garbage', () => 'Bearer nope', 'token_invalid'],
    ['sent with another scheme', () => `Basic ${alice.token}`, 'token_missing'],
    [
      'expired',
      async () => `Bearer ${await sign(SECRET, { sub: alice.id, exp: Math.floor(Date.now() / 1000) - 60 })}`,
      'token_expired',
    ],
    [
      'signed with another secret',
      async () =>
        `Bearer ${await sign('another-secret-another-secret-another', { sub: alice.id, exp: '1h' })}`,
      'token_invalid',
    ],
  ])('answers 401 for a token %s, with the reason', async (_name, header, reason) => {
    const res = await channels(await header());
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'UNAUTHORIZED', reason });
  });

  it('answers 200 for a good one', async () => {
    expect((await channels(`Bearer ${alice.token}`)).status).toBe(200);
  });
});

describe('token expiry while connected', () => {
  it('ends the connection when its token expires; the reconnect is refused as token_expired', async () => {
    // exp has whole-second precision: 3 s leaves at least 2 s to log in and connect.
    const shortLived = await startTestServer({ tokenTtlSeconds: 3 });
    try {
      const { token, user } = await login(shortLived.url, 'alice');
      const socket = io(shortLived.url, {
        auth: { token, userId: user.id },
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 50,
      });
      const refused = new Promise<unknown>((resolve) => {
        socket.on('connect_error', (err) => resolve((err as Error & { data?: unknown }).data));
      });
      const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      // Closed as a transport, so socket.io-client reconnects by itself (and is then refused).
      expect(await disconnected).toBe('transport close');
      expect(await refused).toEqual({ reason: 'token_expired' });
      socket.close();
    } finally {
      await shortLived.close();
    }
  });
});
