import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageEvent, SendAck } from '../../src-shared/protocol';
import { type ClientSocket, demoServer, emitWithAck, recordEvents } from '../testing';
import { createMessageRateLimiter } from './rate-limit';

// Each test starts the server itself, with the limit it tests.
const demo = demoServer();
afterEach(() => demo.stop());

async function setup(messageRateLimit: number) {
  await demo.start({ messageRateLimit });
  const alice = await demo.as('alice');
  const bob = await demo.as('bob');
  const general = demo.general;
  const send = (socket: ClientSocket, clientMessageId = randomUUID()) =>
    emitWithAck<unknown>(socket, MessageEvent.SEND, {
      content: 'x',
      channelId: general.id,
      clientMessageId,
    }).then((a) => SendAck.parse(a));
  return { alice: alice.socket, bob: bob.socket, send, general };
}

// Each case sends everything at once: the bucket refills a token per 1/limit s, far longer than a burst takes.
describe('MESSAGE_RATE_LIMIT', () => {
  it('allows a burst of the limit, then answers RATE_LIMITED with message:error and stores nothing', async () => {
    const { alice, send, general } = await setup(5);
    const errors = recordEvents(alice);
    const acks = await Promise.all(Array.from({ length: 6 }, () => send(alice)));
    expect(acks.filter((a) => a.ok)).toHaveLength(5);
    // retryAfterMs: the block (one second) is what is left before the next message is taken.
    expect(acks.filter((a) => !a.ok)).toEqual([
      { ok: false, error: expect.any(String), code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) },
    ]);
    const { retryAfterMs } = acks.find((a) => !a.ok) as { retryAfterMs: number };
    expect(retryAfterMs).toBeGreaterThan(900);
    expect(retryAfterMs).toBeLessThanOrEqual(1_000);
    const refusals = errors.filter((e) => e.event === MessageEvent.ERROR).map((e) => e.payload);
    expect(refusals).toEqual([
      expect.objectContaining({
        code: 'RATE_LIMITED',
        event: MessageEvent.SEND,
        clientMessageId: expect.any(String),
      }),
    ]);
    expect((await demo.server.store.listMessages(general.id, 'x', {})).messages).toHaveLength(5);
    expect(alice.connected).toBe(true);
  });

  it('counts per user: one user at the limit does not slow another', async () => {
    const { alice, bob, send } = await setup(3);
    const acks = await Promise.all([...Array.from({ length: 4 }, () => send(alice)), send(bob)]);
    const aliceAcks = acks.slice(0, 4).map((a) => a.ok);
    expect(aliceAcks.filter((ok) => !ok)).toHaveLength(1);
    expect(acks[4]?.ok).toBe(true);
  });

  it('recognises a replay before the limit, and a replay does not count against it', async () => {
    const { alice, send } = await setup(2);
    const first = randomUUID();
    const [original, ...rest] = await Promise.all([
      send(alice, first),
      ...Array.from({ length: 10 }, () => send(alice, first)),
      send(alice),
      send(alice),
    ]);
    const replays = rest.slice(0, 10);
    const fresh = rest.slice(10);
    expect(original?.ok).toBe(true);
    expect(replays).toEqual(Array.from({ length: 10 }, () => original));
    // The original took one point of two: exactly one fresh message fits.
    expect(fresh.map((a) => a.ok).sort()).toEqual([false, true]);
    // Once limited, a replay still answers with its message.
    expect(await send(alice, first)).toEqual(original);
  });

  it('is off at 0', async () => {
    const { alice, send } = await setup(0);
    const acks = await Promise.all(Array.from({ length: 60 }, () => send(alice)));
    expect(acks.every((a) => a.ok)).toBe(true);
  });
});

describe('createMessageRateLimiter (its own clock)', () => {
  function limiter(perSecond: number) {
    let t = 0;
    const limit = createMessageRateLimiter(perSecond, () => t);
    const allowed = (userId = 'u') => {
      try {
        limit.consume(userId);
        return true;
      } catch (err) {
        expect(err).toMatchObject({ code: 'RATE_LIMITED' });
        return false;
      }
    };
    return { allowed, advance: (ms: number) => (t += ms) };
  }

  it('allows a burst of the limit, then the limit a second, spread out', () => {
    const { allowed, advance } = limiter(4);
    expect([1, 2, 3, 4].map(() => allowed())).toEqual([true, true, true, true]);
    // A token every 250 ms from an empty bucket, as long as nothing is refused.
    const spread = Array.from({ length: 8 }, () => {
      advance(250);
      return allowed();
    });
    expect(spread.every(Boolean)).toBe(true);
    // The bucket is empty: not a second burst (a fixed window would have started a fresh one by now).
    expect(allowed()).toBe(false);
  });

  it('refuses everything for a second after a refusal, even once a token is back', () => {
    const { allowed, advance } = limiter(3);
    expect([1, 2, 3, 4].map(() => allowed())).toEqual([true, true, true, false]);
    // A fixed one-second window would start afresh here and let the next message of the pipeline in
    // ahead of the refused one's retry.
    advance(999);
    expect(allowed()).toBe(false);
    // Sending into the block does not stretch it; at its end the bucket is full again.
    advance(1);
    expect([1, 2, 3, 4].map(() => allowed())).toEqual([true, true, true, false]);
  });

  it('says a block is one second, never more, whatever the clock reads (no float rounding up to 1,001)', () => {
    // At this clock reading, (t + 1000) - t is 1000.0000000000001 in floating point.
    const t = 16270.712173696911;
    const limit = createMessageRateLimiter(1, () => t);
    limit.consume('u');
    expect(() => limit.consume('u')).toThrow(expect.objectContaining({ hints: { retryAfterMs: 1_000 } }));
  });

  it('counts each user apart', () => {
    const { allowed } = limiter(1);
    expect([allowed('a'), allowed('a'), allowed('b')]).toEqual([true, false, true]);
  });
});

describe('token holds (a send judged before it is known not to be a copy)', () => {
  function holder(perSecond: number) {
    let t = 0;
    const limit = createMessageRateLimiter(perSecond, () => t);
    const holds = limit.holds!;
    const refused = (at = t) => {
      try {
        limit.consume('u', at);
        return false;
      } catch (err) {
        expect(err).toMatchObject({ code: 'RATE_LIMITED' });
        return true;
      }
    };
    return { limit, holds, refused, advance: (ms: number) => (t += ms) };
  }

  it('a released hold is as if never taken; a kept one counts', () => {
    const { holds, refused } = holder(2);
    const a = holds.hold('u', 0);
    const b = holds.hold('u', 0);
    expect(a && b).toBeDefined();
    expect(holds.hold('u', 0)).toBeUndefined();
    a!.release();
    const c = holds.hold('u', 0);
    expect(c).toBeDefined();
    b!.keep();
    c!.keep();
    expect(refused()).toBe(true);
  });

  it('settles once every hold taken so far is kept or released', async () => {
    const { holds } = holder(3);
    await holds.settled('u');
    const a = holds.hold('u', 0)!;
    const b = holds.hold('u', 0)!;
    let settled = false;
    const waiting = holds.settled('u').then(() => {
      settled = true;
    });
    a.keep();
    await Promise.resolve();
    expect(settled).toBe(false);
    b.release();
    await waiting;
    expect(settled).toBe(true);
  });

  it('judges a send at its arrival: a refill after it does not let it in', () => {
    const { holds, refused, advance } = holder(1);
    holds.hold('u', 0)!.keep();
    advance(2_000);
    // Arrived at 500 ms (half a token back), judged now: refused, and told the whole block.
    expect(holds.hold('u', 500)).toBeUndefined();
    expect(refused(500)).toBe(true);
  });

  it('is there when the limit is off, and always holds', () => {
    const { holds } = holder(0);
    expect(Array.from({ length: 100 }, () => holds.hold('u', 0)).every(Boolean)).toBe(true);
  });
});
