/**
 * `npx tsx bench/wal-frames.ts [MESSAGES] [full|normal]`: which b-trees a message's commit writes, counted in
 * the WAL of a real server (the CLI, in its own process) on loopback (BENCHMARKS.md, srv8). Alice sends MESSAGES messages to #general,
 * one at a time, each 1 ms after the previous one's ack and bob's `message:new` (figure 1's pace), after a
 * warm-up; the WAL is checkpointed (TRUNCATE) before the counted messages and a read transaction is held
 * open while they are sent (so no checkpoint restarts it), so every frame in it after them is theirs (and the search index's, after the ack). Each frame's page is named by `dbstat` on the file as
 * it is at the end, so pages allocated during the run are named too. Counts, not timings.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connectAs, makeTempDir, nextEvent, spawnServer } from '../src-server/testing';

const count = Number(process.argv[2] ?? 300);
const synchronous = (process.argv[3] ?? 'full') as 'full' | 'normal';

interface Frame {
  page: number;
  commit: boolean;
}

/** The frames of the WAL's current generation (salts equal to the header's), in order. */
function walFrames(file: string): Frame[] {
  const wal = readFileSync(file);
  if (wal.length < 32) return [];
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  const frames: Frame[] = [];
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    frames.push({ page: wal.readUInt32BE(at), commit: wal.readUInt32BE(at + 4) !== 0 });
  }
  return frames;
}

/**
 * Empties the WAL (TRUNCATE: every frame copied and the file cut to nothing), trying again briefly while
 * the server's connections keep it busy; throws if it cannot, rather than count frames from before.
 */
async function emptyWal(db: Database.Database): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
    if (row?.busy === 0 && row.log === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('wal_checkpoint(TRUNCATE) did not empty the WAL before the counted messages');
}

const dataDir = await makeTempDir('relay-wal-frames-');
// Its own process, as figure 1 runs it: the event loop's busy share (which picks the write path) is the server's.
const server = await spawnServer({
  dataDir,
  env: { SQLITE_SYNCHRONOUS: synchronous, MESSAGE_RATE_LIMIT: '0' },
  timeoutMs: 120_000,
});
const file = join(dataDir, 'relay.sqlite');
try {
  const alice = await connectAs(server.url, 'alice');
  const bob = await connectAs(server.url, 'bob');
  const channels = (await (
    await fetch(`${server.url}/api/channels`, { headers: { authorization: `Bearer ${alice.token}` } })
  ).json()) as { id: string; name: string }[];
  const general = channels.find((c) => c.name === 'general')!;
  let n = 0;
  const sendOne = async () => {
    const seen = nextEvent(bob.socket, 'message:new');
    const content = `message ${n} ${'x'.repeat(90)}`;
    await alice.socket.emitWithAck('message:send', {
      channelId: general.id,
      content,
      clientMessageId: crypto.randomUUID(),
    } as never);
    await seen;
    n++;
    await new Promise((r) => setTimeout(r, 1));
  };
  for (let i = 0; i < 200; i++) await sendOne();
  await new Promise((r) => setTimeout(r, 200)); // the search index catches up
  const probe = new Database(file);
  await emptyWal(probe);
  // A read transaction held open: no checkpoint can restart the WAL under it, so it keeps every frame.
  const hold = probe.prepare('SELECT COUNT(*) FROM users');
  probe.exec('BEGIN');
  hold.get();
  for (let i = 0; i < count; i++) await sendOne();
  await new Promise((r) => setTimeout(r, 200));
  const frames = walFrames(`${file}-wal`);
  probe.exec('COMMIT');
  const names = new Map<number, string>();
  for (const row of probe.prepare('SELECT name, pageno FROM dbstat').all() as {
    name: string;
    pageno: number;
  }[])
    names.set(row.pageno, row.name);
  const commits: Frame[][] = [];
  let current: Frame[] = [];
  for (const frame of frames) {
    current.push(frame);
    if (frame.commit) {
      commits.push(current);
      current = [];
    }
  }
  const isSearch = (commit: Frame[]) =>
    commit.some((f) => (names.get(f.page) ?? '').startsWith('messages_fts'));
  const messageCommits = commits.filter((c) => !isSearch(c));
  const searchCommits = commits.filter(isSearch);
  const byTree = new Map<string, number>();
  for (const commit of messageCommits)
    for (const frame of commit) {
      const name = names.get(frame.page) ?? '(free or new)';
      byTree.set(name, (byTree.get(name) ?? 0) + 1);
    }
  const messageFrames = messageCommits.reduce((sum, c) => sum + c.length, 0);
  const searchFrames = searchCommits.reduce((sum, c) => sum + c.length, 0);
  console.log(
    `${count} messages, synchronous=${synchronous}: ${frames.length} WAL frames, ${commits.length} commits ` +
      `(${messageCommits.length} without the search index: ${(messageFrames / count).toFixed(2)} frames a message; ` +
      `${searchCommits.length} of the search index: ${(searchFrames / count).toFixed(2)} frames a message)`,
  );
  for (const [name, frames] of [...byTree].sort((a, b) => b[1] - a[1]))
    console.log(`  ${name.padEnd(36)} ${(frames / count).toFixed(2)}`);
  probe.close();
  alice.socket.close();
  bob.socket.close();
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
