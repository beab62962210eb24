/** writeTogether against the real server: one write of the TCP socket for a burst, every frame delivered. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type ClientSocket,
  connectAs,
  emitWithAck,
  startTestServer,
  type TestServer,
} from '../../src-server/testing';
import { MessageEvent, SendAck } from '../../src-shared/protocol';
import { writeTogether } from './write-together';

let server: TestServer;
let socket: ClientSocket;
let channelId: string;

beforeAll(async () => {
  server = await startTestServer({ messageRateLimit: 0 });
  const alice = await connectAs(server.url, 'alice');
  socket = alice.socket;
  const channels = (await fetch(`${server.url}/api/channels`, {
    headers: { authorization: `Bearer ${alice.token}` },
  }).then((r) => r.json())) as { id: string; name: string }[];
  channelId = channels.find((c) => c.name === 'general')!.id;
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  socket?.close();
  await server?.close();
});

/**
 * The TCP socket under the client's websocket, spied on. writeTogether reaches it through engine.io-client's
 * and ws's own fields and does nothing when they are not there, so a version that moves them fails here, by name.
 */
function tcpWrites() {
  const transport = (
    socket.io as unknown as { engine?: { transport?: { name?: string; ws?: { _socket?: unknown } } } }
  ).engine?.transport;
  const tcp = transport?.ws?._socket as { _write?: () => void; _writev?: () => void } | undefined;
  if (
    transport?.name !== 'websocket' ||
    typeof tcp?._write !== 'function' ||
    typeof tcp._writev !== 'function'
  )
    throw new Error(
      "socket.io-client's TCP socket is no longer at engine.transport.ws._socket (an engine.io-client or ws " +
        'upgrade moved it): write-together.ts cannot cork it, and every frame of a burst is a write again',
    );
  return {
    write: vi.spyOn(tcp as { _write: () => void }, '_write'),
    writev: vi.spyOn(tcp as { _writev: () => void }, '_writev'),
  };
}

const send = (content: string) =>
  emitWithAck(socket, MessageEvent.SEND, { channelId, content }).then((ack) => SendAck.parse(ack));

describe('writeTogether', () => {
  it('sends a burst of emits in one write of the socket, and the server gets each (bench figure 6)', async () => {
    const { write, writev } = tcpWrites();
    const acks = writeTogether(socket, 20, () => Array.from({ length: 20 }, (_, i) => send(`together ${i}`)));
    await new Promise((resolve) => setImmediate(resolve));
    // Each frame was a writev of its own (header and payload), 20 system calls for one burst.
    expect(write.mock.calls.length + writev.mock.calls.length).toBe(1);
    const answered = await Promise.all(acks);
    expect(answered.every((a) => a.ok)).toBe(true);
  });

  it('leaves a lone emit as it was: written at once', async () => {
    const { write, writev } = tcpWrites();
    const ack = writeTogether(socket, 1, () => send('alone'));
    expect(write.mock.calls.length + writev.mock.calls.length).toBe(1);
    expect((await ack).ok).toBe(true);
  });
});
