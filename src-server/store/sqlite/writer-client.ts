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
 * If the thread dies, every pending and later write is rejected (the socket layer answers INTERNAL) and
 * the failure is logged: an ack is never left hanging.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { storeBusy } from '../busy';
import type { Outcome } from './group-commit';
import type { Synchronous } from './sqlite-database';
import type { WriteOp } from './writes';

export interface WriterConfig {
  file: string;
  synchronous: Synchronous;
}

/** `index`: bring the search index up to date, then answer `indexed` (search-index.ts). */
export type ToWriter = { type: 'batch'; ops: WriteOp[] } | { type: 'index' } | { type: 'close' };
export type FromWriter =
  | { type: 'ready' }
  | { type: 'committed'; outcomes: CommitOutcome[] }
  | { type: 'indexed' }
  | { type: 'indexFailed'; error: WriteFailure };

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

  /** Starts worker.ts on `config`. */
  static start(config: WriterConfig, logger?: Logger): WriterClient {
    const worker = new Worker(TYPESCRIPT_WORKER, { workerData: { ...config, module: WRITER_MODULE } });
    return new WriterClient(worker, logger);
  }

  /** `worker` speaks ToWriter / FromWriter (tests give a stand-in). */
  constructor(
    private readonly worker: Worker,
    private readonly logger?: Logger,
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
   * Resolves once every write answered so far is in the search index (read-your-writes for search): the
   * thread indexes each batch right after answering it, so this usually costs one round trip, and none
   * when nothing was answered since the last time. Never rejects: once the thread has stopped, a search
   * reads the index as it is.
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

  private post(): void {
    if (this.inFlight || this.queue.length === 0 || this.failure) return;
    this.inFlight = this.queue;
    this.queue = [];
    this.send({ type: 'batch', ops: this.inFlight.map((item) => item.op) });
  }

  private send(message: ToWriter): void {
    this.worker.postMessage(message);
  }

  private onMessage(message: FromWriter): void {
    switch (message.type) {
      case 'ready':
        this.markReady();
        return;
      case 'indexed':
        this.settleIndexed();
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
    }
  }

  private settleIndexed(): void {
    const request = this.indexing.shift();
    if (!request) return;
    this.indexedUpTo = Math.max(this.indexedUpTo, request.upTo);
    request.resolve();
  }

  private settleBatch(outcomes: CommitOutcome[]): void {
    this.answered++;
    const batch = this.inFlight ?? [];
    this.inFlight = undefined;
    // What gathered during that commit goes at once; writes queued by the callers below join the next.
    this.post();
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
