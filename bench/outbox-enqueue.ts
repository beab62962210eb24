/**
 * `tsx bench/outbox-enqueue.ts [--baseline DIR] [--sends N] [--rounds R] [--dir DIR]`: what one enqueue
 * (LocalStore.queueOwnMessage, the message and its send operation in one commit) costs, A/B in one
 * process. Not a figure of `npm run bench`: a measuring tool for figure 6 (BENCHMARKS.md), run by hand.
 *
 * Each tree (this one, and `--baseline`, another checkout such as /work/main) opens its own store on a
 * fresh file in `--dir` (default /dev/shm, so the disk's noise is out of it) and queues `--sends`
 * messages per round; rounds alternate between the trees. Reported per tree, min and median over the
 * rounds: CPU µs a send (process.cpuUsage, user + system, so the WAL writes count) and WAL frames a send
 * (the -wal file's growth: the WAL is truncated before each round, from a second connection), which the
 * machine's load cannot move; and the wall time of each send, p50 and p99 over all rounds.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? (argv[at + 1] as string) : fallback;
};
const SENDS = Number(option('--sends', '500'));
const ROUNDS = Number(option('--rounds', '20'));
const DIR = option('--dir', '/dev/shm');
const BASELINE = argv.includes('--baseline') ? resolve(option('--baseline', '')) : undefined;
const FILLER = ' the quick brown fox jumps over the lazy dog, then reviews the pull request before lunch';
const PAGE = 4096;

interface Store {
  queueOwnMessage(m: unknown): unknown;
  close(): void;
}

interface Subject {
  name: string;
  store: Store;
  file: string;
  cpu: number[];
  frames: number[];
  /** Wall time of every send, µs. */
  times: number[];
}

async function subject(name: string, tree: string, folder: string): Promise<Subject> {
  const { LocalStore } = (await import(join(tree, 'src-main/store/store.ts'))) as {
    LocalStore: { open(o: { file: string; selfId: string }): Store };
  };
  const file = join(folder, `${name}.sqlite`);
  return { name, store: LocalStore.open({ file, selfId: 'me' }), file, cpu: [], frames: [], times: [] };
}

function round(s: Subject, channelId: string): void {
  const side = new Database(s.file);
  side.pragma('wal_checkpoint(TRUNCATE)');
  side.close();
  const walBefore = statSync(`${s.file}-wal`).size;
  const before = process.cpuUsage();
  for (let i = 0; i < SENDS; i++) {
    const now = Date.now();
    const start = performance.now();
    s.store.queueOwnMessage({
      clientMessageId: randomUUID(),
      channelId,
      content: `b${i}${FILLER}`,
      author: { id: 'me', name: 'alice' },
      createdAt: new Date(now).toISOString(),
      queuedAt: now,
    });
    s.times.push((performance.now() - start) * 1000);
  }
  const cpu = process.cpuUsage(before);
  s.cpu.push((cpu.user + cpu.system) / SENDS);
  // Each frame is its page plus a 24-byte header; the WAL's own header is 32 bytes.
  const grown = statSync(`${s.file}-wal`).size - Math.max(walBefore, 32);
  s.frames.push(grown / (PAGE + 24) / SENDS);
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] as number;
const median = (xs: number[]) => quantile(xs, 0.5);

async function main(): Promise<void> {
  const folder = mkdtempSync(join(DIR, 'relay-enqueue-'));
  try {
    const subjects = [await subject('this', fileURLToPath(new URL('..', import.meta.url)), folder)];
    if (BASELINE) subjects.push(await subject('baseline', BASELINE, folder));
    const channelId = randomUUID();
    for (let r = 0; r < ROUNDS; r++)
      for (const s of r % 2 ? [...subjects].reverse() : subjects) round(s, channelId);
    for (const s of subjects) {
      console.log(
        `${s.name.padEnd(8)} CPU µs a send min ${Math.min(...s.cpu).toFixed(1)} median ${median(s.cpu).toFixed(1)}` +
          `; WAL frames a send min ${Math.min(...s.frames).toFixed(2)} median ${median(s.frames).toFixed(2)}` +
          `; wall µs a send p50 ${median(s.times).toFixed(0)} p99 ${quantile(s.times, 0.99).toFixed(0)}`,
      );
      s.store.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

void main();
