/**
 * Frames to one connection leave in one write where they can.
 *
 * engine.io flushes a connection's buffer the moment a packet is queued, if its transport is writable,
 * and then holds every later packet until that write's callback (a tick later); ws writes each frame by
 * itself. So a send's `message:sent` and its ack, made in the same turn, went out as two writes, and a
 * pipeline's answers, queued while a write was out, as one write per frame. On loopback a write is a
 * syscall that also runs the receiver's TCP path: the sockets' writes were a quarter to a third of the
 * server's main thread per message (BENCHMARKS.md, srv8 and srv9).
 *
 * Two things, per connection: every flush runs with the TCP socket corked, so all the frames it hands to
 * ws go out in one `writev`; and `holdWrites` lets a sender's answer wait for the end of the turn
 * (`process.nextTick`, after the promise callbacks that queue the ack), so that it and `message:sent`
 * share that write. Other connections' flushes (the room's broadcast) are not delayed; a broadcast to
 * the held connection itself waits with its answer, to the end of the same turn. Order is kept:
 * engine.io's buffer is flushed in order, only later.
 *
 * This reaches into engine.io (the connection's `flush`) and ws (the WebSocket's `_socket`): the test
 * beside this file counts the writes, so a version that moves either fails there.
 */
import type { Socket as NetSocket } from 'node:net';

/** The part of an engine.io connection (its `Socket`) this wraps. */
interface EngineConnection {
  flush(): void;
  transport: { socket?: { _socket?: NetSocket } };
}

const holds = new WeakMap<object, () => void>();

export function coalesceWrites(connection: EngineConnection): void {
  const flushNow = connection.flush;
  let held = false;
  const flushCorked = () => {
    // Only the websocket transport has one (polling answers a request with the whole buffer anyway).
    const tcp = connection.transport.socket?._socket;
    tcp?.cork();
    try {
      flushNow.call(connection);
    } finally {
      tcp?.uncork();
    }
  };
  const release = () => {
    held = false;
    flushCorked();
  };
  connection.flush = () => {
    if (!held) flushCorked();
  };
  holds.set(connection, () => {
    if (held) return;
    held = true;
    process.nextTick(release);
  });
}

/** What is queued for this connection from now to the end of the turn leaves in one write. */
export function holdWrites(connection: object): void {
  holds.get(connection)?.();
}
