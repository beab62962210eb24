/**
 * Per-socket metrics, hooked onto the socket from outside the handlers (two Socket.IO hooks), so the
 * send path itself carries no metrics code:
 * - `socket.use` sees each incoming event first and wraps its acknowledgement callback: the ack latency;
 * - `onAnyOutgoing` sees what the server says back: `message:sent` is an accepted message and
 *   `message:error` for `message:send` a refused one, whether or not the client asked for an ack.
 */
import { ErrorCode, type MessageErrorEvent, MessageEvent } from '../../src-shared/protocol';
import type { RelaySocket } from '../socket/types';
import type { Metrics } from './metrics';

/** Events outside `knownEvents` share the label "other": a client cannot mint new time series. */
export function observeSocket(socket: RelaySocket, metrics: Metrics, knownEvents: ReadonlySet<string>): void {
  metrics.connections.inc();
  socket.use((packet, next) => {
    const last = packet.length - 1;
    const ack = packet[last];
    if (last > 0 && typeof ack === 'function') {
      const event = typeof packet[0] === 'string' && knownEvents.has(packet[0]) ? packet[0] : 'other';
      const end = metrics.ackLatency.startTimer({ event });
      packet[last] = (response: unknown) => {
        end({ outcome: outcomeOf(response) });
        (ack as (response: unknown) => void)(response);
      };
    }
    next();
  });
  socket.onAnyOutgoing((event: string, payload: unknown) => {
    if (event === MessageEvent.SENT) {
      metrics.messagesAccepted.inc();
    } else if (event === MessageEvent.ERROR) {
      const error = payload as MessageErrorEvent;
      if (error.event !== MessageEvent.SEND) return;
      metrics.messagesRefused.inc({ code: error.code });
      if (error.code === ErrorCode.RATE_LIMITED) metrics.rateLimitRefusals.inc({ scope: 'message' });
    }
  });
}

function outcomeOf(response: unknown): string {
  if (typeof response !== 'object' || response === null) return 'ok';
  const { ok, code } = response as { ok?: unknown; code?: unknown };
  return ok === false && typeof code === 'string' ? code : 'ok';
}
