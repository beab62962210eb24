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
 *
 * `--ids v7` (the default: what Account.send makes) or `v4` (random): the clientMessageIds queued.
 * `--why`: what the slow sends are (outbox9, BENCHMARKS.md): each send's WAL frames, CPU and context
 * switches (process.resourceUsage around it), then per count of frames the sends' share and CPU p50 / p90,
 * and how many of the slowest 1 % had no context switch (their time is their own CPU, not a wait). Run it
 * at real-time priority (`chrt -f 10`) on a loaded machine to take the scheduler's share out.
 */
import { randomFillSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { uuidV7Generator } from '../src-shared/ids/uuid-v7';
import { commandLine } from './lib/args';

const args = commandLine();
const SENDS = args.number('--sends', 500);
const ROUNDS = args.number('--rounds', 20);
const DIR = args.text('--dir', '/dev/shm');
const BASELINE = args.path('--baseline');
const newId = args.text('--ids', 'v7') === 'v4' ? randomUUID : uuidV7Generator(randomFillSync);
const WHY = args.flag('--why');
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
  /** With --why: each send's WAL frames, CPU µs and context switches. */
  sends: { frames: number; cpu: number; switches: number; wall: number }[];
}

async function subject(name: string, tree: string, folder: string): Promise<Subject> {
  const { LocalStore } = (await import(join(tree, 'src-main/store/store.ts'))) as {
    LocalStore: { open(o: { file: string; selfId: string }): Store };
  };
  const file = join(folder, `${name}.sqlite`);
  return {
    name,
    store: LocalStore.open({ file, selfId: 'me' }),
    file,
    cpu: [],
    frames: [],
    times: [],
    sends: [],
  };
}

function round(s: Subject, channelId: string): void {
  const side = new Database(s.file);
  side.pragma('wal_checkpoint(TRUNCATE)');
  side.close();
  const walBefore = statSync(`${s.file}-wal`).size;
  const before = process.cpuUsage();
  let wal = walBefore;
  for (let i = 0; i < SENDS; i++) {
    const now = Date.now();
    const usage = WHY ? process.resourceUsage() : undefined;
    const start = performance.now();
    s.store.queueOwnMessage({
      clientMessageId: newId(),
      channelId,
      content: `b${i}${FILLER}`,
      author: { id: 'me', name: 'alice' },
      createdAt: new Date(now).toISOString(),
      queuedAt: now,
    });
    const wall = (performance.now() - start) * 1000;
    s.times.push(wall);
    if (usage) {
      const after = process.resourceUsage();
      const size = statSync(`${s.file}-wal`).size;
      s.sends.push({
        frames: Math.round((size - Math.max(wal, 32)) / (PAGE + 24)),
        cpu: after.userCPUTime + after.systemCPUTime - usage.userCPUTime - usage.systemCPUTime,
        switches:
          after.voluntaryContextSwitches +
          after.involuntaryContextSwitches -
          usage.voluntaryContextSwitches -
          usage.involuntaryContextSwitches,
        wall,
      });
      wal = size;
    }
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

/** What the slow sends are: the sends by WAL frames written, and the slowest 1 %. */
function why(s: Subject): void {
  const byFrames = new Map<number, number[]>();
  for (const send of s.sends) byFrames.set(send.frames, [...(byFrames.get(send.frames) ?? []), send.cpu]);
  for (const [frames, cpu] of [...byFrames].sort((a, b) => a[0] - b[0])) {
    const share = ((cpu.length / s.sends.length) * 100).toFixed(1);
    console.log(
      `  ${String(frames).padStart(2)} frames: ${share.padStart(5)} % of sends, CPU µs p50 ${quantile(cpu, 0.5)} p90 ${quantile(cpu, 0.9)}`,
    );
  }
  // The CPU's own tail: what the wall p99 is made of once the scheduler's share is out (a loaded machine).
  const cpu = s.sends.map((send) => send.cpu);
  console.log(
    `  CPU µs a send over all sends: p50 ${quantile(cpu, 0.5)} p90 ${quantile(cpu, 0.9)} p99 ${quantile(cpu, 0.99)}`,
  );
  const slowest = [...s.sends].sort((a, b) => a.wall - b.wall).slice(Math.floor(s.sends.length * 0.99));
  const own = slowest.filter((send) => send.switches === 0);
  console.log(
    `  slowest 1 % (${slowest.length}): ${own.length} without a context switch, their wall µs median ` +
      `${own.length ? median(own.map((x) => x.wall)).toFixed(0) : '–'}, CPU µs median ` +
      `${own.length ? median(own.map((x) => x.cpu)).toFixed(0) : '–'}; ` +
      `frames median ${median(slowest.map((x) => x.frames))}`,
  );
}

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
      if (WHY) why(s);
      s.store.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

void main();
