import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelList, LoginResponse, MessagesPage } from '../../src-shared/protocol';
import { login, startTestServer, type TestServer } from '../testing';

let server: TestServer;
let alice: LoginResponse;
let carol: LoginResponse;
let generalId: string;
let randomId: string;

const get = (path: string, token?: string) =>
  fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

beforeAll(async () => {
  server = await startTestServer({ corsOrigins: ['http://app.example'] });
  [alice, carol] = await Promise.all([login(server.url, 'alice'), login(server.url, 'carol')]);
  const channels = await server.store.listChannels(alice.user.id);
  generalId = channels.find((c) => c.name === 'general')!.id;
  randomId = channels.find((c) => c.name === 'random')!.id;
  // 120 messages in general, straight through the store (the socket path has its own tests).
  for (let i = 1; i <= 120; i++) {
    await server.store.insertMessage({
      id: randomUUID(),
      channelId: generalId,
      userId: i % 2 ? alice.user.id : carol.user.id,
      content: `m${i}`,
      createdAt: new Date().toISOString(),
    });
  }
});
afterAll(() => server.close());

describe('GET /healthz', () => {
  it('answers 200', async () => {
    expect((await get('/healthz')).status).toBe(200);
  });
});

describe('POST /api/login', () => {
  it('answers a token and the user', async () => {
    const res = await post('/api/login', JSON.stringify({ username: 'bob', password: 'password' }));
    expect(res.status).toBe(200);
    const body = LoginResponse.parse(await res.json());
    expect(body.user.name).toBe('Bob');
    expect(body.token.split('.')).toHaveLength(3);
  });

  it.each([
    ['a wrong password', { username: 'alice', password: 'nope' }],
    ['an unknown user', { username: 'mallory', password: 'password' }],
  ])('answers 401 for %s, with the same message', async (_name, body) => {
    const res = await post('/api/login', JSON.stringify(body));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Wrong username or password', code: 'UNAUTHORIZED' });
  });

  it.each([
    ['not JSON', '{username'],
    ['an empty body', ''],
    ['a missing password', JSON.stringify({ username: 'alice' })],
    ['a number for a name', JSON.stringify({ username: 1, password: 'password' })],
    ['an array', '[]'],
  ])('answers 400 for %s', async (_name, body) => {
    const res = await post('/api/login', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'VALIDATION' });
  });

  it('refuses a body over 16 KiB with 413', async () => {
    const res = await post('/api/login', JSON.stringify({ username: 'alice', password: 'x'.repeat(20_000) }));
    expect(res.status).toBe(413);
  });
});

describe('GET /api/channels', () => {
  it("lists the caller's channels only, with members, read position and unread count", async () => {
    const res = await get('/api/channels', carol.token);
    expect(res.status).toBe(200);
    const channels = ChannelList.parse(await res.json());
    expect(channels.map((c) => c.name)).toEqual(['general']);
    const [general] = channels;
    expect(general?.members.map((m) => m.name)).toEqual(['Alice', 'Bob', 'Carol']);
    expect(general?.memberIds).toEqual(general?.members.map((m) => m.id));
    // carol sent every even message; she has seen up to her last one (120), so nothing is unread.
    expect(general).toMatchObject({ lastSeq: 120, lastReadSeq: 120, unreadCount: 0 });
    const aliceGeneral = ChannelList.parse(await (await get('/api/channels', alice.token)).json())[0];
    expect(aliceGeneral).toMatchObject({ name: 'general', lastSeq: 120, lastReadSeq: 119, unreadCount: 1 });
  });
});

describe('GET /api/channels/:id/messages', () => {
  const page = async (query: string, token = alice.token) => {
    const res = await get(`/api/channels/${generalId}/messages${query}`, token);
    expect(res.status).toBe(200);
    return MessagesPage.parse(await res.json());
  };
  const seqs = (p: MessagesPage) => p.messages.map((m) => m.seq);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('gives the newest 50 in seq order by default', async () => {
    const p = await page('');
    expect(seqs(p)).toEqual(range(71, 120));
    expect(p.hasMore).toBe(true);
  });

  it.each([
    ['?before=71&limit=50', range(21, 70), true],
    ['?before=21&limit=50', range(1, 20), false],
    ['?after=100&limit=10', range(101, 110), true],
    ['?after=110', range(111, 120), false],
    ['?after=120', [], false],
  ])('pages backwards with before and forwards with after: %s', async (query, expected, hasMore) => {
    const p = await page(query);
    expect(seqs(p)).toEqual(expected);
    expect(p.hasMore).toBe(hasMore);
  });

  it('caps limit at 500', async () => {
    expect(seqs(await page('?after=0&limit=500'))).toEqual(range(1, 120));
    for (const query of ['?limit=501', '?limit=0', '?limit=-1', '?limit=ten', '?after=x', '?before=1.5']) {
      const res = await get(`/api/channels/${generalId}/messages${query}`, alice.token);
      expect(res.status, query).toBe(400);
    }
  });

  it('refuses after and before together with 400', async () => {
    const res = await get(`/api/channels/${generalId}/messages?after=1&before=5`, alice.token);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'VALIDATION' });
  });

  it('shapes messages as message:new, with receipts on the caller’s own only', async () => {
    const p = await page('?after=0&limit=2');
    const [own, theirs] = p.messages;
    expect(own).toMatchObject({
      seq: 1,
      content: 'm1',
      userId: alice.user.id,
      user: { name: 'Alice' },
      receipts: [],
    });
    expect(theirs).toMatchObject({ seq: 2, userId: carol.user.id });
    expect(theirs).not.toHaveProperty('receipts');
  });

  it('answers 404 for an unknown channel, 403 for a non-member, 401 without a token', async () => {
    expect((await get(`/api/channels/${randomUUID()}/messages`, alice.token)).status).toBe(404);
    expect((await get('/api/channels/not-a-uuid/messages', alice.token)).status).toBe(404);
    const forbidden = await get(`/api/channels/${randomId}/messages`, carol.token);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await get(`/api/channels/${generalId}/messages`)).status).toBe(401);
  });
});

describe('HTTP edges', () => {
  it('answers 404 JSON for an unknown path and 405 for a wrong method', async () => {
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'Not found', code: 'NOT_FOUND' });
    expect((await fetch(`${server.url}/api/channels`, { method: 'DELETE' })).status).toBe(405);
    expect((await post('/healthz', '{}')).status).toBe(405);
  });

  it('allows only the configured CORS origins', async () => {
    const allowed = await fetch(`${server.url}/api/login`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.example');
    const other = await fetch(`${server.url}/healthz`, { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('login throttling', () => {
  it('refuses a username from one address after 10 wrong passwords, even with the right one; others carry on', async () => {
    for (let i = 0; i < 10; i++) {
      expect(
        (await post('/api/login', JSON.stringify({ username: 'bob', password: `guess${i}` }))).status,
      ).toBe(401);
    }
    const blocked = await post('/api/login', JSON.stringify({ username: 'bob', password: 'password' }));
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(
      (await post('/api/login', JSON.stringify({ username: 'alice', password: 'password' }))).status,
    ).toBe(200);
  });

  it('matches usernames as people type them', async () => {
    const res = await post('/api/login', JSON.stringify({ username: ' Carol ', password: 'password' }));
    expect(res.status).toBe(200);
    expect(LoginResponse.parse(await res.json()).user.id).toBe(carol.user.id);
  });
});
