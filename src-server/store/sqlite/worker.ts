/**
 * The SQLite writer thread (started by writer-client.ts). It owns the connection that stores messages
 * and receipts, so the disk flush of each commit blocks this thread, not the server's event loop. It
 * takes one batch at a time, commits it as one transaction and answers with the outcomes in order;
 * the main thread meanwhile gathers the next batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './sqlite-database';
import { type FromWriter, postable, type ToWriter, type WriterConfig } from './writer-client';
import { SqliteWrites } from './writes';

const port = parentPort!;
const { file, synchronous } = workerData as WriterConfig;
const db = openDatabase(file, synchronous);
const writes = new SqliteWrites(db);

const answer = (message: FromWriter) => port.postMessage(message);

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    db.close();
    port.close(); // nothing else keeps the thread alive: it ends
    return;
  }
  answer({ type: 'committed', outcomes: writes.commit(message.ops).map(postable) });
});
answer({ type: 'ready' });
