import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageEvent } from '../src-shared/protocol';
import { createLogger } from './logger';
import {
  connectRefusal,
  connectSocket,
  emitWithAck,
  login,
  startTestServer,
  type TestServer,
} from './testing';

const lines: string[] = [];
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    logger: createLogger('debug', { write: (line: string) => lines.push(line) }),
  });
});
afterAll(() => server.close());

describe('logs', () => {
  it('record connections, refusals and errors as JSON, never tokens, passwords or bodies', async () => {
    const body = 'TOP-SECRET-BODY-6d1f';
    const wrongPassword = 'hunter2-wrong-9c2e';
    const refused = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      // JSON routes take JSON only (issue 11): a text/plain login would be a 415, never checked.
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: wrongPassword }),
    });
    expect(refused.status).toBe(401);
    const { token, user } = await login(server.url, 'alice');
    const forged = `${token.slice(0, -4)}AAAA`;
    await connectRefusal(server.url, { token: forged });
    const socket = await connectSocket(server.url, { token, userId: user.id });
    const general = (await server.store.listChannels(user.id)).find((c) => c.name === 'general')!;
    await emitWithAck(socket, MessageEvent.SEND, { content: body, channelId: general.id });
    await emitWithAck(socket, MessageEvent.SEND, { content: body, channelId: 'not-an-id' });
    socket.close();
    await new Promise((r) => setTimeout(r, 50));

    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const text = lines.join('');
    for (const secret of [token, forged, token.split('.')[2]!, wrongPassword, body])
      expect(text).not.toContain(secret);
    expect(records).toContainEqual(expect.objectContaining({ msg: 'listening', url: server.url }));
    expect(records).toContainEqual(expect.objectContaining({ event: 'login_refused' }));
    expect(records).toContainEqual(expect.objectContaining({ event: 'login', userId: user.id }));
    expect(records).toContainEqual(
      expect.objectContaining({ event: 'auth_refused', reason: 'token_invalid' }),
    );
    expect(records).toContainEqual(expect.objectContaining({ event: 'connect', userId: user.id }));
    expect(records).toContainEqual(
      expect.objectContaining({ msg: 'event refused', code: 'VALIDATION', event: 'message:send' }),
    );
    expect(records).toContainEqual(expect.objectContaining({ event: 'disconnect', userId: user.id }));
  });

  it('redacts secret-looking fields should one ever be logged by mistake', () => {
    const captured: string[] = [];
    const logger = createLogger('info', { write: (line: string) => captured.push(line) });
    logger.info({ token: 't0k', password: 'p4ss', content: 'b0dy', auth: { token: 't1k' } }, 'oops');
    expect(captured.join('')).not.toMatch(/t0k|p4ss|b0dy|t1k/);
  });
});
