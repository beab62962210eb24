import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageEvent, SendAck } from '../../src-shared/protocol';
import { type ClientSocket, demoServer, emitWithAck, recordEvents } from '../testing';

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

// Each case sends everything at once, so it all lands in one rate-limit window however busy the machine.
describe('MESSAGE_RATE_LIMIT', () => {
  it('allows a burst of the limit, then answers RATE_LIMITED with message:error and stores nothing', async () => {
    const { alice, send, general } = await setup(5);
    const errors = recordEvents(alice);
    const acks = await Promise.all(Array.from({ length: 6 }, () => send(alice)));
    expect(acks.filter((a) => a.ok)).toHaveLength(5);
    expect(acks.filter((a) => !a.ok)).toEqual([
      { ok: false, error: expect.any(String), code: 'RATE_LIMITED' },
    ]);
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
