/**
 * `tsx bench/outbox-ack.ts [--baseline DIR] [--sends N] [--rounds R] [--batch B] [--dir DIR] [--store-only]`:
 * what one ack of a replayed send costs the core, A/B in one process. Not a figure of `npm run bench`: a
 * measuring tool for figure 6's replay (BENCHMARKS.md, "ack27"), run by hand, which the machine's load
 * cannot move as it moves the replay's wall time.
 *
 * Each tree (this one, and `--baseline`, another checkout such as /work/wt/base27) opens its own store on a
 * fresh file in `--dir` (default /dev/shm: the disk's noise out of it) with one channel. A round queues
 * `--sends` messages (not timed), then applies their acks as a replay does: `--batch` at a time, the same
 * `MessageSent` the server sends. 270 by default: in figure 6's replay (22:15 UTC, ack27) `applyAcks` took
 * 10,000 acks in 59 calls, 266–280 in most: the server's group commit answers ~270 sends at once (~19 of
 * the core's batches of 14), and their `message:sent`s reach the core in one socket read. In a replay `message:sent` comes first and is applied (outbox.ts `ackArrived`); the ack
 * after it is found in the outbox's `committed` map and never reaches the store, so each send is applied
 * once here. Rounds alternate between the trees.
 *
 * Timed per batch, as account.ts `applyAcks` does it: one transaction of `LocalStore.applyAcks`, then per
 * channel `advanceCursor` and `markReadUpTo` (the read position a send moves); then the tree's own
 * `EventBatch` (event-batch.ts) with the account's sinks: each changed row's view (`messageView`) in one read
 * transaction, the outbox counts, the channel's unread and mention counts; its emitter does nothing. Not
 * covered: the socket (decoding, the ack's zod), IPC, the outbox's bookkeeping, and the pump's next read and
 * emit. `--store-only`: `applyAcks` alone. Reported per tree, min and median over the rounds: CPU
 * µs an ack (process.cpuUsage, user + system) and WAL frames an ack (the WAL truncated before each round).
 */
import { randomFillSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { uuidV7Generator } from '../src-shared/ids/uuid-v7';
import { commandLine } from './lib/args';

const args = commandLine();
const SENDS = args.number('--sends', 2160);
const ROUNDS = args.number('--rounds', 20);
const BATCH = args.number('--batch', 270);
const DIR = args.text('--dir', '/dev/shm');
const BASELINE = args.path('--baseline');
const STORE_ONLY = args.flag('--store-only');
// Both ids v7, as Account.send and the server (src-server/socket/messages.ts) make them: their indexes
// grow at one end, as in a replay.
const newId = uuidV7Generator(randomFillSync);
const FILLER = ' the quick brown fox jumps over the lazy dog, then reviews the pull request before lunch';
const PAGE = 4096;

interface Ack {
  ok: true;
  messageId: string;
  channelId: string;
  clientMessageId: string;
  status: 'SENT';
  seq: number;
  createdAt: string;
}
interface Row {
  channel_id: string;
  seq: number | null;
}
interface Store {
  queueOwnMessage(m: unknown): unknown;
  addChannel(c: unknown): void;
  applyAcks(acks: readonly Ack[]): { row: Row; changed: boolean; confirmedSend: boolean }[];
  advanceCursor(channelId: string): void;
  markReadUpTo(channelId: string, seq: number): unknown[];
  transaction<T>(f: () => T): T;
  outboxCounts(): unknown;
  unreadCount(channelId: string): number;
  unreadMentions(channelId: string): number;
  close(): void;
}
type View = (store: Store, row: Row) => unknown;
interface Events {
  run<T>(work: () => T): T;
  message(row: Row): void;
  outbox(): void;
  unread(channelId: string): void;
}

interface Subject {
  name: string;
  store: Store;
  events: Events;
  file: string;
  cpu: number[];
  frames: number[];
  /** The server's seq of this subject's channel: every round's acks go on from it. */
  seq: number;
}

async function subject(name: string, tree: string, folder: string, channelId: string): Promise<Subject> {
  const { LocalStore } = (await import(join(tree, 'src-main/store/store.ts'))) as {
    LocalStore: { open(o: { file: string; selfId: string }): Store };
  };
  const { messageView } = (await import(join(tree, 'src-main/core/views.ts'))) as { messageView: View };
  const { EventBatch } = (await import(join(tree, 'src-main/core/event-batch.ts'))) as {
    EventBatch: new (sinks: unknown) => Events;
  };
  const file = join(folder, `${name}.sqlite`);
  const store = LocalStore.open({ file, selfId: 'me' });
  store.addChannel({
    id: channelId,
    name: 'general',
    members: [],
    lastSeq: 0,
    unreadCount: 0,
    lastReadSeq: 0,
    kind: 'channel',
    private: false,
    topic: '',
    archived: false,
  });
  // The account's sinks (account.ts), with an emitter that does nothing.
  const emitter = { emit: (..._event: unknown[]) => {} };
  const events = new EventBatch({
    emitter,
    view: (row: Row) => messageView(store, row),
    outboxCounts: () => emitter.emit('outbox', store.outboxCounts()),
    unread: (channelIds: Iterable<string>) => {
      for (const id of channelIds) emitter.emit('unread', [store.unreadCount(id), store.unreadMentions(id)]);
    },
    reading: <T>(read: () => T) => store.transaction(read),
  });
  return { name, store, events, file, cpu: [], frames: [], seq: 0 };
}

/** As account.ts `applyAcks`: one transaction, the channel's cursor and read position, then the events. */
function applyBatch(s: Subject, acks: Ack[]): void {
  if (STORE_ONLY) {
    s.store.applyAcks(acks);
    return;
  }
  const { results, read } = s.store.transaction(() => {
    const results = s.store.applyAcks(acks);
    const newest = new Map<string, number>();
    for (const { row } of results)
      if (row.seq !== null && row.seq > (newest.get(row.channel_id) ?? -1))
        newest.set(row.channel_id, row.seq);
    for (const [channelId, seq] of newest) {
      s.store.advanceCursor(channelId);
      s.store.markReadUpTo(channelId, seq);
    }
    return { results, read: [...newest.keys()] };
  });
  s.events.run(() => {
    for (const result of results) if (result.changed) s.events.message(result.row);
    if (results.some((r) => r.confirmedSend)) s.events.outbox();
    for (const channelId of read) s.events.unread(channelId);
  });
}

function round(s: Subject, channelId: string): void {
  const acks: Ack[] = [];
  for (let i = 0; i < SENDS; i++) {
    const now = Date.now();
    const clientMessageId = newId();
    s.store.queueOwnMessage({
      clientMessageId,
      channelId,
      content: `b${i}${FILLER}`,
      author: { id: 'me', name: 'alice' },
      createdAt: new Date(now).toISOString(),
      queuedAt: now,
    });
    acks.push({
      ok: true,
      messageId: newId(),
      channelId,
      clientMessageId,
      status: 'SENT',
      seq: ++s.seq,
      createdAt: new Date(now + 1).toISOString(),
    });
  }
  const side = new Database(s.file);
  side.pragma('wal_checkpoint(TRUNCATE)');
  side.close();
  const walBefore = statSync(`${s.file}-wal`).size;
  const before = process.cpuUsage();
  for (let at = 0; at < acks.length; at += BATCH) applyBatch(s, acks.slice(at, at + BATCH));
  const cpu = process.cpuUsage(before);
  s.cpu.push((cpu.user + cpu.system) / SENDS);
  // Each frame is its page plus a 24-byte header; the WAL's own header is 32 bytes.
  s.frames.push((statSync(`${s.file}-wal`).size - Math.max(walBefore, 32)) / (PAGE + 24) / SENDS);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const folder = mkdtempSync(join(DIR, 'relay-ack-'));
  const channelId = randomUUID();
  try {
    const here = fileURLToPath(new URL('..', import.meta.url));
    const subjects = [await subject('this', here, folder, channelId)];
    if (BASELINE) subjects.push(await subject('baseline', BASELINE, folder, channelId));
    for (let r = 0; r < ROUNDS; r++)
      for (const s of r % 2 ? [...subjects].reverse() : subjects) round(s, channelId);
    for (const s of subjects) {
      console.log(
        `${s.name.padEnd(8)} CPU µs an ack min ${Math.min(...s.cpu).toFixed(1)} median ${median(s.cpu).toFixed(1)}` +
          `; WAL frames an ack min ${Math.min(...s.frames).toFixed(2)} median ${median(s.frames).toFixed(2)}`,
      );
      s.store.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

void main();
