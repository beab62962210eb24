/**
 * Per-event metrics of the socket layer, outside the handlers: `timeAck` wraps an incoming event's
 * acknowledgement callback (when it has one) to observe the ack latency and its outcome. Messages accepted
 * and refused are counted by `message:send`'s route itself (socket/messages.ts): counting every outgoing
 * packet of every socket (`onAnyOutgoing`) cost each delivery of a fan-out a call and an array copy.
 */
import type { Metrics } from './metrics';

/**
 * `event` is one the server routes (unknown events are refused before this), so a client cannot mint
 * new time series; `args` are the event's arguments, its ack last when it has one (wrapped in place).
 */
export function timeAck(metrics: Metrics, event: string, args: unknown[]): void {
  const last = args.length - 1;
  const ack = args[last];
  if (last >= 0 && typeof ack === 'function') {
    // One clock read at each end, and the series found by its label values (quick-histogram.ts).
    const start = performance.now();
    args[last] = (response: unknown) => {
      metrics.ackLatency.observeFor((performance.now() - start) / 1000, event, outcomeOf(response));
      (ack as (response: unknown) => void)(response);
    };
  }
}

function outcomeOf(response: unknown): string {
  if (typeof response !== 'object' || response === null) return 'ok';
  const { ok, code } = response as { ok?: unknown; code?: unknown };
  return ok === false && typeof code === 'string' ? code : 'ok';
}
