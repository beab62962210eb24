/**
 * The first check every inbound packet of a limited event meets, before its handler,
 * synchronous and allocation-free (once a socket has its windows) until it refuses, so that refusing a
 * flood costs the server less
 * than the flood costs the client. Each socket has an allowance per window for each limited event
 * family; over it the packet is dropped: its acknowledgement (when it asked for one) says
 * RATE_LIMITED, and the first refusal of a window also sends `message:error` and one debug log line.
 * Nothing else happens: no parse, no read, no write, no broadcast.
 *
 * A socket that keeps going far past its allowance (FLOOD_FACTOR times it in one window) is no client
 * of ours misbehaving for a moment: it is disconnected. Even a dropped packet costs the server its
 * decoding (WebSocket frame, engine.io, Socket.IO: most of a flood's cost, figure 11), so the cut comes
 * early, and the server stops reading that connection first: what the flooder had already sent is
 * never decoded. Only that socket goes: the user's other sockets, and everyone else, carry on.
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
  /** FLOOD_FACTOR for this family. */
  floodFactor?: number;
}

/**
 * How far past its allowance (in one window) a socket may go before it is disconnected, unless its
 * rule says otherwise (receipts: event-limit.ts). Our app stays well under it.
 */
export const FLOOD_FACTOR = 10;

/** One rule as the gate uses it: its place among the rules and its refusal's text, made once. */
interface Family {
  index: number;
  rule: GateRule;
  error: string;
}

interface Window {
  startedAt: number;
  count: number;
}

/**
 * A socket's windows, made at its first limited event (most sockets never send one, and a connection
 * should cost little: figure 5): one per family it has used.
 */
interface SocketWindows {
  windows: (Window | undefined)[];
  /** Set once the socket is cut: nothing from it goes further. */
  cut: boolean;
}

/**
 * How long a cut connection stays open, unread, before it is destroyed: time for the client to read
 * the disconnect (its reason, `io server disconnect`, says it was the server). Without it the socket
 * would wait for a close frame nobody reads, for ws's 30 s close timeout (and hold a shutdown as long).
 */
export const CUT_GRACE_MS = 1_000;

/**
 * Stops reading the connection: frames it has sent and the server has not read yet are never decoded.
 * Only the WebSocket transport has such a stream; a long-polling request is bounded by
 * maxHttpBufferSize and refused once the session is closed.
 */
function stopReading(socket: RelaySocket): void {
  const transport = socket.conn.transport as unknown as { socket?: { pause?(): void; terminate?(): void } };
  const ws = transport.socket;
  if (typeof ws?.pause !== 'function' || typeof ws.terminate !== 'function') return;
  ws.pause();
  setTimeout(() => ws.terminate?.(), CUT_GRACE_MS).unref();
}

/** The gate of every socket of a server: the rules are read once; a socket's state is made on first use. */
export class SocketGate {
  /** Family by event name: the check allocates nothing per packet. */
  private readonly familyOf = new Map<string, Family>();
  private readonly bySocket = new WeakMap<RelaySocket, SocketWindows>();

  constructor(
    private readonly rules: readonly GateRule[],
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    rules.forEach((rule, index) => {
      const family: Family = {
        index,
        rule,
        error: `Too many ${rule.name} events: at most ${rule.perSocket} in ${rule.windowSeconds} s per connection`,
      };
      for (const event of rule.events) this.familyOf.set(event, family);
    });
  }

  /** Whether this event of this socket (its args, the ack last when it has one) goes on to its handler. */
  admit(socket: RelaySocket, event: string, args: unknown[]): boolean {
    const family = this.familyOf.get(event);
    let state = this.bySocket.get(socket);
    if (state?.cut) return false; // read before the cut took effect: nothing from this connection goes further
    if (!family) return true;
    if (!state) {
      state = { windows: new Array(this.rules.length).fill(undefined), cut: false };
      this.bySocket.set(socket, state);
    }
    const { rule } = family;
    const t = this.now();
    let window = state.windows[family.index];
    if (!window) {
      window = { startedAt: t, count: 0 };
      state.windows[family.index] = window;
    } else if (t - window.startedAt >= rule.windowSeconds * 1_000) {
      window.startedAt = t;
      window.count = 0;
    }
    if (++window.count <= rule.perSocket) return true;
    if (window.count > rule.perSocket * (rule.floodFactor ?? FLOOD_FACTOR)) {
      state.cut = true;
      stopReading(socket);
      this.logger.warn(
        { event, userId: socket.data.userId, socketId: socket.id },
        'event flood: connection closed',
      );
      socket.disconnect(true);
      return false;
    }
    const ack = args[args.length - 1];
    const first = window.count === rule.perSocket + 1;
    if (typeof ack !== 'function' && !first) return false;
    const { error } = family;
    // This socket's allowance comes back when its window ends.
    const retryAfterMs = Math.max(0, window.startedAt + rule.windowSeconds * 1_000 - t);
    if (typeof ack === 'function') {
      ack({ ok: false, error, code: ErrorCode.RATE_LIMITED, retryAfterMs } satisfies AckError);
    }
    if (first) {
      const body: MessageErrorEvent = {
        error,
        code: ErrorCode.RATE_LIMITED,
        event,
        retryAfterMs,
      };
      socket.emit(MessageEvent.ERROR, body);
      this.logger.debug({ event, userId: socket.data.userId, socketId: socket.id }, 'event flood dropped');
    }
    return false;
  }
}
