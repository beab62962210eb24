/**
 * Frames to one connection in one turn of the event loop leave in one write.
 *
 * engine.io flushes a connection's buffer the moment a packet is queued, if its transport is writable,
 * and then holds every later packet until that write's callback (a tick later): so a send's
 * `message:sent` and its ack, made in the same turn, went out as two writes, and a pipeline's answers as
 * one write per frame (ws writes each frame by itself). On loopback a write is a syscall that also runs
 * the receiver's TCP path: the sockets' writes were a quarter to a third of the server's main thread per
 * message (BENCHMARKS.md, srv8 and srv9). Here a connection's flush waits for the end of the turn
 * (`process.nextTick`: after the promise callbacks that queue the ack), and runs with the TCP socket
 * corked, so all the frames it hands to ws go out in one `writev`. Order is kept: engine.io's buffer is
 * still flushed in order, only later in the same turn.
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

export function coalesceWrites(connection: EngineConnection): void {
  const flushNow = connection.flush;
  let due = false;
  const flushDue = () => {
    due = false;
    // Only the websocket transport has one (polling answers a request with the whole buffer anyway).
    const tcp = connection.transport.socket?._socket;
    tcp?.cork();
    try {
      flushNow.call(connection);
    } finally {
      tcp?.uncork();
    }
  };
  connection.flush = () => {
    if (due) return;
    due = true;
    process.nextTick(flushDue);
  };
}
