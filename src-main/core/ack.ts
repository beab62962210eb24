/** An emit that waits for the server's acknowledgement, or says why it never came. */
import type { ClientToServerEvents } from '../../src-shared/protocol';
import type { RelaySocket } from './connection';

export type AckOutcome = { kind: 'ack'; response: unknown } | { kind: 'timeout' } | { kind: 'disconnected' };

export type AckedEvent = keyof ClientToServerEvents;
export type AckedPayload = Parameters<ClientToServerEvents[AckedEvent]>[0];

export function emitAndAwaitAck(
  socket: RelaySocket,
  event: AckedEvent,
  payload: AckedPayload,
  timeoutMs: number,
): Promise<AckOutcome> {
  return new Promise((resolve) => emitWithAck(socket, event, payload, timeoutMs, resolve));
}

/**
 * Emits `event` (the socket connected) and calls `done` once with its outcome. socket.io-client calls
 * back with an error when its timer runs out, and at once when the socket disconnects (only for an emit
 * made through `timeout()`: without it, a disconnect drops the callback unheard).
 */
export function emitWithAck(
  socket: RelaySocket,
  event: AckedEvent,
  payload: AckedPayload,
  timeoutMs: number,
  done: (outcome: AckOutcome) => void,
): void {
  if (!socket.connected) {
    done({ kind: 'disconnected' });
    return;
  }
  const emitter = socket.timeout(timeoutMs) as unknown as {
    emit(event: string, payload: unknown, cb: (err: Error | null, response?: unknown) => void): void;
  };
  emitter.emit(event, payload, (err, response) => {
    if (!err) done({ kind: 'ack', response });
    else done(socket.connected ? { kind: 'timeout' } : { kind: 'disconnected' });
  });
}

/** Refusals that will not get better by sending again: the protocol's one rule, for sends and receipts alike. */
export { isPermanentRefusal } from '../../src-shared/protocol';
