/**
 * The Socket.IO connection: one socket at a time, our own reconnect loop (capped exponential
 * backoff with jitter, driven by the Clock port so `resume()` and `networkChanged()` can cut it
 * short), and the four states the UI shows. An `Unauthorized` refusal stops the loop for good.
 */
import type { Socket } from 'socket.io-client';
import type { ConnectionState } from '../../src-shared/bridge';
import {
  AuthRefusalData,
  type ClientToServerEvents,
  type ServerToClientEvents,
  UNAUTHORIZED_MESSAGE,
} from '../../src-shared/protocol';
import { backoffDelay, type ResolvedOptions } from './options';
import type { Clock, Logger, SocketFactory } from './ports';

export type RelaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectionTarget {
  serverUrl: string;
  userId: string;
  token: string;
}

export interface ConnectionHandlers {
  /** Listeners for server events go on here, before the socket connects. */
  attach(socket: RelaySocket): void;
  connected(socket: RelaySocket): void;
  disconnected(): void;
  unauthorized(reason: string): void;
  state(state: ConnectionState, detail?: string): void;
}

export class Connection {
  private socket: RelaySocket | null = null;
  private target: ConnectionTarget | null = null;
  private attempt = 0;
  private retryTimer: unknown = null;
  private current: ConnectionState = 'offline';

  constructor(
    private readonly factory: SocketFactory,
    private readonly clock: Clock,
    private readonly options: ResolvedOptions,
    private readonly logger: Logger,
    private readonly handlers: ConnectionHandlers,
  ) {}

  get state(): ConnectionState {
    return this.current;
  }

  /** The live socket, only while connected. */
  get live(): RelaySocket | null {
    return this.socket?.connected ? this.socket : null;
  }

  start(target: ConnectionTarget): void {
    this.stop();
    this.target = target;
    this.attempt = 0;
    this.open();
  }

  /** Disconnects and stops reconnecting. */
  stop(state: ConnectionState = 'offline', detail?: string): void {
    this.target = null;
    this.cancelRetry();
    this.dropSocket();
    this.setState(state, detail);
  }

  /** Reconnect at once (wake from sleep, network back), replacing a socket that may be dead. */
  reconnectNow(): void {
    if (!this.target) return;
    this.cancelRetry();
    this.attempt = 0;
    this.open();
  }

  /** The network went away: drop the socket; keep retrying in the background in case the OS is wrong. */
  wentOffline(): void {
    if (!this.target) return;
    this.dropSocket();
    this.setState('offline', 'No network');
    this.scheduleRetry();
  }

  /** Something (an unanswered ack) says the transport is stalled: replace it. */
  recycle(reason: string): void {
    if (!this.target || !this.socket?.connected) return;
    this.logger.warn({ reason }, 'replacing a stalled connection');
    this.dropSocket();
    this.setState('connecting', reason);
    this.scheduleRetry();
  }

  private open(): void {
    const target = this.target;
    if (!target) return;
    this.dropSocket();
    this.setState('connecting');
    const socket: RelaySocket = this.factory(target.serverUrl, {
      auth: { userId: target.userId, token: target.token },
      forceNew: true,
      autoConnect: false,
      reconnection: false,
      timeout: this.options.connectTimeoutMs,
      transports: this.options.transports,
    });
    this.socket = socket;
    this.handlers.attach(socket);
    socket.on('connect', () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setState('connected');
      this.handlers.connected(socket);
    });
    socket.on('connect_error', (error: Error & { data?: unknown }) => {
      if (this.socket !== socket) return;
      if (error.message === UNAUTHORIZED_MESSAGE) {
        const parsed = AuthRefusalData.safeParse(error.data);
        const reason = parsed.success ? parsed.data.reason : 'token_invalid';
        this.stop('unauthorized', reason);
        this.handlers.unauthorized(reason);
        return;
      }
      this.logger.info({ err: error.message, attempt: this.attempt }, 'connection attempt failed');
      this.dropSocket();
      this.setState('offline', error.message);
      this.scheduleRetry();
    });
    socket.on('disconnect', (reason) => {
      if (this.socket !== socket) return;
      this.logger.info({ reason }, 'disconnected');
      this.dropSocket();
      this.handlers.disconnected();
      this.setState('offline', reason);
      this.scheduleRetry();
    });
    socket.connect();
  }

  private scheduleRetry(): void {
    if (!this.target || this.retryTimer !== null) return;
    const delay = backoffDelay(this.attempt++, this.options);
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private dropSocket(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    const wasConnected = socket.connected;
    socket.removeAllListeners();
    socket.disconnect();
    if (wasConnected) this.handlers.disconnected();
  }

  private setState(state: ConnectionState, detail?: string): void {
    if (state === this.current) return;
    this.current = state;
    this.handlers.state(state, detail);
  }
}
