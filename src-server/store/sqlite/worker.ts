/**
 * The SQLite writer thread (started by writer-client.ts). It owns the connection that stores messages
 * and receipts, so the disk flush of each commit blocks this thread, not the server's event loop. It
 * takes one batch at a time, commits it as one transaction and answers with the outcomes in order;
 * the main thread meanwhile gathers the next batch. New messages are indexed for search in a transaction
 * of their own (search-index.ts) when the main thread asks (`index`): a little after writes, many at a
 * time, and before a search. Not after each batch: at idle that second commit, one or two messages at a
 * time, held the write lock when the next message came, which then took the hop to the thread (and
 * its own index commit after it) instead of committing inline (BENCHMARKS.md, srv8).
 *
 * The WAL is checkpointed here, after an answer, by its size: once it holds WAL_CHECKPOINT_PAGES frames
 * not yet copied into the file, and when the main thread says the writes have paused (`idle`), if it has
 * grown past WAL_KEEP_PAGES (writer-client.ts).
 */
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteSearchIndex } from './search-index';
import { BUSY_TIMEOUT_MS, openDatabase } from './sqlite-database';
import {
  type FromWriter,
  postable,
  RESTART_WAIT_MS,
  type ToWriter,
  WAL_CHECKPOINT_PAGES,
  WAL_KEEP_PAGES,
  WAL_SAFETY_NET_PAGES,
  type WriterData,
  writeFailure,
} from './writer-client';
import { SqliteWrites } from './writes';

const port = parentPort!;
const { file, synchronous, busy, wal } = workerData as WriterData;
const { checkpointPages, keepPages } = wal ?? {
  checkpointPages: WAL_CHECKPOINT_PAGES,
  keepPages: WAL_KEEP_PAGES,
};
const db = openDatabase(file, synchronous);
// Checkpoints run after an answer (below); in a commit only past the safety net (writer-client.ts).
db.pragma(`wal_autocheckpoint = ${WAL_SAFETY_NET_PAGES}`);
// NOOP copies nothing and takes no lock: it reads the WAL's frame counts from the wal-index (SQLite 3.51+).
const walState = db.prepare('PRAGMA wal_checkpoint(NOOP)');
const checkpointWal = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const restartWal = db.prepare('PRAGMA wal_checkpoint(RESTART)');
const truncateWal = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)');
const noWait = db.prepare('PRAGMA busy_timeout = 0');
const briefWait = db.prepare(`PRAGMA busy_timeout = ${RESTART_WAIT_MS}`);
const wait = db.prepare(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
const walFile = `${file}-wal`;
const pageSize = db.pragma('page_size', { simple: true }) as number;
const search = new SqliteSearchIndex(db, synchronous);
const writes = new SqliteWrites(db, search);

const answer = (message: FromWriter) => port.postMessage(message);

/**
 * False when it failed: the gap stays for the next update, which the main thread asks for again (a
 * little later, and at the next search; writer-client.ts). Messages stay stored and acknowledged, only
 * not yet findable. Reported, never fatal to the thread.
 */
function updateSearchIndex(): boolean {
  try {
    search.update();
    return true;
  } catch (error) {
    answer({ type: 'indexFailed', error: writeFailure(error) });
    return false;
  }
}

/** SQLite's answer to a checkpoint: whether it was blocked, the WAL's frames, and how many are copied. */
interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * Whether the WAL holds WAL_CHECKPOINT_PAGES frames not yet in the file. Frames, not writes: a burst's
 * group commits write the same hot pages again and again, and each checkpoint copies and syncs them once
 * more (BENCHMARKS.md, srv23). A failure to read the count is reported, and no checkpoint is made.
 */
function checkpointDue(): boolean {
  try {
    const { log, checkpointed } = walState.get() as CheckpointRow;
    return log - checkpointed >= checkpointPages;
  } catch (error) {
    answer({ type: 'checkpointFailed', error: writeFailure(error) });
    return false;
  }
}

/**
 * A checkpoint in two steps. PASSIVE copies the WAL taking no lock, so the main thread may commit inline
 * meanwhile. But a commit that began during it reads an older snapshot and appends to the WAL instead of
 * starting it again from the top, and the WAL then grows until the next checkpoint (a WAL of 2–4 limits in
 * sqlite-store.test.ts). So then, holding the busy count (no inline commit begins), RESTART copies the few
 * frames appended meanwhile, waiting up to RESTART_WAIT_MS for a commit or read in progress: the next
 * commit starts the WAL from its top. Blocked, it copies what it can, and the next checkpoint tries again.
 */
function checkpointAndRestart(): void {
  if (!run(checkpointWal)) return;
  Atomics.add(busy, 0, 1);
  try {
    checkpointWaiting(briefWait, restartWal);
  } finally {
    Atomics.sub(busy, 0, 1);
  }
}

/**
 * The writes have paused: a WAL grown past WAL_KEEP_PAGES (by a burst) is checkpointed and cut back to
 * nothing. TRUNCATE needs the write lock and no reader in the WAL: it does not wait for either (busy_timeout
 * 0 for the attempt); blocked, it copies what it can, and the next pause tries again. A smaller WAL is left
 * as it is: cut back, the next commits would extend the file again (a slower fdatasync) and the first would
 * write and sync a new WAL header.
 */
function shrinkIfGrown(): void {
  let bytes = 0;
  try {
    bytes = statSync(walFile).size; // its largest since the last truncation: SQLite reuses it
  } catch {
    return; // no WAL file: nothing to shrink
  }
  if (bytes <= keepPages * pageSize) return;
  checkpointWaiting(noWait, truncateWal);
}

/** Runs `checkpoint` with the busy_timeout `timeout` sets, answers, then waits as usual again. */
function checkpointWaiting(timeout: typeof checkpointWal, checkpoint: typeof checkpointWal): void {
  timeout.run();
  try {
    const row = run(checkpoint);
    if (row) answerCheckpointed(row);
  } finally {
    wait.run();
  }
}

/** SQLite's answer, or undefined when the checkpoint failed (reported: the WAL only grows until the next). */
function run(checkpoint: typeof checkpointWal): CheckpointRow | undefined {
  try {
    return checkpoint.get() as CheckpointRow;
  } catch (error) {
    answer({ type: 'checkpointFailed', error: writeFailure(error) });
    return undefined;
  }
}

/** Finished once every frame is in the file (a reader may keep the ones after its snapshot from it). */
function answerCheckpointed({ busy, log, checkpointed }: CheckpointRow): void {
  answer({ type: 'checkpointed', finished: busy === 0 && log === checkpointed });
}

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    db.close();
    port.close(); // nothing else keeps the thread alive: it ends
    return;
  }
  let done = false;
  // Done with this message and the write lock: the main thread may commit inline again.
  const release = () => {
    if (!done) Atomics.sub(busy, 0, 1);
    done = true;
  };
  try {
    if (message.type === 'idle') {
      shrinkIfGrown(); // holding the busy count: no inline commit meanwhile
      return;
    }
    let answered: FromWriter;
    if (message.type === 'batch')
      answered = { type: 'committed', outcomes: writes.commit(message.ops).map(postable) };
    else answered = { type: 'indexed', ok: updateSearchIndex() };
    release(); // before the answer: the main thread may commit inline at once
    answer(answered);
    // After the answer, not before: the WAL's size is not the acks' business.
    if (checkpointDue()) checkpointAndRestart();
  } finally {
    release();
  }
});
// A crash between a batch's commit and its index left a gap: closed before the first write.
updateSearchIndex();
answer({ type: 'ready' });
