/** "Messages that change" of interface.md on the SQLite store (changes-suite.ts), and their rate limits. */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangeAck, ChangeEvent } from '../../src-shared/protocol';
import { SEARCH_LIMIT } from '../http/change-routes';
import { CHANGE_LIMIT } from '../limits/event-limit';
import { type ConnectedUser, demoServer, emitWithAck } from '../testing';
import { changesSuite } from './changes-suite';

describe('messages that change on SQLite', () => changesSuite(async () => ({})));

describe('the rate limit of changes', () => {
  const demo = demoServer();
  let alice: ConnectedUser;
  beforeEach(async () => {
    await demo.start();
    alice = await demo.as('alice');
  });
  afterEach(() => demo.stop());

  it('refuses changes past the per-connection allowance before any handler runs', async () => {
    // Malformed on purpose: the gate counts packets before they are parsed, and nothing gets written.
    const payload = { messageId: 'nope', opId: randomUUID() };
    const codes: string[] = [];
    for (let i = 0; i <= CHANGE_LIMIT.perSocket; i++) {
      const event = CHANGE_LIMIT.events[i % CHANGE_LIMIT.events.length]!;
      const ack = ChangeAck.parse(await emitWithAck(alice.socket, event, payload));
      codes.push(ack.ok ? 'ok' : ack.code);
    }
    expect(codes.slice(0, CHANGE_LIMIT.perSocket).every((c) => c === 'VALIDATION')).toBe(true);
    expect(codes.at(-1)).toBe('RATE_LIMITED');
    expect(CHANGE_LIMIT.events).toContain(ChangeEvent.EDIT);
  });

  it('refuses searches past the per-user allowance with 429 and Retry-After', async () => {
    const search = () =>
      fetch(`${demo.server.url}/api/search?q=anything`, {
        headers: { authorization: `Bearer ${alice.token}` },
      });
    for (let i = 0; i < SEARCH_LIMIT.points; i++) expect((await search()).status).toBe(200);
    const refused = await search();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
