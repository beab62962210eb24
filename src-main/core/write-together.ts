/**
 * Frames emitted together leave in one write of the TCP socket. socket.io-client on the websocket
 * transport writes each packet as its own frame, and `ws` writes each frame at once: a pump of 40 sends
 * after an ack batch was 40 `writev` system calls (bench figure 6's replay: `writev` alone 7 % of the
 * core's time), a flush of 64 receipts 64. While `emit` runs, the socket is corked; it is uncorked on
 * the next tick, behind engine.io-client's own "drain" (also a `process.nextTick`, queued by the first
 * packet), which writes the packets emitted after the first: everything goes in one `writev`, in order,
 * before the loop waits for I/O again. The protocol is unchanged: the same frames, in the same order.
 *
 * The TCP socket is reached through engine.io-client's and ws's own fields (`transport.ws._socket`):
 * when they are not there (another transport, another version), `emit` just runs, as before.
 */
import type { RelaySocket } from './connection';

interface Corkable {
  cork(): void;
  uncork(): void;
}

/** The TCP socket under a Socket.IO client on the websocket transport, when it can be reached. */
function tcpOf(socket: RelaySocket): Corkable | undefined {
  // A stand-in socket (tests) has no manager.
  const manager = (socket as { io?: unknown }).io as
    | { engine?: { transport?: { name?: string; ws?: { _socket?: unknown } } } }
    | undefined;
  const transport = manager?.engine?.transport;
  const tcp = transport?.name === 'websocket' ? transport.ws?._socket : undefined;
  const corkable = tcp as Partial<Corkable> | undefined;
  return typeof corkable?.cork === 'function' && typeof corkable.uncork === 'function'
    ? (corkable as Corkable)
    : undefined;
}

/**
 * Runs `emit` (up to `frames` emits on `socket`) with their frames written together, after it. A lone
 * frame is written at once, as without this.
 */
export function writeTogether<T>(socket: RelaySocket, frames: number, emit: () => T): T {
  const tcp = frames > 1 ? tcpOf(socket) : undefined;
  if (!tcp) return emit();
  tcp.cork();
  try {
    return emit();
  } finally {
    process.nextTick(() => tcp.uncork());
  }
}
