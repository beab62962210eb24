/**
 * The first check every inbound packet of a limited event meets (a Socket.IO per-socket middleware),
 * synchronous and allocation-light, so that refusing a flood costs the server less than the flood
 * costs the client. Each socket has an allowance per window for each limited event family; over it
 * the packet is dropped: its acknowledgement (when it asked for one) says RATE_LIMITED, and the first
 * refusal of a window also sends `message:error` and one debug log line. Nothing else happens: no
 * parse, no read, no write, no broadcast.
 *
 * A socket that keeps going far past its allowance (FLOOD_FACTOR times it in one window) is no client
 * of ours misbehaving for a moment: it is disconnected. Even a dropped packet costs the server its
 * decoding, so a flood left connected would still slow everyone else's acks; cut, it costs nothing.
 * Only that socket goes: the user's other sockets, and everyone else, carry on.
 */
import type { Logger } from 'pino';
import { type AckError, ErrorCode, type MessageErrorEvent, MessageEvent } from '../../src-shared/protocol';
import type { RelaySocket } from '../socket/types';

export interface GateRule {
  /** Names the family in errors and logs. */
  name: string;
  events: readonly string[];
  perSocket: number;
  windowSeconds: number;
}

/** How far past its allowance (in one window) a socket may go before it is disconnected. */
export const FLOOD_FACTOR = 10;

interface Window {
  startedAt: number;
  count: number;
}

export function socketGate(
  socket: RelaySocket,
  rules: readonly GateRule[],
  logger: Logger,
  now: () => number = Date.now,
) {
  const ruleOf = new Map<string, GateRule>();
  for (const rule of rules) for (const event of rule.events) ruleOf.set(event, rule);
  const windows = new Map<GateRule, Window>();

  return (packet: unknown[], next: (err?: Error) => void): void => {
    const rule = ruleOf.get(packet[0] as string);
    if (!rule) {
      next();
      return;
    }
    const t = now();
    let window = windows.get(rule);
    if (!window || t - window.startedAt >= rule.windowSeconds * 1_000) {
      window = { startedAt: t, count: 0 };
      windows.set(rule, window);
    }
    if (++window.count <= rule.perSocket) {
      next();
      return;
    }
    if (window.count > rule.perSocket * FLOOD_FACTOR) {
      logger.warn(
        { event: packet[0], userId: socket.data.userId, socketId: socket.id },
        'event flood: connection closed',
      );
      socket.disconnect(true);
      return;
    }
    const error = `Too many ${rule.name} events: at most ${rule.perSocket} in ${rule.windowSeconds} s per connection`;
    const ack = packet.at(-1);
    if (typeof ack === 'function') ack({ ok: false, error, code: ErrorCode.RATE_LIMITED } satisfies AckError);
    if (window.count === rule.perSocket + 1) {
      const body: MessageErrorEvent = { error, code: ErrorCode.RATE_LIMITED, event: String(packet[0]) };
      socket.emit(MessageEvent.ERROR, body);
      logger.debug(
        { event: packet[0], userId: socket.data.userId, socketId: socket.id },
        'event flood dropped',
      );
    }
  };
}
