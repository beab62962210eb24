/**
 * `tsx bench/send-over-store.ts [--baseline DIR] [--sends N] [--rounds R] [--dir DIR]`: what an offline
 * send costs the core over its own store transaction, A/B in one process. Not a figure of `npm run bench`:
 * a measuring tool for figure 6's enqueue and its floor row (BENCHMARKS.md "enq28"), run by hand.
 *
 * Each tree (this one, and `--baseline`, another checkout) opens in `--dir` (default /dev/shm, so the
 * disk's noise is out of it) a real Account (open-account.ts with the plain-Node ports and no socket:
 * offline, as figure 6's enqueue) and beside it a bare LocalStore, each with one channel. A round queues
 * `--sends` messages through each kind of each tree in turn, the order reversed every other round, so the
 * machine's load falls on all alike:
 * - `awaited`: Account.sendWithFiles, awaited, as the core's `sendMessage` handler runs it;
 * - `send`: Account.send (the transaction, the view, the UI's events and counts, the pump);
 * - `own`: the same transaction on the account's own store, no core around it;
 * - `store`: the same transaction on a store opened as figure 6's floor row opens it.
 * Reported per tree and kind: CPU µs a send (process.cpuUsage, user + system), min and median over the
 * rounds, and the wall p50 / p99 of each send; then per tree the differences: the handler's call
 * (`awaited` less `send`), the core's code (`send` less `own`), the account's store (`own` less `store`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testChannel } from '../src-main/store/testing/test-channel';
import type { Channel } from '../src-shared/protocol';
import { commandLine } from './lib/args';
import { createHistogram, recordMs } from './lib/stats';

const args = commandLine();
const SENDS = args.number('--sends', 500);
const ROUNDS = args.number('--rounds', 20);
const DIR = args.text('--dir', '/dev/shm');
const BASELINE = args.path('--baseline');
const FILLER = ' the quick brown fox jumps over the lazy dog, then reviews the pull request before lunch';
const me = { id: '0190a8c4-0000-7000-8000-00000000a11c', name: 'alice' };

type Send = (content: string) => unknown;

interface Kind {
  tree: string;
  kind: 'awaited' | 'send' | 'own' | 'store';
  send: Send;
  cpu: number[];
  wall: ReturnType<typeof createHistogram>;
}

/** The store's tests' channel of `me` alone, with its id. */
function channel(id: string): Channel {
  return { ...testChannel([me]), id };
}

/** The tree's modules, loaded from its own files (each tree its own copy of the core). */
async function load(tree: string) {
  const from = (file: string) => import(join(tree, file));
  return {
    ...(await from('src-main/core/open-account.ts')),
    ...(await from('src-main/core/options.ts')),
    ...(await from('src-main/core/emitter.ts')),
    ...(await from('src-main/core/node-ports.ts')),
    ...(await from('src-main/core/api.ts')),
    ...(await from('src-main/store/store.ts')),
    ...(await from('src-main/core/ports.ts')),
  };
}

async function subjects(tree: string, label: string, folder: string): Promise<Kind[]> {
  const m = await load(tree);
  const userData = mkdtempSync(join(folder, `${label}-`));
  const options = m.resolveOptions({});
  const emitter = new m.CoreEmitter(m.silentLogger);
  const account = m.openAccount(me, {
    ports: {
      notifier: m.createRecordingNotifier(),
      secrets: m.createFileSecretStore(userData),
      settings: m.createMemorySettingsStore({}),
      clock: m.systemClock,
      paths: { userData },
      openExternal: async () => {},
    },
    options,
    emitter,
    logger: m.silentLogger,
    api: m.createApiClient(fetch, 1000),
    ui: { focused: true, activeChannelId: null, openThreadId: null, atNewest: true, away: false },
    fault: () => {},
    socket: () => null,
    credentials: () => null,
    fetch,
    stalled: () => {},
  });
  // The UI's listeners, as the bridge's fan-out holds one of each.
  for (const event of ['messageUpserted', 'outbox', 'unread', 'typing'] as const) emitter.on(event, () => {});
  const sendIn = 'c0000000-0000-4000-8000-000000000001';
  account.store.saveChannels([channel(sendIn)]);
  const store = m.LocalStore.open({ file: join(userData, 'bare.sqlite'), selfId: me.id });
  const storeIn = 'c0000000-0000-4000-8000-000000000002';
  store.saveChannels([channel(storeIn)]);
  const ids = (await import(join(tree, 'src-shared/ids/uuid-v7.ts'))).uuidV7Generator(
    (await import('node:crypto')).randomFillSync,
  );
  const kind = (k: Kind['kind'], send: Send): Kind => ({
    tree: label,
    kind: k,
    send,
    cpu: [],
    wall: createHistogram(),
  });
  const queue = (into: typeof store, channelId: string) => (content: string) => {
    const now = Date.now();
    return into.queueOwnMessageInOpenChannel({
      clientMessageId: ids(),
      channelId,
      content,
      author: me,
      createdAt: new Date(now).toISOString(),
      queuedAt: now,
    });
  };
  return [
    kind('awaited', (content) => account.sendWithFiles(sendIn, content, undefined, [])),
    kind('send', (content) => account.send(sendIn, content)),
    kind('own', queue(account.store, sendIn)),
    kind('store', queue(store, storeIn)),
  ];
}

async function round(k: Kind, at: number): Promise<void> {
  const before = process.cpuUsage();
  for (let i = 0; i < SENDS; i++) {
    const content = `r${at}-${i}${FILLER}`;
    const start = performance.now();
    // Awaited as figure 6 awaits the core's handler (a value that is not a promise costs one microtask).
    await k.send(content);
    recordMs(k.wall, performance.now() - start);
  }
  const cpu = process.cpuUsage(before);
  k.cpu.push((cpu.user + cpu.system) / SENDS);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fixed = (n: number) => n.toFixed(1);

const folder = mkdtempSync(join(DIR, 'send-over-store-'));
try {
  const kinds = await subjects(fileURLToPath(new URL('..', import.meta.url)), 'this', folder);
  if (BASELINE) kinds.push(...(await subjects(BASELINE, 'baseline', folder)));
  // One untimed round each: V8's code warm, the files' first pages in place.
  for (const k of kinds) {
    await round(k, -1);
    k.cpu = [];
    k.wall = createHistogram();
  }
  for (let r = 0; r < ROUNDS; r++) {
    // Each round in another order, so no kind always follows the same one.
    const order = r % 2 === 0 ? kinds : [...kinds].reverse();
    for (const k of order) await round(k, r);
  }
  console.log(`${SENDS} sends × ${ROUNDS} rounds, ${DIR}`);
  console.log('tree      kind     CPU µs a send (min / median)  wall p50 / p99 µs');
  for (const k of kinds) {
    const cpu = `${fixed(Math.min(...k.cpu))} / ${fixed(median(k.cpu))}`;
    const wall = `${fixed(k.wall.getValueAtPercentile(50))} / ${fixed(k.wall.getValueAtPercentile(99))}`;
    console.log(`${k.tree.padEnd(9)} ${k.kind.padEnd(8)} ${cpu.padEnd(29)} ${wall}`);
  }
  for (const tree of new Set(kinds.map((k) => k.tree))) {
    const [awaited, send, own, store] = (['awaited', 'send', 'own', 'store'] as const).map((kind) =>
      kinds.find((k) => k.tree === tree && k.kind === kind),
    );
    if (!awaited || !send || !own || !store) continue;
    const over = (a: Kind, b: Kind) =>
      `CPU median ${fixed(median(a.cpu) - median(b.cpu))} µs, wall p50 ${fixed(a.wall.getValueAtPercentile(50) - b.wall.getValueAtPercentile(50))} µs`;
    console.log(`${tree}: the handler's call over the send ${over(awaited, send)}`);
    console.log(
      `${tree}: the core over its store's transaction ${over(send, own)}; the account's store over a fresh one ${over(own, store)}`,
    );
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
process.exit(0);
