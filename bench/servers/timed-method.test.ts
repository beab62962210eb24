/**
 * The real server's insert timing for figures 1 and 3 (insertStats) recorded nothing: it overrode
 * insertMessage on the store startServer returns, whose instrumenting proxies had already bound the
 * original. timeMethod on the store as opened (decorateStore) is what every send goes through.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { demoServer, emitWithAck } from '../../src-server/testing';
import { MessageEvent, SendAck } from '../../src-shared/protocol';
import { timeMethod } from './timed-method';

describe('timeMethod', () => {
  it('records each call, answered or failed, and keeps the object and its answers', async () => {
    const recorded: number[] = [];
    const target = {
      calls: 0,
      async work(fail: boolean) {
        this.calls++;
        if (fail) throw new Error('no');
        return 'done';
      },
    };
    expect(timeMethod(target, 'work', (ms) => recorded.push(ms))).toBe(target);
    // A caller that binds the method afterwards (as the server's proxies do) gets the timed one.
    const bound = target.work.bind(target);
    await expect(bound(false)).resolves.toBe('done');
    await expect(target.work(true)).rejects.toThrow('no');
    expect(target.calls).toBe(2);
    expect(recorded).toHaveLength(2);
    for (const ms of recorded) expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('refuses what is not a method', () => {
    expect(() => timeMethod({ n: 1 } as Record<string, unknown>, 'n', () => {})).toThrow('not a method');
  });
});

describe("the real server's store, timed through decorateStore", () => {
  const demo = demoServer();
  afterEach(() => demo.stop());

  it('sees every message the server stores', async () => {
    const recorded: number[] = [];
    await demo.start({
      decorateStore: (store) => timeMethod(store, 'insertMessage', (ms) => recorded.push(ms)),
    });
    const alice = await demo.as('alice');
    for (const content of ['one', 'two', 'three']) {
      const ack = SendAck.parse(
        await emitWithAck(alice.socket, MessageEvent.SEND, { content, channelId: demo.general.id }),
      );
      expect(ack.ok).toBe(true);
    }
    expect(recorded).toHaveLength(3);
  });
});
