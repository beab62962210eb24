import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageEvent, SendAck } from '../../src-shared/protocol';
import {
  type ClientSocket,
  connectAs,
  emitWithAck,
  nextEvent,
  startTestServer,
  type TestServer,
} from '../testing';

let server: TestServer | undefined;
let sockets: ClientSocket[] = [];

afterEach(async () => {
  for (const socket of sockets) socket.close();
  sockets = [];
  await server?.close();
});

async function setup(messageRateLimit: number) {
  server = await startTestServer({ messageRateLimit });
  const alice = await connectAs(server.url, 'alice');
  const bob = await connectAs(server.url, 'bob');
  sockets.push(alice.socket, bob.socket);
  const general = (await server.store.listChannels(alice.user.id)).find((c) => c.name === 'general')!;
  const send = (socket: ClientSocket, clientMessageId = randomUUID()) =>
    emitWithAck<unknown>(socket, MessageEvent.SEND, {
      content: 'x',
      channelId: general.id,
      clientMessageId,
    }).then((a) => SendAck.parse(a));
  return { alice: alice.socket, bob: bob.socket, send, general };
}

describe('MESSAGE_RATE_LIMIT', () => {
  it('allows a burst of the limit, then answers RATE_LIMITED with message:error and stores nothing', async () => {
    const { alice, send, general } = await setup(5);
    const burst = await Promise.all(Array.from({ length: 5 }, () => send(alice)));
    expect(burst.every((a) => a.ok)).toBe(true);
    const clientMessageId = randomUUID();
    const error = nextEvent(alice, MessageEvent.ERROR);
    expect(await send(alice, clientMessageId)).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(await error).toMatchObject({ code: 'RATE_LIMITED', event: MessageEvent.SEND, clientMessageId });
    expect((await server!.store.listMessages(general.id, 'x', {})).messages).toHaveLength(5);
    expect(alice.connected).toBe(true);
  });

  it('counts per user: one user at the limit does not slow another', async () => {
    const { alice, bob, send } = await setup(3);
    await Promise.all(Array.from({ length: 3 }, () => send(alice)));
    expect((await send(alice)).ok).toBe(false);
    expect((await send(bob)).ok).toBe(true);
  });

  it('recognises a replay before the limit, and a replay does not count against it', async () => {
    const { alice, send } = await setup(2);
    const first = randomUUID();
    expect((await send(alice, first)).ok).toBe(true);
    // Replays at any rate answer with the first message.
    const replays = await Promise.all(Array.from({ length: 10 }, () => send(alice, first)));
    expect(replays.every((a) => a.ok)).toBe(true);
    // One point is still left for a fresh message.
    expect((await send(alice)).ok).toBe(true);
    expect((await send(alice)).ok).toBe(false);
    // And once limited, a replay still answers with its message.
    expect((await send(alice, first)).ok).toBe(true);
  });

  it('is off at 0', async () => {
    const { alice, send } = await setup(0);
    const acks = await Promise.all(Array.from({ length: 60 }, () => send(alice)));
    expect(acks.every((a) => a.ok)).toBe(true);
  });
});
