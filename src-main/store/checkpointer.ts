/**
 * WAL checkpoints (and the integrity check at open, `quickCheck`) on a second connection in a worker
 * thread, so that copying the WAL back into the database file, and the fsyncs that make it durable
 * there, and reading the whole file to check it, never hold the main thread's event loop.
 *
 * Before, the checkpoint ran on the main thread: on the core's timer between sends, and, as SQLite's
 * automatic checkpoint, inside whichever commit crossed the WAL's limit. A catch-up of 10,000 messages
 * writes ~35,000 WAL frames, so three or four of its chunk commits each also copied ~40 MB back and
 * synced the file: 100-300 ms of the main thread each on the bench disk (figure 13's loop delay).
 *
 * A PASSIVE checkpoint waits for nobody and blocks nobody: the main connection goes on reading and
 * committing while the worker copies what was committed before it started. Durability is unchanged: a
 * commit is in the WAL when it returns (synchronous = NORMAL), and a checkpoint syncs the WAL before
 * copying it and the database file after, wherever it runs.
 *
 * The worker is plain JavaScript evaluated from this string (no separate bundle entry), and loads the
 * same better-sqlite3 (and native binding) as the main thread, by the path resolved here.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
// The integrity check's read waits out a moment's lock (a WAL being reset) instead of failing, which
// would put the check back on the main thread; a PASSIVE checkpoint never waits on it.
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    return { ok: true, busy: r.busy, log: r.log, checkpointed: r.checkpointed };
  } catch (error) {
    return { ok: false, error: String((error && error.message) || error) };
  }
};
const quickCheck = () => {
  try {
    return { ok: true, result: String(db.pragma('quick_check', { simple: true })) };
  } catch (error) {
    return { ok: true, result: String((error && error.message) || error), code: error && error.code };
  }
};
parentPort.on('message', (m) => {
  if (m.type === 'now') parentPort.postMessage({ id: m.id, result: checkpoint() });
  else if (m.type === 'check') parentPort.postMessage({ id: m.id, result: quickCheck() });
  else if (m.type === 'close') {
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ id: 'ready', result: { ok: true } });
`;

export type CheckpointResult =
  | { ok: true; busy: number; log: number; checkpointed: number }
  | { ok: false; error: string };

/**
 * What the worker's `PRAGMA quick_check` said (`result`: 'ok', SQLite's first finding, or the message of
 * the SQLite error it threw, then with its `code`), or that the worker could not run it.
 */
export type QuickCheckResult = { ok: true; result: string; code?: string } | { ok: false; error: string };

export interface CheckpointerOptions {
  file: string;
  nativeBinding?: string;
  /** The worker stopped on its own: the caller falls back to its own checkpoints. */
  fault(error: Error): void;
}

export class Checkpointer {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (result: CheckpointResult | QuickCheckResult) => void>();
  private nextId = 1;
  private closed = false;
  /** Resolves once the worker has opened its connection. */
  readonly ready: Promise<void>;
  private readonly exited: Promise<void>;

  constructor(private readonly options: CheckpointerOptions) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        module: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: options.file,
        nativeBinding: options.nativeBinding,
      },
    });
    // Never what keeps the process alive.
    this.worker.unref();
    let isReady!: () => void;
    this.ready = new Promise((resolve) => {
      isReady = resolve;
    });
    this.worker.on('message', (m: { id: number | 'ready'; result: CheckpointResult | QuickCheckResult }) => {
      if (m.id === 'ready') return isReady();
      this.waiting.get(m.id)?.(m.result);
      this.waiting.delete(m.id);
    });
    this.worker.on('error', (error) => this.stopped(error));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        resolve();
        this.stopped(new Error('the checkpoint worker exited'));
      }),
    );
  }

  /** One PASSIVE checkpoint on the worker's connection; resolves with SQLite's answer. */
  checkpointNow(): Promise<CheckpointResult> {
    return this.ask('now') as Promise<CheckpointResult>;
  }

  /**
   * `PRAGMA quick_check` of the whole file on the worker's connection (its own read transaction: the
   * main connection reads and commits meanwhile). Asked once, at open (database.ts, `check: 'later'`).
   */
  quickCheck(): Promise<QuickCheckResult> {
    return this.ask('check') as Promise<QuickCheckResult>;
  }

  private ask(type: 'now' | 'check'): Promise<CheckpointResult | QuickCheckResult> {
    if (this.closed) return Promise.resolve({ ok: false, error: 'closed' });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ type, id });
    });
  }

  /** Ends the thread as a crash would (tests): `fault` hears of it. */
  async stopForTest(): Promise<void> {
    await this.worker.terminate();
  }

  /**
   * Closes the worker's connection; resolves once the thread has ended, so its connection's last
   * checkpoint and removal of the WAL are over (a caller that then removes the folder finds it settled).
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.worker.postMessage({ type: 'close' });
      this.settleWaiting('closed');
    }
    return this.exited;
  }

  private stopped(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    // Said once, by `fault`; the checkpoints asked for meanwhile just did not happen.
    this.settleWaiting('closed');
    this.options.fault(error);
  }

  private settleWaiting(error: string): void {
    for (const resolve of this.waiting.values()) resolve({ ok: false, error });
    this.waiting.clear();
  }
}
