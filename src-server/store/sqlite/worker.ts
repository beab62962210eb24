/**
 * The SQLite writer thread (started by writer-client.ts). It owns the connection that stores messages
 * and receipts, so the disk flush of each commit blocks this thread, not the server's event loop. It
 * takes one batch at a time, commits it as one transaction and answers with the outcomes in order;
 * the main thread meanwhile gathers the next batch. New messages are indexed for search in a transaction
 * of their own (search-index.ts) when the main thread asks (`index`): a little after writes, many at a
 * time, and before a search. Not after each batch: at idle that second commit, one or two messages at a
 * time, held the write lock when the next message came, which then took the hop to the thread (and
 * its own index commit after it) instead of committing inline (BENCHMARKS.md, srv8).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteSearchIndex } from './search-index';
import { openDatabase } from './sqlite-database';
import {
  type FromWriter,
  postable,
  type ToWriter,
  WAL_SAFETY_NET_PAGES,
  type WriterData,
  writeFailure,
} from './writer-client';
import { SqliteWrites } from './writes';

const port = parentPort!;
const { file, synchronous, busy } = workerData as WriterData;
const db = openDatabase(file, synchronous);
// Checkpoints run when the main thread asks, after an answer; in a commit only past the safety net
// (writer-client.ts, CHECKPOINT_AFTER_WRITES and WAL_SAFETY_NET_PAGES).
db.pragma(`wal_autocheckpoint = ${WAL_SAFETY_NET_PAGES}`);
const checkpointWal = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
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

function checkpoint(): void {
  try {
    const { busy, log, checkpointed } = checkpointWal.get() as CheckpointRow;
    // PASSIVE copies only the frames no reader still needs: finished once all of them are in the file.
    answer({ type: 'checkpointed', finished: busy === 0 && log === checkpointed });
  } catch (error) {
    answer({ type: 'checkpointFailed', error: writeFailure(error) });
  }
}

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    db.close();
    port.close(); // nothing else keeps the thread alive: it ends
    return;
  }
  let done = false;
  // Done with this message and the write lock, before the answer: the main thread may commit inline again.
  const release = () => {
    if (!done) Atomics.sub(busy, 0, 1);
    done = true;
  };
  try {
    if (message.type === 'batch') {
      const outcomes = writes.commit(message.ops).map(postable);
      release();
      answer({ type: 'committed', outcomes });
    } else {
      const ok = updateSearchIndex();
      release();
      answer({ type: 'indexed', ok });
      // It holds no write lock: the main thread may commit inline meanwhile.
      if (message.checkpoint) checkpoint();
    }
  } finally {
    release();
  }
});
// A crash between a batch's commit and its index left a gap: closed before the first write.
updateSearchIndex();
answer({ type: 'ready' });
