/**
 * `tsx bench/core-steps.ts FILE.cpuprofile fig2|fig6`: the core host's busy time split by step of a
 * message's walk through a core (core2's section of BENCHMARKS.md). Figure 2's window is every sample
 * from the first to the last inside `pingPong`'s sends; figure 6's, the replay (`applyAcks`); `floor`,
 * figure 6's floor row (`floorReplay`'s `commitAcks`), in the first core host's profile.
 */
import { readFileSync } from 'node:fs';
import { type CpuProfile, type Step, stepTimes } from './lib/profile';

type Stack = Parameters<Step['holds']>[0];
const named = (s: Stack, ...names: string[]) => s.some((f) => names.includes(f.functionName));
const fn = (s: Stack, name: string, url: RegExp) => s.some((f) => f.functionName === name && url.test(f.url));
const from = (s: Stack, pattern: RegExp) => s.some((f) => pattern.test(f.url));
const leaf = (s: Stack, ...names: string[]) => names.includes(s[0]?.functionName ?? '');

const COMMON: Step[] = [
  { name: 'GC', holds: (s) => leaf(s, '(garbage collector)') },
  { name: 'zod (safeParse, inclusive)', holds: (s) => named(s, 'safeParse', '_parse') && from(s, /zod/) },
];

const SEND: Step[] = [
  {
    name: "A send: the send's transaction (queue + COMMIT)",
    holds: (s) => named(s, 'queueOwnMessageInOpenChannel'),
  },
  { name: 'A send: its view', holds: (s) => named(s, 'messageView') && fn(s, 'send', /core\/account/) },
  {
    name: 'A send: outbox counts event',
    holds: (s) => named(s, 'emitOutboxCounts', 'outboxCounts') && fn(s, 'send', /core\/account/),
  },
  { name: 'A send: pump (pending read)', holds: (s) => named(s, 'pendingAfter', 'pendingIn') },
  { name: 'A send: socket.io emit', holds: (s) => fn(s, 'send', /core\/outbox/) },
  { name: 'A send: other', holds: (s) => fn(s, 'send', /core\/account/) },
];

const RECEIVE: Step[] = [
  {
    name: "B receive: the arrival's transaction (upsert, receipt row, cursor, COMMIT)",
    holds: (s) =>
      named(s, 'storeArrival', 'advanceCursor') || (named(s, 'ingestAll') && leaf(s, 'sqliteTransaction')),
  },
  {
    name: 'B receive: DELIVERED receipt sent (kick, socket.io)',
    holds: (s) => named(s, 'kick') && from(s, /core\/receipts/),
  },
  { name: 'B receive: views', holds: (s) => named(s, 'messageView') && named(s, 'ingestAll') },
  { name: 'B receive: unread counts', holds: (s) => named(s, 'emitUnreadOf') },
  { name: 'B receive: notifications', holds: (s) => named(s, 'offer', 'shouldNotify') },
  { name: 'B receive: other', holds: (s) => named(s, 'ingestAll') },
];

const ACKS: Step[] = [
  { name: 'acks: ackOne (read + UPDATE)', holds: (s) => named(s, 'ackOne') && !named(s, 'dropSend') },
  { name: 'acks: dropSend (DELETE)', holds: (s) => named(s, 'dropSend') },
  { name: 'acks: views', holds: (s) => named(s, 'messageView') && named(s, 'applyAcks') },
  {
    name: 'acks: unread / outbox counts',
    holds: (s) => named(s, 'emitUnreadOf', 'outboxCounts') && named(s, 'applyAcks'),
  },
  { name: 'acks: COMMIT', holds: (s) => named(s, 'applyAcks') && leaf(s, 'sqliteTransaction') },
  {
    name: 'acks: cursor, read position',
    holds: (s) => named(s, 'advanceCursor', 'queueReadReceipts') && named(s, 'applyAcks'),
  },
  { name: 'acks: other', holds: (s) => named(s, 'applyAcks') },
  { name: 'pump after acks (pending read)', holds: (s) => named(s, 'pendingAfter', 'pendingIn') },
  { name: 'pump after acks: emit', holds: (s) => named(s, 'flushAcks') },
];

const REST: Step[] = [
  { name: 'receipts arriving (applyReceipt, view)', holds: (s) => named(s, 'receiptArrived') },
  { name: 'receipt sender: acks of receipts, receiptsDone', holds: (s) => from(s, /core\/receipts/) },
  { name: 'message:sent (ackArrived)', holds: (s) => named(s, 'ackArrived') },
  { name: 'message:new parse + queue', holds: (s) => named(s, 'add') && from(s, /live-arrivals/) },
  {
    name: 'socket.io / engine.io / ws (decode, callbacks)',
    holds: (s) => from(s, /socket\.io|engine\.io|\/ws\/|esm-debug/),
  },
  { name: 'node: net, timers, promises', holds: (s) => from(s, /^node:/) || leaf(s, '(program)') },
];

/** Figure 6's floor (core-host.ts `floorReplay`): a plain client's replay out of its SQLite queue. */
const FLOOR: Step[] = [
  {
    name: "floor acks: the rows' DELETEs + COMMIT",
    holds: (s) => named(s, 'commitAcks') && named(s, 'sqliteTransaction'),
  },
  { name: 'floor send: queue read', holds: (s) => named(s, 'pump') && named(s, 'all') },
  { name: 'floor send: socket.io emit', holds: (s) => named(s, 'pump') },
];

const [file, which = 'fig2'] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/core-steps.ts FILE.cpuprofile fig2|fig6|floor');
  process.exit(2);
}
const steps =
  which === 'floor'
    ? [...COMMON.slice(0, 1), ...FLOOR, ...REST]
    : [...COMMON.slice(0, 1), ...SEND, ...RECEIVE, ...ACKS, ...REST, ...COMMON.slice(1)];
const window = which === 'fig6' ? 'applyAcks' : which === 'floor' ? 'commitAcks' : 'pingPong';
const result = stepTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, window, steps);
console.log(`window ${result.windowMs.toFixed(0)} ms, busy ${result.busyMs.toFixed(0)} ms`);
for (const { name, ms, percent } of result.steps) {
  const share = name === 'idle' ? '' : `${percent.toFixed(1).padStart(5)} %`;
  console.log(`${name.padEnd(72)} ${ms.toFixed(0).padStart(6)} ms ${share}`);
}
