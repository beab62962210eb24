/**
 * The SQLite writer thread (started by writer-client.ts). It owns the connection that stores messages
 * and receipts, so the disk flush of each commit blocks this thread, not the server's event loop. It
 * takes one batch at a time, commits it as one transaction and answers with the outcomes in order;
 * the main thread meanwhile gathers the next batch. Then, before the next batch, it indexes the batch's
 * new messages for search in a second transaction (search-index.ts): the ack does not wait for that.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteSearchIndex } from './search-index';
import { openDatabase } from './sqlite-database';
import { type FromWriter, postable, type ToWriter, type WriterData, writeFailure } from './writer-client';
import { SqliteWrites } from './writes';

const port = parentPort!;
const { file, synchronous, busy } = workerData as WriterData;
const db = openDatabase(file, synchronous);
const search = new SqliteSearchIndex(db, synchronous);
const writes = new SqliteWrites(db, search);

const answer = (message: FromWriter) => port.postMessage(message);

/**
 * A failure leaves the gap for the next update (after the next batch, before a search): messages stay
 * stored and acknowledged, only not yet findable. Reported, never fatal to the thread.
 */
function updateSearchIndex(): void {
  try {
    search.update();
  } catch (error) {
    answer({ type: 'indexFailed', error: writeFailure(error) });
  }
}

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    db.close();
    port.close(); // nothing else keeps the thread alive: it ends
    return;
  }
  try {
    if (message.type === 'batch')
      answer({ type: 'committed', outcomes: writes.commit(message.ops).map(postable) });
    updateSearchIndex();
  } finally {
    // Done with this message and the write lock: the main thread may commit inline again.
    Atomics.sub(busy, 0, 1);
  }
  if (message.type === 'index') answer({ type: 'indexed' });
});
// A crash between a batch's commit and its index left a gap: closed before the first write.
updateSearchIndex();
answer({ type: 'ready' });
