/**
 * A minimal Socket.IO v4 client over `ws`, for the load generator only.
 *
 * Why not socket.io-client: the load generator has to hold thousands of sockets and absorb
 * 100,000+ deliveries a second on one core, beside the server under test. The full client parses
 * every packet into objects; this one speaks just the wire protocol (engine.io v4 open/ping/pong,
 * Socket.IO CONNECT with `auth`, EVENT and ACK) and hands each EVENT frame over as raw bytes, so the
 * load generator spends its CPU only where a measurement needs it. Reconnection mirrors
 * socket.io-client's defaults (1 s doubling to 5 s, ±50 % jitter), so recovery after a server restart
 * is timed as a real client would see it.
 */
import WebSocket from 'ws';

const OPEN = 0x30; // '0' engine.io open
const PING = 0x32; // '2'
const MESSAGE = 0x34; // '4' engine.io message, followed by a Socket.IO packet type
const SIO_CONNECT = 0x30; // '40'
const SIO_EVENT = 0x32; // '42'
const SIO_ACK = 0x33; // '43'
const SIO_CONNECT_ERROR = 0x34; // '44'

export interface LiteOptions {
  /** http://host:port of a Socket.IO server. */
  url: string;
  auth?: Record<string, unknown>;
  reconnect?: boolean;
  /** Every EVENT frame ('42[...]'), unparsed. */
  onEvent?: (frame: Buffer) => void;
  onConnect?: () => void;
  onDisconnect?: () => void;
}

export class LiteSocket {
  connected = false;
  private ws: WebSocket | null = null;
  private closedByUs = false;
  private attempts = 0;
  private nextAck = 0;
  private readonly acks = new Map<number, (frame: string) => void>();
  private readonly wsUrl: string;
  private readonly connectFrame: string;
  private firstConnect: { resolve: () => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly options: LiteOptions) {
    this.wsUrl = `${options.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    this.connectFrame = `40${options.auth ? JSON.stringify(options.auth) : ''}`;
  }

  /** Resolves once the Socket.IO namespace is joined; rejects on connect_error or a failed handshake. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstConnect = { resolve, reject };
      this.open();
    });
  }

  private open(): void {
    // 20 s to connect, as socket.io-client's `timeout`; then the backoff and another try.
    const ws = new WebSocket(this.wsUrl, { perMessageDeflate: false, handshakeTimeout: 20_000 });
    this.ws = ws;
    ws.on('message', (data: Buffer) => this.onFrame(data));
    ws.on('error', (error) => {
      if (this.firstConnect) {
        this.firstConnect.reject(error);
        this.firstConnect = null;
      }
    });
    ws.on('close', () => {
      const wasConnected = this.connected;
      this.connected = false;
      this.ws = null;
      if (wasConnected) this.options.onDisconnect?.();
      if (!this.closedByUs && this.options.reconnect) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    // socket.io-client's Backoff: 1000 × 2^attempt, ±50 % jitter, at most 5000.
    const base = 1000 * 2 ** this.attempts++;
    const deviation = Math.random() * 0.5 * base;
    const delay = Math.min(
      Math.floor(Math.random() * 10) % 2 === 0 ? base - deviation : base + deviation,
      5000,
    );
    setTimeout(() => {
      if (!this.closedByUs) this.open();
    }, delay);
  }

  private onFrame(frame: Buffer): void {
    const type = frame[0];
    if (type === MESSAGE) {
      const sio = frame[1];
      if (sio === SIO_EVENT) this.options.onEvent?.(frame);
      else if (sio === SIO_ACK) this.onAck(frame.toString('latin1'));
      else if (sio === SIO_CONNECT) {
        this.connected = true;
        this.attempts = 0;
        this.firstConnect?.resolve();
        this.firstConnect = null;
        this.options.onConnect?.();
      } else if (sio === SIO_CONNECT_ERROR) {
        const error = new Error(`connect_error ${frame.toString('utf8', 2)}`);
        this.firstConnect?.reject(error);
        this.firstConnect = null;
        this.ws?.close();
      }
    } else if (type === PING) {
      this.ws?.send('3');
    } else if (type === OPEN) {
      this.ws?.send(this.connectFrame);
    }
  }

  private onAck(frame: string): void {
    const bracket = frame.indexOf('[');
    const id = Number(frame.slice(2, bracket));
    const callback = this.acks.get(id);
    if (!callback) return;
    this.acks.delete(id);
    callback(frame.slice(bracket));
  }

  /** Emits an event; `ack` receives the acknowledgement's raw JSON array text. */
  emit(event: string, payload: unknown, ack?: (json: string) => void): void {
    if (!this.ws || !this.connected) throw new Error('not connected');
    const body = JSON.stringify([event, payload]);
    if (ack) {
      const id = this.nextAck++;
      this.acks.set(id, ack);
      this.ws.send(`42${id}${body}`);
    } else {
      this.ws.send(`42${body}`);
    }
  }

  /** Closes for good, without reporting a disconnect (the pool resets its own count). */
  close(): void {
    this.closedByUs = true;
    this.connected = false;
    this.firstConnect = null;
    this.ws?.terminate();
  }
}

/** Raw `ws` client for the echo baseline. */
export function rawSocket(url: string, onMessage: (frame: Buffer) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', (data: Buffer) => onMessage(data));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}
