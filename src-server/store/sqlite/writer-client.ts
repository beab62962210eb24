/**
 * The main thread's side of the SQLite writer thread (worker.ts).
 *
 * Why a thread: better-sqlite3 is synchronous, and with synchronous=FULL every commit waits for a disk
 * flush (0.1–5 ms here). On the event loop that wait stalled every socket of the server; on the writer
 * thread it stalls only the writes, and an ack still goes out only once its write is on disk.
 *
 * Group commit that grows with load: writes queued in one turn of the event loop go as one batch; while
 * the thread commits it, the next batch gathers here and goes the moment the first is answered. Batches
 * are committed, and their callers resolved, in the order run() was called: seqs follow that order and
 * broadcasts go out in seq order.
 *
 * At idle, no hop (`Inline`): a write that finds the thread idle, nothing queued and the event loop
 * mostly idle commits at once on the main thread's own connection, the way a server without a thread
 * would. Handing one write to an idle thread and back costs two thread wake-ups (BENCHMARKS.md, "hop2"),
 * more than the commit itself with synchronous=NORMAL; under load the thread and its group commit take
 * over, so a commit's disk flush never holds up a busy event loop.
 *
 * If the thread dies, every pending and later write is rejected (the socket layer answers INTERNAL) and
 * the failure is logged: an ack is never left hanging.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { storeBusy } from '../busy';
import type { Outcome } from './group-commit';
import type { Synchronous } from './sqlite-database';
import type { WriteOp } from './writes';

export interface WriterConfig {
  file: string;
  synchronous: Synchronous;
  /** When the thread checkpoints the WAL (default WAL_CHECKPOINT_PAGES and WAL_KEEP_PAGES; tests use less). */
  wal?: WalLimits;
}

export interface WalLimits {
  checkpointPages: number;
  keepPages: number;
}

/**
 * What the thread has been sent and not finished (a batch, or an `index`), counted in a shared Int32Array: the main thread adds one per message it posts, the thread
 * takes one off when it has finished that message. While it is above zero the thread may hold the
 * write lock, so nothing commits inline (that would wait in SQLite's busy handler, on the event loop).
 */
export interface WriterData extends WriterConfig {
  busy: Int32Array;
}

/**
 * Committing on the main thread, at idle: the same writes (writes.ts) on the main thread's connection.
 * `busy` is the counter shared with the thread (WriterData).
 */
export interface Inline {
  /**
   * Commits `ops` at once, or returns undefined having committed nothing when another connection holds
   * the write lock: it does not wait (that would be on the event loop), the thread does.
   */
  commit(ops: readonly WriteOp[]): Outcome[] | undefined;
  busy: Int32Array;
  /** True while the main connection is inside a transaction of its own: no inline commit then. */
  inTransaction(): boolean;
  /** Inline only while the event loop was busy less than this share of its last window. */
  belowLoopShare: number;
}

/**
 * A write commits inline only while the event loop was busy for less than this share of the last
 * window: at idle (figure 1's one message in flight, ~0.2–0.3) it does; under load (figure 3, 0.9 and
 * more) the thread's group commit does, and the disk flush stays off the event loop.
 */
export const INLINE_BELOW_LOOP_SHARE = 0.5;
const LOOP_WINDOW_MS = 20;
/**
 * After a commit (inline or on the thread), the thread indexes the new messages for search this much
 * later, many at a time (a search asks at once: read-your-writes).
 */
export const INDEX_AFTER_MS = 100;
/**
 * Neither connection leaves the WAL's checkpoint to SQLite at its default (SQLITE_AUTOCHECKPOINT_PAGES):
 * SQLite runs it in the commit that crosses that size, so an inline commit would copy the pages and sync
 * the file on the event loop, and that commit's ack would wait for it (at ~8 pages a message, one message
 * in ~120). The thread checkpoints instead (worker.ts), after its answer to a batch or an `index`
 * request, once the WAL holds this many frames not yet copied into the file (PRAGMA wal_checkpoint(NOOP)
 * reads the count), in two steps: PASSIVE, then RESTART. In frames, not writes: it used to be every 120
 * writes, asked with each `index` request, and during a burst that copied and synced the same hot pages
 * (the channel's, the indexes' rightmost leaves) again at each, 16–34 % of the writer thread's time in
 * figure 6's replay (BENCHMARKS.md, replay22 and srv23). 1,000 frames is about the WAL that rule left at
 * idle (120 × ~8), so the WAL file keeps its size. A checkpoint that did not finish (a reader still needed
 * older frames) is tried again after the next answer.
 *
 * Off the event loop, not free: the checkpoint copies and syncs on the writer thread, so a batch posted
 * while it runs waits for it there, and so do its acks (under load, the batch after each checkpoint).
 */
export const WAL_CHECKPOINT_PAGES = 1_000;
/**
 * Once the writes have paused for IDLE_CHECKPOINT_MS, a WAL file grown past this many pages is checkpointed
 * whole and truncated (worker.ts); SQLite otherwise reuses the file at its largest. Twice the checkpoint's
 * size: a WAL that size is reused, not cut back (a commit that extends the file waits about twice as long
 * for its fdatasync here as one that overwrites it: BENCHMARKS.md, srv23); one that grew past it (a reader
 * kept checkpoints from finishing) goes back to nothing.
 */
export const WAL_KEEP_PAGES = 2 * WAL_CHECKPOINT_PAGES;
/**
 * The second step of a checkpoint (RESTART, after the PASSIVE copy: worker.ts) waits this long at most for a
 * commit or a read in progress, holding the main thread's inline commits off meanwhile.
 */
export const RESTART_WAIT_MS = 20;
/** How long no write commits before the writes count as paused (WAL_KEEP_PAGES). */
export const IDLE_CHECKPOINT_MS = 500;
/** SQLite's own automatic checkpoint: in the commit that brings the WAL to this many pages. */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1_000;
/**
 * SQLite's automatic checkpoint stays on both connections as a safety net, at this many pages (~40 MB
 * with 4 KB pages), should the thread's checkpoints fall behind; a commit that crosses it copies the WAL
 * before its ack. If the thread stops, nothing asks for checkpoints any more and the main connection,
 * which still commits the workspace, goes back to SQLITE_AUTOCHECKPOINT_PAGES (`stopped`, sqlite-store.ts).
 */
export const WAL_SAFETY_NET_PAGES = 10_000;

/**
 * `index`: bring the search index up to date, then answer `indexed` (`ok` false if that failed:
 * search-index.ts). After that answer and after `committed`, the thread checkpoints the WAL if it holds
 * WAL_CHECKPOINT_PAGES frames (PASSIVE, then a brief RESTART: worker.ts; the thread's next batch waits
 * until it is over); `idle`: the writes
 * have paused, shrink a WAL grown past WAL_KEEP_PAGES. Each checkpoint is answered `checkpointed`, saying
 * whether every frame of the WAL is now in the file (`finished`).
 */
export type ToWriter =
  | { type: 'batch'; ops: WriteOp[] }
  | { type: 'index' }
  | { type: 'idle' }
  | { type: 'close' };
export type FromWriter =
  | { type: 'ready' }
  | { type: 'committed'; outcomes: CommitOutcome[] }
  | { type: 'indexed'; ok: boolean }
  | { type: 'indexFailed'; error: WriteFailure }
  | { type: 'checkpointed'; finished: boolean }
  | { type: 'checkpointFailed'; error: WriteFailure };

/**
 * A failed write as it crosses the thread boundary. better-sqlite3's SqliteError is not a native Error
 * to the structured clone (it would arrive as `{ code }`, without its message), so it travels as data.
 */
export interface WriteFailure {
  message: string;
  code?: string;
}
export type CommitOutcome = { ok: true; value: unknown } | { ok: false; error: WriteFailure };

/** On the writer thread: an error as it can be posted. */
export function writeFailure(error: unknown): WriteFailure {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { message: error.message, ...(typeof code === 'string' && { code }) };
}

/** On the writer thread: an outcome as it can be posted. */
export function postable(outcome: Outcome): CommitOutcome {
  return outcome.ok ? outcome : { ok: false, error: writeFailure(outcome.error) };
}

function revive(failure: WriteFailure): Error {
  return Object.assign(new Error(failure.message), failure.code === undefined ? {} : { code: failure.code });
}

interface Pending {
  op: WriteOp;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Writes waiting for the thread beyond this are refused (RATE_LIMITED, retryable) instead of queued:
 * memory stays flat under a flood and every ack comes within a bounded wait. A batch of this many
 * commits in well under a second on a disk that fsyncs in 5 ms.
 */
export const MAX_QUEUED_WRITES = 8_192;

const TYPESCRIPT_WORKER = new URL('./typescript-worker.mjs', import.meta.url);
const WRITER_MODULE = new URL('./worker.ts', import.meta.url).href;

export class WriterClient {
  /** Resolves once the thread has opened its connection; rejects if it could not. */
  readonly ready: Promise<void>;
  private queue: Pending[] = [];
  /** The batch the thread is committing now, if any. */
  private inFlight: Pending[] | undefined;
  private postScheduled = false;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  /** Set once the thread was told to end: from then on its exit is no failure. */
  private ending = false;
  private whenIdle: (() => void)[] = [];
  /** Batches answered so far, and how many of them the search index is known to hold. */
  private answered = 0;
  private indexedUpTo = 0;
  /** `index` requests in flight, in order; each knows how many batches were answered when it went. */
  private indexing: { upTo: number; done: Promise<void>; resolve: () => void }[] = [];
  private markReady!: () => void;
  private markNotReady!: (reason: Error) => void;
  /** The event loop's utilisation over the last window, and where that window started. */
  private loopShare = 0;
  private loopMark = performance.eventLoopUtilization();
  /** One inline commit per turn of the event loop: the rest of a turn's writes go as one batch. */
  private inlinedThisTurn = false;
  private indexScheduled = false;
  /** Writes committed inline, and through the thread (for tests and the bench). */
  readonly counts = { inline: 0, thread: 0 };
  /** Batches posted to the thread: each one transaction, so one WAL sync with synchronous=FULL (the bench). */
  batches = 0;
  /** When the last write committed, and whether a timer will look for a pause after it (IDLE_CHECKPOINT_MS). */
  private lastWriteAt = 0;
  private idleTimerSet = false;
  /** Checkpoints the thread has finished (the whole WAL copied into the file). */
  checkpoints = 0;
  /** Checkpoints that did not finish or failed: the thread tries again after its next answer or pause. */
  unfinishedCheckpoints = 0;

  /**
   * Starts worker.ts on `config`. `inline(busy)`, when given, makes the main thread's committer that
   * shares the thread's busy counter. `stopped` is called once if the thread stops other than by close().
   */
  static start(
    config: WriterConfig,
    logger?: Logger,
    inline?: (busy: Int32Array) => Inline,
    stopped?: () => void,
  ): WriterClient {
    const busy = new Int32Array(new SharedArrayBuffer(4));
    const workerData: WriterData & { module: string } = { ...config, busy, module: WRITER_MODULE };
    const worker = new Worker(TYPESCRIPT_WORKER, { workerData });
    return new WriterClient(worker, logger, inline?.(busy), stopped);
  }

  /** `worker` speaks ToWriter / FromWriter (tests give a stand-in). */
  constructor(
    private readonly worker: Worker,
    private readonly logger?: Logger,
    private readonly inline?: Inline,
    private readonly stopped?: () => void,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.markNotReady = reject;
    });
    this.ready.catch(() => {}); // also reported through every rejected write
    worker.on('message', (message: FromWriter) => this.onMessage(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (!this.ending) this.fail(new Error(`it exited with code ${code}`));
      for (const request of this.indexing.splice(0)) request.resolve();
    });
  }

  /** Queues one write; resolves with its result once it is committed (on disk with synchronous=FULL). */
  run<T>(op: WriteOp): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('The database connection is not open'));
    if (this.queue.length >= MAX_QUEUED_WRITES) {
      // A full queue drains within a second (see MAX_QUEUED_WRITES): that is when to come back.
      return Promise.reject(storeBusy());
    }
    if (this.mayCommitInline()) {
      const committed = this.commitInline<T>(op);
      if (committed) return committed;
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (!this.inFlight && !this.postScheduled) {
        // The rest of this turn's writes join the batch.
        this.postScheduled = true;
        setImmediate(() => {
          this.postScheduled = false;
          this.post();
        });
      }
    });
  }

  /**
   * Resolves once every write answered so far is in the search index (read-your-writes for search): one
   * round trip to the thread, and none when the index is known to hold every write answered. Never
   * rejects: when the thread could not index them, or has stopped, a search reads the index as it is; a
   * failed update is tried again a little later, and by the next call.
   */
  indexed(): Promise<void> {
    if (this.indexedUpTo >= this.answered || this.failure || this.closing) return Promise.resolve();
    const last = this.indexing.at(-1);
    if (last && last.upTo >= this.answered) return last.done;
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    this.indexing.push({ upTo: this.answered, done, resolve });
    this.send({ type: 'index' });
    return done;
  }

  /** Commits what is queued, then ends the thread. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.idle();
      if (this.failure) return;
      const exited = new Promise((resolve) => this.worker.once('exit', resolve));
      this.ending = true;
      this.send({ type: 'close' });
      await exited;
    })();
    return this.closing;
  }

  /** The thread idle with nothing queued for it, and the event loop mostly idle: see `Inline`. */
  private mayCommitInline(): boolean {
    const inline = this.inline;
    if (!inline || this.inFlight || this.postScheduled || this.queue.length > 0 || this.inlinedThisTurn)
      return false;
    if (Atomics.load(inline.busy, 0) > 0 || inline.inTransaction()) return false;
    return this.loopShareNow() < inline.belowLoopShare;
  }

  /** The event loop's utilisation over the last complete window of LOOP_WINDOW_MS or more. */
  private loopShareNow(): number {
    const window = performance.eventLoopUtilization(this.loopMark);
    if (window.idle + window.active >= LOOP_WINDOW_MS) {
      this.loopShare = window.utilization;
      this.loopMark = performance.eventLoopUtilization();
    }
    return this.loopShare;
  }

  /** Undefined when the database was busy: nothing was committed, the write goes to the thread. */
  private commitInline<T>(op: WriteOp): Promise<T> | undefined {
    this.inlinedThisTurn = true;
    setImmediate(() => {
      this.inlinedThisTurn = false;
    });
    const outcomes = this.inline!.commit([op]);
    if (!outcomes) return undefined;
    const [outcome] = outcomes;
    this.counts.inline++;
    this.answered++;
    this.scheduleIndex();
    if (!outcome) return Promise.reject(new Error('The inline commit gave no outcome'));
    return outcome.ok ? Promise.resolve(outcome.value as T) : Promise.reject(outcome.error);
  }

  /**
   * The thread indexes new commits for search a little later, many in one transaction; once the writes
   * have paused, it may shrink the WAL (IDLE_CHECKPOINT_MS).
   */
  private scheduleIndex(): void {
    this.lastWriteAt = performance.now();
    if (!this.idleTimerSet) this.checkIdleIn(IDLE_CHECKPOINT_MS);
    if (this.indexScheduled) return;
    this.indexScheduled = true;
    setTimeout(() => {
      this.indexScheduled = false;
      void this.indexed();
    }, INDEX_AFTER_MS).unref();
  }

  /** One timer per pause, not one per write: it looks again for the time still missing. */
  private checkIdleIn(ms: number): void {
    this.idleTimerSet = true;
    setTimeout(() => {
      this.idleTimerSet = false;
      if (this.failure || this.closing) return;
      const quiet = performance.now() - this.lastWriteAt;
      // A batch still committing, or writes queued for the thread: not a pause yet.
      if (this.inFlight || this.queue.length > 0) this.checkIdleIn(IDLE_CHECKPOINT_MS);
      else if (quiet < IDLE_CHECKPOINT_MS) this.checkIdleIn(IDLE_CHECKPOINT_MS - quiet);
      else this.send({ type: 'idle' });
    }, ms).unref();
  }

  private post(): void {
    if (this.inFlight || this.queue.length === 0 || this.failure) return;
    this.inFlight = this.queue;
    this.queue = [];
    this.counts.thread += this.inFlight.length;
    this.batches++;
    this.send({ type: 'batch', ops: this.inFlight.map((item) => item.op) });
  }

  private send(message: ToWriter): void {
    // Before the thread can see it: the thread may hold the write lock until it has finished it.
    if (this.inline && message.type !== 'close') Atomics.add(this.inline.busy, 0, 1);
    this.worker.postMessage(message);
  }

  private onMessage(message: FromWriter): void {
    switch (message.type) {
      case 'ready':
        this.markReady();
        return;
      case 'indexed':
        this.settleIndexed(message.ok);
        return;
      case 'indexFailed':
        this.logger?.warn(
          { err: message.error },
          'the SQLite writer thread could not index new messages for search: it will try again',
        );
        return;
      case 'committed':
        this.settleBatch(message.outcomes);
        return;
      case 'checkpointed':
        if (message.finished) this.checkpoints++;
        else this.unfinishedCheckpoints++;
        return;
      case 'checkpointFailed':
        // The WAL only grows until the next one: nothing stored is at stake.
        this.logger?.warn({ err: message.error }, 'the SQLite writer thread could not checkpoint the WAL');
        this.unfinishedCheckpoints++;
        return;
    }
  }

  private settleIndexed(ok: boolean): void {
    const request = this.indexing.shift();
    if (!request) return;
    if (ok) this.indexedUpTo = Math.max(this.indexedUpTo, request.upTo);
    // Not indexed: the waiting searches read the index as it is, the next search asks again, and so
    // does the thread a little later even if nobody searches or writes.
    else this.scheduleIndex();
    request.resolve();
  }

  private settleBatch(outcomes: CommitOutcome[]): void {
    this.answered++;
    const batch = this.inFlight ?? [];
    this.inFlight = undefined;
    // What gathered during that commit goes at once; writes queued by the callers below join the next.
    this.post();
    this.scheduleIndex();
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.value);
      else
        item.reject(outcome ? revive(outcome.error) : new Error('The SQLite writer thread gave no outcome'));
    });
    if (!this.inFlight) this.settleIdle();
  }

  private fail(cause: unknown): void {
    if (this.failure) return;
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.failure = new Error(`The SQLite writer thread stopped (${reason}): writes fail until a restart`, {
      cause,
    });
    this.logger?.error(
      { err: cause, pendingWrites: this.queue.length + (this.inFlight?.length ?? 0) },
      'the SQLite writer thread stopped: messages and receipts cannot be stored until the server restarts',
    );
    // Whether the batch in flight was committed is unknown: a client's retry with the same
    // clientMessageId is answered with the stored message if it was.
    const pending = [...(this.inFlight ?? []), ...this.queue];
    this.inFlight = undefined;
    this.queue = [];
    for (const item of pending) item.reject(this.failure);
    for (const request of this.indexing.splice(0)) request.resolve();
    this.stopped?.();
    this.markNotReady(this.failure);
    this.settleIdle();
  }

  private idle(): Promise<void> {
    if (!this.inFlight && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenIdle.push(resolve));
  }

  private settleIdle(): void {
    if (this.inFlight || this.queue.length > 0) return;
    const waiting = this.whenIdle;
    this.whenIdle = [];
    for (const resolve of waiting) resolve();
  }
}
