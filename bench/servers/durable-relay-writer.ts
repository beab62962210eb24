/**
 * The durable relay's writer thread (DURABLE_RELAY_THREAD=1): the same one-table insert as
 * durable-relay.ts, one fsync'd transaction per message, but on a worker thread that answers each
 * insert with a message, as the real server's writer thread does. The relay run this way measures what
 * the hop to a writer thread and back costs on this machine, beside the same relay inserting on its
 * event loop: a floor of the real server's design (figure 1), not a target.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type Synchronous } from '../../src-server/store/sqlite/sqlite-database';
import { type InsertRow, openRelayTable } from './durable-relay-table';

const { file, synchronous } = workerData as { file: string; synchronous: Synchronous };
const insert = openRelayTable(openDatabase(file, synchronous));

parentPort!.on('message', ({ id, row }: { id: number; row: InsertRow }) => {
  insert(row);
  parentPort!.postMessage(id);
});
parentPort!.postMessage('ready');
