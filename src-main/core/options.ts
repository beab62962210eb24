/** Tunables of the core. Every delay is injectable so tests never wait long. */
import { CLIENT_TYPING_TIMEOUT_MS, TYPING_DEBOUNCE_MS } from '../../src-shared/protocol/limits';

export interface CoreOptions {
  /** How long one `message:send` (or receipt) may wait for its acknowledgement. */
  ackTimeoutMs?: number;
  /** A queued message still unsent after this long is Failed (24 h). */
  retryWindowMs?: number;
  /**
   * Reconnect and resend backoff: capped exponential with full jitter between these bounds. The cap is
   * 5 s: a client once stayed offline 14 s after a cut had healed under a 30 s cap (issue 11).
   */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Wait after a RATE_LIMITED refusal before trying that channel again. */
  rateLimitWaitMs?: number;
  /**
   * Messages of one channel in flight at once (slow start grows to it). A backlog's replay is a pipeline
   * through the server's disk-bound writer: at 256 each of its threads sat a third idle, and 1,024
   * replayed it 30–42 % faster (BENCHMARKS.md, replay22, window23). A send times out by the connection's
   * progress, not by its place in the window (ack-deadline.ts), so a slow server does not time out its tail.
   */
  pipelineWindow?: number;
  /** Socket.IO connection attempt timeout. */
  connectTimeoutMs?: number;
  /** HTTP request timeout (login, channels, history). */
  requestTimeoutMs?: number;
  /** The on-disk cache of message files and thumbnails (file-cache.ts) keeps at most this many bytes. */
  fileCacheMaxBytes?: number;
  /** How long one file download may take. */
  fileTimeoutMs?: number;
  /** Notifications arriving within this long are shown as one. */
  notificationCoalesceMs?: number;
  /** Outgoing typing: start is sent after this debounce, refreshed this often, stopped after idle. */
  typingDebounceMs?: number;
  typingRefreshMs?: number;
  typingIdleMs?: number;
  /** Incoming typing expires after this long without a refresh. */
  typingExpiryMs?: number;
  /** How often the local database's WAL is copied back (a checkpoint), outside any send. */
  checkpointIntervalMs?: number;
  /** better-sqlite3 native build to load (the Electron shell points at one built for its ABI). */
  nativeBinding?: string;
  /** Socket.IO transports; websocket only by default. */
  transports?: ('websocket' | 'polling')[];
  /** Random source for jitter (tests may fix it). */
  random?: () => number;
}

export type ResolvedOptions = Required<Omit<CoreOptions, 'nativeBinding'>> &
  Pick<CoreOptions, 'nativeBinding'>;

export function resolveOptions(options: CoreOptions = {}): ResolvedOptions {
  return {
    ackTimeoutMs: 10_000,
    retryWindowMs: 24 * 60 * 60 * 1000,
    backoffMinMs: 500,
    backoffMaxMs: 5_000,
    rateLimitWaitMs: 1_000,
    pipelineWindow: 1_024,
    connectTimeoutMs: 10_000,
    requestTimeoutMs: 15_000,
    fileCacheMaxBytes: 512 * 1024 * 1024,
    fileTimeoutMs: 5 * 60_000,
    notificationCoalesceMs: 1_500,
    typingDebounceMs: TYPING_DEBOUNCE_MS,
    typingRefreshMs: 3_000,
    typingIdleMs: 5_000,
    typingExpiryMs: CLIENT_TYPING_TIMEOUT_MS,
    checkpointIntervalMs: 2_000,
    transports: ['websocket'],
    random: Math.random,
    ...stripUndefined(options),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Capped exponential backoff with full jitter: attempt 0 waits up to min, then doubles up to max. */
export function backoffDelay(attempt: number, o: ResolvedOptions): number {
  const ceiling = Math.min(o.backoffMaxMs, o.backoffMinMs * 2 ** Math.min(attempt, 30));
  return Math.max(o.backoffMinMs / 2, Math.round(ceiling * o.random()));
}
