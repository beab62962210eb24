/**
 * Per-event metrics of the socket layer, outside the handlers: `timeAck` wraps an incoming event's
 * acknowledgement callback (when it has one) to observe the ack latency and its outcome. Messages accepted
 * and refused are counted by `message:send`'s route itself (socket/messages.ts): counting every outgoing
 * packet of every socket (`onAnyOutgoing`) cost each delivery of a fan-out a call and an array copy.
 */
import type { Metrics } from './metrics';

/** Events outside `knownEvents` share the label "other": a client cannot mint new time series. */
export function timeAck(
  metrics: Metrics,
  knownEvents: { has(event: string): boolean },
  packet: unknown[],
): void {
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
}

function outcomeOf(response: unknown): string {
  if (typeof response !== 'object' || response === null) return 'ok';
  const { ok, code } = response as { ok?: unknown; code?: unknown };
  return ok === false && typeof code === 'string' ? code : 'ok';
}
