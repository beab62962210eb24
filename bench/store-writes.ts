/**
 * `tsx bench/store-writes.ts [--baseline DIR] [--cached N] [--count N] [--rounds R] [--dir DIR]`: what the app store
 * writes per message on its three hot paths, A/B in one process (migration 013, BENCHMARKS.md "index13").
 * Not a figure of `npm run bench`: a measuring tool for figures 2, 6 and 13, run by hand.
 *
 * Each tree (this one, and `--baseline`, another checkout) opens a store on a fresh file in `--dir`
 * (default /dev/shm, so the disk's noise is out of it) holding `--cached` others' messages in 20 channels
 * (figure 13's cache), then runs `--rounds` rounds of four steps, alternating between the trees (so the
 * machine's load falls on both alike), the WAL truncated before each step from a second connection:
 * - enqueue: `--count` own sends, one commit each (figure 6's enqueue);
 * - ack: their acks in batches of 64, each ack twice as the server sends it (figure 6's replay);
 * - catch-up: `--count` others' messages, channel by channel in chunks of 25, one commit each (figure 13);
 * - live: `--count` others' messages, one commit each (figure 2's store write at B).
 * For each: WAL frames a message (the frames written, read from the -wal file), the B-trees those frames
 * belong to (each frame's page looked up in `dbstat` after the step: pages a message per B-tree), and
 * the CPU a message (process.cpuUsage, user + system). Keep `--count` × frames a message under 10,000:
 * past that the store's own checkpoint restarts the WAL inside the step and the count comes out short.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bob, me, testChannel } from '../src-main/store/testing/test-channel';
import { walWrites } from '../src-main/store/testing/wal-frames';
import type { Channel, Message, MessageSent } from '../src-shared/protocol';
import { serverMessage } from '../src-shared/testing/messages';
import { commandLine } from './lib/args';

const args = commandLine();
const CACHED = args.number('--cached', 50000);
const COUNT = args.number('--count', 500);
const ROUNDS = args.number('--rounds', 6);
const DIR = args.text('--dir', '/dev/shm');
const BASELINE = args.path('--baseline');
const FILLER = ' the quick brown fox jumps over the lazy dog, then reviews the pull request before lunch';
const CHANNELS = 20;

interface Store {
  saveChannels(c: Channel[]): unknown;
  queueOwnMessage(m: unknown): unknown;
  applyAcks(acks: MessageSent[]): unknown;
  upsertServerMessage(m: Message): unknown;
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** The store's tests' channel of both users, named for its place among the `CHANNELS`. */
function channel(i: number): Channel {
  return { ...testChannel([me, bob]), name: `c${i}` };
}

interface Step {
  frames: number;
  cpu: number;
  trees: Map<string, number>;
}

function measure(file: string, count: number, run: () => void): Step {
  let cpu = { user: 0, system: 0 };
  const { frames, byTree } = walWrites(file, () => {
    const before = process.cpuUsage();
    run();
    cpu = process.cpuUsage(before);
  });
  const trees = new Map([...byTree].map(([name, n]) => [name, n / count]));
  return { frames: frames.length / count, cpu: (cpu.user + cpu.system) / count, trees };
}

interface Subject {
  name: string;
  store: Store;
  file: string;
  /** Each step's readings, one a round. */
  steps: Map<string, Step[]>;
  /** The four steps of one round, `count` messages each. */
  round(count: number): void;
}

async function subject(name: string, tree: string, folder: string): Promise<Subject> {
  const { LocalStore } = (await import(join(tree, 'src-main/store/store.ts'))) as {
    LocalStore: { open(o: { file: string; selfId: string }): Store };
  };
  const file = join(folder, `${name}.sqlite`);
  const store = LocalStore.open({ file, selfId: me.id });
  const channels = Array.from({ length: CHANNELS }, (_, i) => channel(i));
  store.saveChannels(channels);
  const seqs = channels.map(() => 0);
  const others = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const c = i % CHANNELS;
      seqs[c] = (seqs[c] ?? 0) + 1;
      return serverMessage({
        channelId: channels[c]?.id as string,
        user: bob,
        seq: seqs[c] as number,
        content: `m${i}${FILLER}`,
      });
    });
  store.transaction(() => {
    for (const m of others(CACHED)) store.upsertServerMessage(m);
  });
  const target = channels[0]?.id as string;
  const steps = new Map<string, Step[]>();
  const record = (step: string, reading: Step) => steps.set(step, [...(steps.get(step) ?? []), reading]);
  const round = (count: number) => {
    const sent: string[] = [];
    record(
      'enqueue',
      measure(file, count, () => {
        for (let i = 0; i < count; i++) {
          const cmid = randomUUID();
          sent.push(cmid);
          const now = Date.now();
          store.queueOwnMessage({
            clientMessageId: cmid,
            channelId: target,
            content: `b${i}${FILLER}`,
            author: me,
            createdAt: new Date(now).toISOString(),
            queuedAt: now,
          });
        }
      }),
    );
    record(
      'ack',
      measure(file, count, () => {
        for (let i = 0; i < sent.length; i += 64) {
          const batch: MessageSent[] = [];
          for (const cmid of sent.slice(i, i + 64)) {
            seqs[0] = (seqs[0] ?? 0) + 1;
            const ack: MessageSent = {
              ok: true,
              messageId: randomUUID(),
              channelId: target,
              clientMessageId: cmid,
              status: 'SENT',
              seq: seqs[0] as number,
              createdAt: new Date().toISOString(),
            };
            batch.push(ack, ack);
          }
          store.applyAcks(batch);
        }
      }),
    );
    // As the catch-up stores them: channel by channel, 25 to a commit.
    const arriving = others(count).sort((a, b) => a.channelId.localeCompare(b.channelId) || a.seq - b.seq);
    record(
      'catch-up',
      measure(file, count, () => {
        for (let i = 0; i < arriving.length; i += 25)
          store.transaction(() => {
            for (const m of arriving.slice(i, i + 25)) store.upsertServerMessage(m);
          });
      }),
    );
    const live = others(count);
    record(
      'live',
      measure(file, count, () => {
        for (const m of live) store.upsertServerMessage(m);
      }),
    );
  };
  return { name, store, file, steps, round };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const folder = mkdtempSync(join(DIR, 'relay-store-writes-'));
  try {
    const subjects = [await subject('this', fileURLToPath(new URL('..', import.meta.url)), folder)];
    if (BASELINE) subjects.push(await subject('baseline', BASELINE, folder));
    for (let r = 0; r < ROUNDS; r++)
      for (const s of r % 2 ? [...subjects].reverse() : subjects) s.round(COUNT);
    for (const s of subjects) {
      console.log(
        `== ${s.name}: ${CACHED} cached, ${ROUNDS} rounds of ${COUNT} a step (median of the rounds)`,
      );
      for (const [step, readings] of s.steps) {
        const last = readings.at(-1) as Step;
        const trees = [...last.trees]
          .sort((a, b) => b[1] - a[1])
          .map(([t, n]) => `${t} ${n.toFixed(2)}`)
          .join(', ');
        console.log(
          `${step.padEnd(9)} WAL frames a message ${median(readings.map((x) => x.frames)).toFixed(2)}, ` +
            `CPU µs min ${Math.min(...readings.map((x) => x.cpu)).toFixed(0)} median ${median(readings.map((x) => x.cpu)).toFixed(0)} | last round: ${trees}`,
        );
      }
      s.store.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

void main();
