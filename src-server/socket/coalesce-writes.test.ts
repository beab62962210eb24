import type { Socket as NetSocket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageEvent, MessageSent, SendAck } from '../../src-shared/protocol';
import { demoServer, emitWithAck, nextEvent } from '../testing';

// No rate limit: the pipeline below is 50 sends at once.
const demo = demoServer({ messageRateLimit: 0 });
beforeEach(() => demo.start());
afterEach(() => demo.stop());

/** The TCP socket under a user's (only) Socket.IO connection, engine.io's websocket transport. */
function rawSocketOf(userId: string): NetSocket {
  const socket = [...demo.server.io.of('/').sockets.values()].find((s) => s.data.userId === userId);
  const transport = socket?.conn.transport as unknown as { socket?: { _socket?: NetSocket } };
  const raw = transport.socket?._socket;
  if (!raw) throw new Error(`no websocket connection of ${userId}`);
  return raw;
}

/** Counts the server's writes to a TCP socket (each `_write`/`_writev` is one syscall, or one queued request). */
function countWrites(raw: NetSocket): { writes: number; chunks: number } {
  const counted = { writes: 0, chunks: 0 };
  const internals = raw as unknown as {
    _write(...args: unknown[]): void;
    _writev(chunks: unknown[], ...rest: unknown[]): void;
  };
  const write = internals._write.bind(raw);
  const writev = internals._writev.bind(raw);
  internals._write = (...args) => {
    counted.writes++;
    counted.chunks++;
    write(...args);
  };
  internals._writev = (chunks, ...rest) => {
    counted.writes++;
    counted.chunks += chunks.length;
    writev(chunks, ...rest);
  };
  return counted;
}

describe('frames to one socket', () => {
  it("leave in one write: a send's ack and its message:sent", async () => {
    const alice = await demo.as('alice');
    const counted = countWrites(rawSocketOf(alice.user.id));
    const sent = nextEvent(alice.socket, MessageEvent.SENT);
    const ack = SendAck.parse(
      await emitWithAck(alice.socket, MessageEvent.SEND, {
        content: 'one write',
        channelId: demo.general.id,
      }),
    );
    expect(MessageSent.parse(await sent)).toEqual(ack);
    // Two frames (message:sent, then the ack), each a header and a body for ws: one writev.
    expect(counted.writes).toBe(1);
    expect(counted.chunks).toBeGreaterThanOrEqual(2);
  });

  it('leave in order, however many: a pipeline of sends is answered in seq order', async () => {
    const alice = await demo.as('alice');
    const events: { event: string; seq: number }[] = [];
    alice.socket.onAny((event: string, payload: { seq?: number }) =>
      events.push({ event, seq: payload.seq ?? 0 }),
    );
    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        emitWithAck(alice.socket, MessageEvent.SEND, { content: `m${i}`, channelId: demo.general.id }),
      ),
    );
    expect(acks.map((a) => SendAck.parse(a)).map((a) => a.ok && a.seq)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(events.filter((e) => e.event === MessageEvent.SENT).map((e) => e.seq)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });
});
