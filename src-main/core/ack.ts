/** An emit that waits for the server's acknowledgement, or says why it never came. */
import type { ClientToServerEvents } from '../../src-shared/protocol';
import type { RelaySocket } from './connection';

export type AckOutcome = { kind: 'ack'; response: unknown } | { kind: 'timeout' } | { kind: 'disconnected' };

type AckedEvent = keyof ClientToServerEvents;

export function emitAndAwaitAck(
  socket: RelaySocket,
  event: AckedEvent,
  payload: Parameters<ClientToServerEvents[AckedEvent]>[0],
  timeoutMs: number,
): Promise<AckOutcome> {
  return new Promise((resolve) => {
    if (!socket.connected) {
      resolve({ kind: 'disconnected' });
      return;
    }
    // socket.io-client calls back with an error on timeout, and at once when the socket disconnects.
    const emitter = socket.timeout(timeoutMs) as unknown as {
      emit(event: string, payload: unknown, cb: (err: Error | null, response?: unknown) => void): void;
    };
    emitter.emit(event, payload, (err, response) => {
      if (!err) resolve({ kind: 'ack', response });
      else resolve(socket.connected ? { kind: 'timeout' } : { kind: 'disconnected' });
    });
  });
}

/** Refusals that will not get better by sending again: the protocol's one rule, for sends and receipts alike. */
export { isPermanentRefusal } from '../../src-shared/protocol';
