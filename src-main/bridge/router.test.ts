import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BridgeFailure } from '../../src-shared/bridge';
import { createRouter } from './router';
import { createFakeCore } from './testing/fake-core';

const quiet = () => {};

describe('bridge router', () => {
  it('passes a valid call to its handler with the parsed input and returns its value', async () => {
    const core = createFakeCore();
    const router = createRouter(core.handlers, quiet);
    const channelId = randomUUID();
    const result = await router.dispatch('sendMessage', { channelId, content: 'hello', parentId: null });
    expect(result).toMatchObject({ ok: true, value: { channelId, content: 'hello', status: 'Sending' } });
    // `null` in an optional field counts as absent: the handler sees no parentId.
    expect(core.received).toEqual([{ name: 'sendMessage', args: { channelId, content: 'hello' } }]);
  });

  it('refuses an unknown call, without touching the core', async () => {
    const core = createFakeCore();
    const router = createRouter(core.handlers, quiet);
    for (const name of ['dropDatabase', 'toString', '__proto__', 42, undefined]) {
      const result = await router.dispatch(name, undefined);
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
    }
    expect(core.received).toEqual([]);
  });

  it('refuses malformed input with a message naming the field, and changes nothing', async () => {
    const core = createFakeCore();
    const router = createRouter(core.handlers, quiet);
    const result = await router.dispatch('signIn', {
      serverUrl: 'not a url',
      username: 'alice',
      password: 'hunter22',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('BAD_REQUEST');
    expect(result.error.message).toContain('signIn');
    expect(result.error.message).toContain('serverUrl');
    // The password (a value) is never echoed back.
    expect(result.error.message).not.toContain('hunter22');
    expect(await router.dispatch('sendMessage', { channelId: randomUUID(), content: '   ' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await router.dispatch('getSession', { extra: true })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(core.received).toEqual([]);
  });

  it("keeps a BridgeFailure's code and message", async () => {
    const core = createFakeCore({
      markRead: () => {
        throw new BridgeFailure('NOT_FOUND', 'No such channel');
      },
    });
    const result = await createRouter(core.handlers, quiet).dispatch('markRead', { channelId: randomUUID() });
    expect(result).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No such channel' } });
  });

  it('turns any other error into INTERNAL without leaking its message, and logs it', async () => {
    const logged: unknown[] = [];
    const core = createFakeCore({
      listChannels: async () => {
        throw new Error('SQLITE_CORRUPT at /home/alice/.config/Relay/relay.db');
      },
    });
    const router = createRouter(core.handlers, (message, details) => logged.push({ message, details }));
    const result = await router.dispatch('listChannels', undefined);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('SQLITE');
    expect(logged).toHaveLength(1);
  });

  it('refuses to pass on a handler value that breaks the contract', async () => {
    const core = createFakeCore({ retryAll: () => -1 });
    const result = await createRouter(core.handlers, quiet).dispatch('retryAll', undefined);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
