import { afterEach, describe, expect, it } from 'vitest';
import { MessageEvent, TypingEvent } from '../../src-shared/protocol';
import { demoServer, emitWithAck, flush, nextEvent, recordEvents } from '../testing';

const TYPING_TIMEOUT_MS = 150;
// Each test starts the server itself, with the typing timeout it needs.
const demo = demoServer();
afterEach(() => demo.stop());

const setup = (typingTimeoutMs = TYPING_TIMEOUT_MS) => demo.start({ typingTimeoutMs });

/** A server whose indicator ends after `typingTimeoutMs` of quiet; alice types, bob records what he sees. */
async function aliceTypingToBob(typingTimeoutMs: number) {
  await setup(typingTimeoutMs);
  const alice = await demo.as('alice');
  const bob = await demo.as('bob');
  return { alice, bob, seen: recordEvents(bob.socket) };
}

describe('typing', () => {
  it("forwards start and stop with userId to the room, except the typist's own sockets", async () => {
    await setup();
    const alice = await demo.as('alice');
    const laptop = await demo.as('alice');
    const bob = await demo.as('bob');
    const ownSeen = [recordEvents(alice.socket), recordEvents(laptop.socket)];
    const start = nextEvent(bob.socket, MessageEvent.TYPING_START);
    expect(
      await emitWithAck(alice.socket, MessageEvent.TYPING_START, {
        channelId: demo.general.id,
        isTyping: true,
      }),
    ).toEqual({ ok: true });
    expect(TypingEvent.parse(await start)).toEqual({
      userId: alice.user.id,
      channelId: demo.general.id,
      isTyping: true,
    });
    const stop = nextEvent(bob.socket, MessageEvent.TYPING_STOP);
    await emitWithAck(alice.socket, MessageEvent.TYPING_STOP, {
      channelId: demo.general.id,
      isTyping: false,
    });
    expect(TypingEvent.parse(await stop)).toEqual({
      userId: alice.user.id,
      channelId: demo.general.id,
      isTyping: false,
    });
    await Promise.all([flush(alice.socket), flush(laptop.socket)]);
    // Only typing counts here: bob's own arrival may reach alice as a presence update meanwhile.
    const typingOf = (seen: { event: string }[]) =>
      seen.filter((e) => e.event === MessageEvent.TYPING_START || e.event === MessageEvent.TYPING_STOP);
    expect(ownSeen.map(typingOf)).toEqual([[], []]);
  });

  it('sends typing:stop itself when the typist goes quiet, and refreshes keep it alive', async () => {
    // Wide margins, so a busy machine cannot make the refresh arrive after the first timer.
    const timeoutMs = 1_000;
    const { alice, bob, seen } = await aliceTypingToBob(timeoutMs);
    await emitWithAck(alice.socket, MessageEvent.TYPING_START, { channelId: demo.general.id });
    await new Promise((r) => setTimeout(r, 300));
    const refreshedAt = Date.now();
    await emitWithAck(alice.socket, MessageEvent.TYPING_START, { channelId: demo.general.id });
    const stop = await nextEvent(bob.socket, MessageEvent.TYPING_STOP, 5_000);
    // The timer restarted when the refresh arrived, which was no earlier than it was sent.
    expect(Date.now() - refreshedAt).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(stop).toEqual({ userId: alice.user.id, channelId: demo.general.id, isTyping: false });
    // The refresh came within a second of the start: it kept the indicator alive without a second broadcast.
    expect(seen.map((e) => e.event)).toEqual([MessageEvent.TYPING_START, MessageEvent.TYPING_STOP]);
  });

  it('passes on a tight loop of refreshes at most once a second, and a stop nobody started not at all', async () => {
    const { alice, bob, seen } = await aliceTypingToBob(60_000);
    await emitWithAck(alice.socket, MessageEvent.TYPING_STOP, { channelId: demo.general.id });
    await Promise.all(
      Array.from({ length: 50 }, () =>
        emitWithAck(alice.socket, MessageEvent.TYPING_START, { channelId: demo.general.id }),
      ),
    );
    await flush(bob.socket);
    expect(seen.map((e) => e.event)).toEqual([MessageEvent.TYPING_START]);
  });

  it("sends typing:stop when the typist's last socket disconnects, not before", async () => {
    // A long timeout, so only the disconnect can end the indicator here.
    await setup(60_000);
    const a = await demo.as('alice');
    const l = await demo.as('alice');
    const b = await demo.as('bob');
    const channel = demo.general;
    const seen = recordEvents(b.socket);
    await emitWithAck(a.socket, MessageEvent.TYPING_START, { channelId: channel.id });
    a.socket.close();
    await flush(l.socket);
    await flush(b.socket);
    expect(seen.map((e) => e.event)).toEqual([MessageEvent.TYPING_START]);
    const stop = nextEvent(b.socket, MessageEvent.TYPING_STOP);
    l.socket.close();
    expect(await stop).toEqual({ userId: a.user.id, channelId: channel.id, isTyping: false });
  });

  it('ends the indicator when the typist sends a message there', async () => {
    const { alice, bob, seen } = await aliceTypingToBob(60_000);
    await emitWithAck(alice.socket, MessageEvent.TYPING_START, { channelId: demo.general.id });
    await emitWithAck(alice.socket, MessageEvent.SEND, {
      content: 'done typing',
      channelId: demo.general.id,
    });
    await flush(bob.socket);
    expect(seen.map((e) => e.event)).toEqual([
      MessageEvent.TYPING_START,
      MessageEvent.NEW,
      MessageEvent.TYPING_STOP,
    ]);
  });
});

describe('typing flood (issue 11)', () => {
  it('turns 2,000 alternating starts and stops into at most one broadcast a second, ending stopped, and cuts the flooder', async () => {
    await setup(60_000);
    const alice = await demo.as('alice');
    const bob = await demo.as('bob');
    const seen: { event: string }[] = [];
    bob.socket.onAny((event: string) => seen.push({ event }));
    const refusals: unknown[] = [];
    alice.socket.on(MessageEvent.ERROR, (error) => refusals.push(error));
    const cut = nextEvent<string>(alice.socket, 'disconnect');
    const started = performance.now();
    for (let i = 0; i < 1_000; i++) {
      alice.socket.emit(MessageEvent.TYPING_START, { channelId: demo.general.id });
      alice.socket.emit(MessageEvent.TYPING_STOP, { channelId: demo.general.id });
    }
    // 2,000 in a second is far past ten times the allowance: the server closes that connection.
    expect(await cut).toBe('io server disconnect');
    // The typist's last socket is gone, so the server ends the indicator itself, when the quiet period
    // allows.
    await new Promise((r) => setTimeout(r, 1_100));
    await flush(bob.socket);
    const seconds = (performance.now() - started) / 1_000;
    const typing = seen.filter((e) => e.event.startsWith('message:typing'));
    // Coalesced, a start and its stop may net to nothing at all; whatever did go out ends stopped.
    expect(typing.length).toBeLessThanOrEqual(Math.floor(seconds) + 1);
    expect(typing.at(-1)?.event ?? MessageEvent.TYPING_STOP).toBe(MessageEvent.TYPING_STOP);
    // The flood was refused with its code (message:error once per window; the rest dropped).
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((r) => (r as { code: string }).code === 'RATE_LIMITED')).toBe(true);
  });
});
