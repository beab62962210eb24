/**
 * A process holding real main-process cores (src-main/core `createCore` with its plain-Node ports),
 * each with its own user-data folder, signed in to the server under test as a demo user. Both cores
 * live in this one process so that send and arrival are timed on one clock. The same process also
 * runs the baselines with plain socket.io-client sockets against the bare relay.
 */

import { randomFillSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { io, type Socket } from 'socket.io-client';
import { type Core, createCore } from '../../src-main/core/create-core';
import { onEachMessage } from '../../src-main/core/event-batch';
import {
  createFileSecretStore,
  createMemorySettingsStore,
  createRecordingNotifier,
  systemClock,
} from '../../src-main/core/node-ports';
import { LocalStore } from '../../src-main/store/store';
import { me, testChannel } from '../../src-main/store/testing/test-channel';
import { uuidV7Generator } from '../../src-shared/ids/uuid-v7';
import { MessageEvent } from '../../src-shared/protocol';
import { constantOpWalls, gapsPerSecond, spinGaps } from '../lib/cpu-gaps';
import { emitEvent, serve } from '../lib/serve';
import { createHistogram, percentile, recordMs, summarize } from '../lib/stats';
import { enqueueRecorder } from './enqueue-why';

const cores = new Map<string, Core>();
const states = new Map<string, string>();
// The runner passes a folder under its own temp folder, removed with it.
const root = process.argv[2] ?? mkdtempSync(path.join(os.tmpdir(), 'relay-bench-cores-'));
let nextSeq = 1;
const FILLER = ' the quick brown fox jumps over the lazy dog, then reviews the pull request before lunch';
const YIELD = process.env.BENCH_ENQUEUE_YIELD === '1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function core(name: string): Core {
  const c = cores.get(name);
  if (!c) throw new Error(`no core ${name}`);
  return c;
}

function untilConnected(c: Core, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('core did not connect')), timeoutMs);
    const off = c.on('connection', ({ state }) => {
      if (state !== 'connected') return;
      clearTimeout(timer);
      off();
      resolve(performance.now());
    });
  });
}

/** Resolves with a call's value, or throws its bridge failure. */
async function ok<T>(value: T | Promise<T>): Promise<T> {
  return await value;
}

/** Each core's userData folder, by the core's name. */
const userDataOf = new Map<string, string>();
/** The core's store's WAL (open-account.ts names the file by the user's id). */
function walOf(name: string): string {
  const dir = userDataOf.get(name) ?? '';
  const db = readdirSync(dir).find((f) => f.endsWith('.sqlite'));
  return path.join(dir, `${db}-wal`);
}

serve({
  async open({ name, serverUrl, username }: { name: string; serverUrl: string; username: string }) {
    const userData = mkdtempSync(path.join(root, `${name}-`));
    userDataOf.set(name, userData);
    const c = createCore(
      {
        notifier: createRecordingNotifier(),
        secrets: createFileSecretStore(userData),
        settings: createMemorySettingsStore({ serverUrl }),
        clock: systemClock,
        paths: { userData },
        openExternal: async () => {},
      },
      // Reconnect promptly after the server restart of figure 6; nothing else is tuned.
      { backoffMinMs: 100, backoffMaxMs: 500 },
    );
    cores.set(name, c);
    c.on('connection', ({ state }) => states.set(name, state));
    await c.start();
    const connected = untilConnected(c, 15_000);
    const session = await ok(c.handlers.signIn({ serverUrl, username, password: 'password' }));
    await connected;
    // Catch-up fills the channel list right after connecting.
    for (let i = 0; i < 100; i++) {
      const channels = await ok(c.handlers.listChannels(undefined));
      if (channels.length > 0)
        return { userId: session.user?.id, channels: channels.map((ch) => ({ id: ch.id, name: ch.name })) };
      await sleep(50);
    }
    throw new Error('no channels after sign-in');
  },

  /** A's sendMessage → server → B's `messageUpserted`; one message at a time. */
  async pingPong(args: {
    from: string;
    to: string;
    channelId: string;
    warmup: number;
    count: number;
    gapMs: number;
  }) {
    const [a, b] = [core(args.from), core(args.to)];
    const histogram = createHistogram();
    let waiting: { prefix: string; resolve: () => void } | null = null;
    const off = onEachMessage(b, (m) => {
      if (waiting && !m.own && m.content.startsWith(waiting.prefix)) waiting.resolve();
    });
    let lost = 0;
    for (let i = 0; i < args.warmup + args.count; i++) {
      const prefix = `b${nextSeq++} `;
      const arrived = new Promise<boolean>((resolve) => {
        waiting = { prefix, resolve: () => resolve(true) };
        setTimeout(() => resolve(false), 5_000);
      });
      const start = performance.now();
      await ok(a.handlers.sendMessage({ channelId: args.channelId, content: `${prefix}${FILLER}` }));
      if (!(await arrived)) lost++;
      else if (i >= args.warmup) recordMs(histogram, performance.now() - start);
      waiting = null;
      await sleep(args.gapMs);
    }
    off();
    return { ...summarize(histogram), lost };
  },

  /** `count` sendMessage calls, each timed on its own (the core should be offline: enqueue only). */
  async enqueue({ name, channelId, count }: { name: string; channelId: string; count: number }) {
    const c = core(name);
    // Only the enqueue is timed: wait until the core has seen the server go.
    for (let i = 0; i < 200 && states.get(name) === 'connected'; i++) await sleep(25);
    if (states.get(name) === 'connected') throw new Error('the core still says connected');
    const histogram = createHistogram();
    // This process's CPU time over the loop (user + system, so the commits' writes count): per send,
    // it says what an enqueue costs whatever else shares the machine.
    const why = enqueueRecorder(process.env.BENCH_ENQUEUE_WHY, walOf(name));
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < count; i++) {
      const content = `b${nextSeq++}${FILLER}`;
      why?.before();
      const start = performance.now();
      await ok(c.handlers.sendMessage({ channelId, content }));
      recordMs(histogram, performance.now() - start);
      why?.after();
      // BENCH_ENQUEUE_YIELD=1: a macrotask between sends, as each is its own IPC task in the app (the core's
      // timers, its 2 s checkpoint among them, then run during the loop; BENCHMARKS.md "enq27"). Untimed.
      if (YIELD) await new Promise((resolve) => setImmediate(resolve));
    }
    const cpu = process.cpuUsage(cpuBefore);
    if (why) {
      await sleep(10);
      why.finish();
    }
    const outbox = await ok(c.handlers.listOutbox(undefined));
    return { ...summarize(histogram), queued: outbox.length, cpuUsPerSend: (cpu.user + cpu.system) / count };
  },

  /**
   * Figure 6's floor: what the machine's own stalls alone make of the p99 of an operation of each of
   * `opUs` µs (bench/lib/cpu-gaps.ts), spun for `seconds` in this process, right after the enqueue.
   */
  stallFloor({ seconds, opUs }: { seconds: number; opUs: number[] }) {
    const gaps = spinGaps(seconds);
    return {
      p99: opUs.map((op) => percentile(constantOpWalls(gaps, op), 99)),
      over100PerSecond: gapsPerSecond(gaps, 100),
    };
  },

  /** After the server is back: from the core's `connected` to its outbox being empty. */
  async awaitDrain({ name, timeoutMs }: { name: string; timeoutMs: number }) {
    const c = core(name);
    const connectedAt = await untilConnected(c, timeoutMs);
    const deadline = connectedAt + timeoutMs;
    let drainedAt: number | null = null;
    const off = c.on('outbox', ({ sending }) => {
      if (sending === 0 && drainedAt === null) drainedAt = performance.now();
    });
    while (drainedAt === null && performance.now() < deadline) await sleep(5);
    off();
    const left = (await ok(c.handlers.listOutbox(undefined))).length;
    return { seconds: drainedAt === null ? null : (drainedAt - connectedAt) / 1000, left };
  },

  /** Baseline for figure 2: two plain socket.io-client sockets through the bare relay. */
  async relayPingPong(args: {
    url: string;
    userIds: string[];
    channelId: string;
    warmup: number;
    count: number;
    gapMs: number;
    /** Each client commits one row to its own SQLite file (the core store's pragmas) before it sends, and
     * on arrival before it counts the message: the floor of "durable before the UI says so", both ends. */
    durable?: boolean;
  }) {
    const [a, b] = await Promise.all(args.userIds.map((userId) => connectPlain(args.url, userId)));
    const [storeA, storeB] = args.durable ? [bareTable(), bareTable()] : [];
    const histogram = createHistogram();
    let waiting: { prefix: string; resolve: () => void } | null = null;
    b!.on(MessageEvent.NEW, (m: { content: string }) => {
      if (!waiting || !m.content.startsWith(waiting.prefix)) return;
      storeB?.insert(m.content);
      waiting.resolve();
    });
    for (let i = 0; i < args.warmup + args.count; i++) {
      const prefix = `b${nextSeq++} `;
      const arrived = new Promise<void>((resolve) => {
        waiting = { prefix, resolve };
      });
      const start = performance.now();
      const content = `${prefix}${FILLER}`;
      storeA?.insert(content);
      a!.emit(MessageEvent.SEND, { channelId: args.channelId, content }, () => {});
      await Promise.race([arrived, sleep(5_000)]);
      if (i >= args.warmup) recordMs(histogram, performance.now() - start);
      await sleep(args.gapMs);
    }
    a!.close();
    b!.close();
    storeA?.close();
    storeB?.close();
    return summarize(histogram);
  },

  /** Baseline for figure 6: `count` acknowledged sends through the bare relay, `window` in flight. */
  async relayReplay(args: { url: string; userId: string; channelId: string; count: number; window: number }) {
    const socket = await connectPlain(args.url, args.userId);
    const start = performance.now();
    let sent = 0;
    let acked = 0;
    await new Promise<void>((resolve) => {
      const pump = () => {
        while (sent < args.count && sent - acked < args.window) {
          sent++;
          socket.emit(
            MessageEvent.SEND,
            { channelId: args.channelId, content: `b${nextSeq++}${FILLER}` },
            () => {
              if (++acked === args.count) resolve();
              else pump();
            },
          );
        }
      };
      pump();
    });
    socket.close();
    return { seconds: (performance.now() - start) / 1000 };
  },

  /**
   * Figure 6's floor: the least an exactly-once durable replay does. A plain socket.io-client whose queue
   * is a SQLite file with the core store's durability (`outboxFile`: WAL, synchronous=NORMAL) replays its
   * `count` rows, oldest first, with their clientMessageIds (what lets the server store a resend once), `window`
   * in flight, reading the queue a window at a time; the acks that arrive in one turn delete their rows in
   * one transaction. Queuing the rows is not timed (figure 6 times the enqueue on its own row).
   */
  async floorReplay(args: { url: string; userId: string; channelId: string; count: number; window: number }) {
    const db = outboxFile();
    db.exec(
      'CREATE TABLE outbox (seq INTEGER PRIMARY KEY, client_message_id TEXT NOT NULL, channel_id TEXT NOT NULL, content TEXT NOT NULL)',
    );
    const queue = db.prepare('INSERT INTO outbox (client_message_id, channel_id, content) VALUES (?, ?, ?)');
    for (let i = 0; i < args.count; i++) queue.run(randomUUID(), args.channelId, `f${nextSeq++}${FILLER}`);
    const read = db.prepare<
      [number, number],
      { seq: number; client_message_id: string; channel_id: string; content: string }
    >('SELECT seq, client_message_id, channel_id, content FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?');
    const remove = db.prepare('DELETE FROM outbox WHERE seq = ?');
    const removeAll = db.transaction((seqs: number[]) => {
      for (const seq of seqs) remove.run(seq);
    });
    const socket = await connectPlain(args.url, args.userId);
    const start = performance.now();
    let lastSent = 0;
    let inFlight = 0;
    let ackCount = 0;
    let rows: { seq: number; client_message_id: string; channel_id: string; content: string }[] = [];
    let next = 0;
    let ackedNow: number[] = [];
    // Named functions: the profile's steps find them by name (bench/core-steps.ts `floor`).
    await new Promise<void>((resolve) => {
      function pump(): void {
        while (inFlight < args.window) {
          if (next === rows.length) {
            rows = read.all(lastSent, args.window);
            next = 0;
            if (rows.length === 0) return;
          }
          const row = rows[next++]!;
          lastSent = row.seq;
          inFlight++;
          socket.emit(
            MessageEvent.SEND,
            { channelId: row.channel_id, content: row.content, clientMessageId: row.client_message_id },
            function acked(): void {
              if (ackedNow.length === 0) setImmediate(commitAcks);
              ackedNow.push(row.seq);
            },
          );
        }
      }
      function commitAcks(): void {
        const seqs = ackedNow;
        ackedNow = [];
        removeAll(seqs);
        ackCount += seqs.length;
        inFlight -= seqs.length;
        if (ackCount === args.count) resolve();
        else pump();
      }
      pump();
    });
    const seconds = (performance.now() - start) / 1000;
    socket.close();
    const left = (db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    db.close();
    return { seconds, left };
  },

  /**
   * Figure 6's floor of the enqueue's storage: the send's own transaction (the message and its queued
   * operation, LocalStore.queueOwnMessageInOpenChannel, as account.ts calls it) on a fresh store of the
   * app's schema, with nothing of the core around it: no message view, no event, no outbox counts.
   */
  storeEnqueue({ count }: { count: number }) {
    const store = LocalStore.open({
      file: path.join(mkdtempSync(path.join(root, 'store-')), 'a.sqlite'),
      selfId: me.id,
    });
    const channel = testChannel([me]);
    const channelId = channel.id;
    store.saveChannels([channel]);
    const clientMessageId = uuidV7Generator(randomFillSync);
    const histogram = createHistogram();
    for (let i = 0; i < count; i++) {
      const content = `f${i}${FILLER}`;
      const start = performance.now();
      const now = Date.now();
      store.queueOwnMessageInOpenChannel({
        clientMessageId: clientMessageId(),
        channelId,
        content,
        author: me,
        createdAt: new Date(now).toISOString(),
        queuedAt: now,
      });
      recordMs(histogram, performance.now() - start);
    }
    store.close();
    return summarize(histogram);
  },

  /** Baseline for the enqueue: one bare INSERT with the core store's durability, one commit each. */
  sqliteInsert({ count }: { count: number }) {
    const table = bareTable();
    const histogram = createHistogram();
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      table.insert(`b${i}${FILLER}`);
      recordMs(histogram, performance.now() - start);
    }
    table.close();
    return summarize(histogram);
  },

  async closeAll() {
    for (const c of cores.values()) await c.close();
    cores.clear();
  },
});

/** A fresh SQLite file with the core store's durability (src-main/store/database.ts: WAL,
 * synchronous=NORMAL, autocheckpoint at 10,000 pages). */
function outboxFile(): Database.Database {
  const db = new Database(path.join(mkdtempSync(path.join(root, 'sqlite-')), 'bare.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 10000');
  return db;
}

/** One table in an `outboxFile`; each insert is its own commit. */
function bareTable(): { insert: (content: string) => void; close: () => void } {
  const db = outboxFile();
  db.exec(
    'CREATE TABLE outbox (client_message_id TEXT PRIMARY KEY, channel_id TEXT, content TEXT, queued_at INTEGER)',
  );
  const statement = db.prepare('INSERT INTO outbox VALUES (?, ?, ?, ?)');
  return {
    insert: (content) => statement.run(randomUUID(), 'channel', content, Date.now()),
    close: () => db.close(),
  };
}

function connectPlain(url: string, userId: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], auth: { userId }, reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

// Exit normally on SIGTERM, so that --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));
emitEvent({ event: 'ready' });
