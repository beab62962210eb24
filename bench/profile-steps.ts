/**
 * `tsx bench/profile-steps.ts FILE.cpuprofile [WINDOW_FUNCTION]`: the app's busy time in a window of a
 * --cpu-prof profile (default: figure 13's catch-up, every sample from the first to the last inside
 * `ingestInChunks`) split by step, as catchup14's section of BENCHMARKS.md reads it. A sample goes to
 * the first step below that its stack (leaf first) holds. `tsx bench/profile-steps.ts FILE accept server`:
 * the real server's send path instead (SERVER_STEPS); `… FILE commitTogether writer`: the SQLite writer thread's
 * profile (the server writes one per thread), from its first batch to its last (WRITER_STEPS).
 */
import { readFileSync } from 'node:fs';
import { type CpuProfile, type Step, stepTimes } from './lib/profile';

type Stack = Parameters<Step['holds']>[0];
const named = (s: Stack, ...names: string[]) => s.some((f) => names.includes(f.functionName));
const from = (s: Stack, pattern: RegExp) => s.some((f) => pattern.test(f.url));

const STEPS: Step[] = [
  { name: 'GC', holds: (s) => s[0]?.functionName === '(garbage collector)' },
  { name: 'notifications (shouldNotify, offer)', holds: (s) => named(s, 'offer', 'shouldNotify') },
  { name: 'views (messageView: replyCount, changes)', holds: (s) => named(s, 'messageView') },
  {
    name: "bridge: the events' zod check",
    holds: (s) => from(s, /bridge\/fanout/) && named(s, 'safeParse'),
  },
  {
    name: 'bridge: the socket to the page',
    holds: (s) => from(s, /bridge\/ws-server/) && !named(s, 'dispatch'),
  },
  {
    name: "the UI's calls (listMessages, …)",
    holds: (s) => s.some((f) => f.functionName === 'dispatch' && /bridge\/router/.test(f.url)),
  },
  { name: 'unread counts', holds: (s) => named(s, 'emitUnreadOf', 'totalUnread', 'unreadCount') },
  { name: "the chunk's COMMIT", holds: (s) => s[0]?.functionName === 'sqliteTransaction' },
  { name: 'storing the messages (upsertServerMessage)', holds: (s) => named(s, 'upsertServerMessage') },
  { name: 'the receipt queue', holds: (s) => named(s, 'queueReceipt', 'markReplyUnread') },
  { name: "other work in the chunk's transaction", holds: (s) => named(s, 'sqliteTransaction') },
  { name: 'receipts sent (socket.io)', holds: (s) => from(s, /core\/(receipts|ack)|esm-debug|engine/) },
  { name: 'the changes feed', holds: (s) => from(s, /core\/changes|change-feed/) },
  {
    name: 'history fetch (undici, gunzip, http)',
    holds: (s) => named(s, 'request') || from(s, /undici|zlib|_http|abort_controller/),
  },
  {
    name: "history pages' zod parse",
    holds: (s) => s.some((f) => f.functionName === 'parse' && /core\/api/.test(f.url)),
  },
];

/**
 * The real server's main thread around `message:send` (srv8's section of BENCHMARKS.md): window
 * `accept` (src-server/socket/messages.ts), `server` as the third argument.
 */
const leafFrom = (s: Stack, pattern: RegExp) => pattern.test(s[0]?.url ?? '');
const SERVER_STEPS: Step[] = [
  { name: 'GC', holds: (s) => s[0]?.functionName === '(garbage collector)' },
  { name: 'inline commit (SQLite on the main thread)', holds: (s) => named(s, 'commitTogether') },
  {
    name: 'postMessage to/from the writer thread',
    holds: (s) => s[0]?.functionName === 'postMessage' || (named(s, 'onMessage') && from(s, /writer-client/)),
  },
  { name: 'the replay check (findByClientMessageId)', holds: (s) => named(s, 'findByClientMessageId') },
  {
    name: 'SQLite reads on the main thread',
    holds: (s) => from(s, /sqlite-store|shared-store|better-sqlite3/),
  },
  { name: 'zod', holds: (s) => leafFrom(s, /\/zod\//) },
  { name: 'pino', holds: (s) => from(s, /\/pino/) },
  { name: 'metrics (prom-client)', holds: (s) => from(s, /prom-client|ops\/socket-metrics/) },
  {
    name: 'socket writes (writev, ws sender)',
    holds: (s) =>
      ['writev', 'writeUtf8String'].includes(s[0]?.functionName ?? '') || leafFrom(s, /\/ws\/lib\/sender/),
  },
  { name: 'socket.io / engine.io / ws', holds: (s) => leafFrom(s, /socket\.io|engine\.io|\/ws\//) },
  { name: 'the send handler (src-server/socket)', holds: (s) => leafFrom(s, /src-server\/socket/) },
  { name: 'other src-server', holds: (s) => leafFrom(s, /src-server/) },
];

/** The writer thread (src-server/store/sqlite/worker.ts): what its time between batches goes to (srv23). */
const WRITER_STEPS: Step[] = [
  { name: 'GC', holds: (s) => s[0]?.functionName === '(garbage collector)' },
  {
    name: 'checkpoints',
    holds: (s) => named(s, 'checkpoint', 'checkpointDue', 'checkpointAndRestart', 'shrinkIfGrown'),
  },
  { name: 'the search index', holds: (s) => named(s, 'updateSearchIndex') },
  { name: 'batches: the transaction (inserts, COMMIT)', holds: (s) => named(s, 'commitTogether') },
  { name: 'batches: the rest (outcomes, answer)', holds: (s) => named(s, 'commit', 'postable') },
  { name: 'messages to and from the main thread', holds: (s) => from(s, /worker_threads|messageport/) },
];

const [file, windowFunction = 'ingestInChunks', set = 'core'] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/profile-steps.ts FILE.cpuprofile [WINDOW_FUNCTION] [core|server|writer]');
  process.exit(2);
}
const steps = { core: STEPS, server: SERVER_STEPS, writer: WRITER_STEPS }[set] ?? STEPS;
const result = stepTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, windowFunction, steps);
console.log(`window ${result.windowMs.toFixed(0)} ms, busy ${result.busyMs.toFixed(0)} ms`);
for (const { name, ms, percent } of result.steps) {
  const share = name === 'idle' ? '' : `${percent.toFixed(1).padStart(5)} %`;
  console.log(`${name.padEnd(46)} ${ms.toFixed(0).padStart(6)} ms ${share}`);
}
