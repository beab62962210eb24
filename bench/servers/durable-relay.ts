/**
 * Baseline: the bare Socket.IO relay plus one durable SQLite INSERT per message before it forwards and
 * acknowledges — the floor of a server that stores each message before its ack (issue 16). The file is
 * opened by the real server's own `openDatabase`, so the pragmas are the server's (WAL, `synchronous`
 * FULL by default, or NORMAL with SQLITE_SYNCHRONOUS=normal). The insert runs on the event loop, one
 * transaction (one fsync) per message: no writer thread and no group commit, which is what the real
 * server adds to beat it under load.
 *
 * With DURABLE_RELAY_GROUP=1 the messages that arrive in one turn are inserted in one transaction (one
 * fsync) and each acknowledged after it: group commit, figure 6's floor of a durable server under a
 * window of sends in flight (`openRelayGroup`).
 *
 * With DURABLE_RELAY_THREAD=1 the same insert runs on a worker thread (durable-relay-writer.ts), one
 * message each way per insert: figure 1 reports it as the cost of the real server's hop to its writer.
 *
 * With DURABLE_RELAY_STORE=server each message is stored by the real server's own store
 * (durable-relay-store.ts): its schema, its transaction (seq, change counter, exactly-once key, the
 * sender's read position) and its writer (inline at idle), with nothing of its send path before it.
 * Figure 1 reports it as the floor of what the server's storage alone costs a message.
 *
 * argv: PORT DATA_DIR
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { openDatabase, type Synchronous } from '../../src-server/store/sqlite/sqlite-database';
import { type InsertRow, openRelayGroup, openRelayTable } from './durable-relay-table';
import { type RelayedMessage, type StoreMessage, startRelay } from './relay';

const dataDir = process.argv[3];
if (!dataDir) throw new Error('usage: durable-relay.ts PORT DATA_DIR');
const synchronous: Synchronous = process.env.SQLITE_SYNCHRONOUS === 'normal' ? 'normal' : 'full';
const file = path.join(dataDir, 'durable-relay.sqlite');
let seq = 0;

const rowOf = (message: RelayedMessage): InsertRow => [
  randomUUID(),
  message.channelId,
  ++seq,
  message.userId,
  message.content ?? '',
  message.clientMessageId ?? null,
  Date.now(),
];

function onThread(): Promise<StoreMessage> {
  const worker = new Worker(new URL('../../src-server/store/sqlite/typescript-worker.mjs', import.meta.url), {
    workerData: { module: new URL('./durable-relay-writer.ts', import.meta.url).href, file, synchronous },
  });
  const waiting = new Map<number, () => void>();
  let next = 0;
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (answer: number | 'ready') => {
      if (answer === 'ready') {
        resolve(
          (message) =>
            new Promise<void>((done) => {
              const id = ++next;
              waiting.set(id, done);
              worker.postMessage({ id, row: rowOf(message) });
            }),
        );
        return;
      }
      waiting.get(answer)?.();
      waiting.delete(answer);
    });
  });
}

function onEventLoop(): StoreMessage {
  const db = openDatabase(file, synchronous);
  const insert: (row: InsertRow) => void | Promise<void> =
    process.env.DURABLE_RELAY_GROUP === '1' ? openRelayGroup(db) : openRelayTable(db);
  process.on('SIGTERM', () => {
    db.close();
    process.exit(0);
  });
  return (message) => insert(rowOf(message));
}

async function store(): Promise<StoreMessage> {
  if (process.env.DURABLE_RELAY_STORE === 'server') {
    const { serverStore } = await import('./durable-relay-store');
    return serverStore(path.join(dataDir!, 'server-store'), synchronous);
  }
  return process.env.DURABLE_RELAY_THREAD === '1' ? onThread() : onEventLoop();
}

startRelay(Number(process.argv[2] ?? 0), await store());
