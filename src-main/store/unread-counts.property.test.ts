/**
 * Property: the unread and mention counts the store keeps in memory (unread-counts.ts) are what the SQL
 * counts, after any sequence of the store's writes: live arrivals and duplicates, history pages and
 * catch-up chunks (in a transaction, some rolled back), replies flagged and read, our own sends queued,
 * acknowledged and discarded, read positions moved, the channel list saved again (with reads counted
 * ahead), channels added, removed and muted, deletions and mentions changed by the server, and the store
 * reopened. The SQL runs on a second, read-only connection to the same file.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Channel, Message } from '../../src-shared/protocol';
import { serverMessage } from '../../src-shared/testing/messages';
import { LocalStore, MENTIONS_OF_C, type ReadAhead, UNREAD_OF_C } from './store';
import { bob, me, testChannel } from './testing/store-fixture';

const carol = { id: randomUUID(), name: 'carol' };
const channels = [0, 1, 2].map(() => ({ ...testChannel([me, bob, carol]), id: randomUUID() }));
const [A, B, C] = channels as [Channel, Channel, Channel];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-unread-prop-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const small = fc.nat({ max: 1000 });
const op = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('arrive' as const), pick: small, b: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: small, b: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('page' as const), pick: small, b: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), pick: small, b: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flag' as const), pick: small, b: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('thread' as const), pick: small, b: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('queue' as const), pick: small, b: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ack' as const), pick: small, b: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('discard' as const), pick: small, b: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('save' as const), pick: small, b: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('channel' as const), pick: small, b: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('mute' as const), pick: small, b: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('change' as const), pick: small, b: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('rollback' as const), pick: small, b: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), pick: small, b: fc.boolean() }) },
);
type Op = { kind: string; pick: number; b: boolean };

/** The server as these writes see it: each channel's messages by seq, and our queued sends. */
interface World {
  file: string;
  store: LocalStore;
  sql: Database.Database;
  bySeq: Map<string, Map<number, Message>>;
  nextSeq: Map<string, number>;
  queued: { cmid: string; channelId: string; parentId?: string }[];
  changeSeq: number;
  held: Set<string>;
}

function pickOf<T>(list: readonly T[], pick: number): T | undefined {
  return list.length === 0 ? undefined : list[pick % list.length];
}

/** Someone else's (or, now and then, our own from another device) new message, a reply a third of the time. */
function newMessage(w: World, channel: Channel, pick: number, mention: boolean): Message {
  const seq = w.nextSeq.get(channel.id) ?? 1;
  w.nextSeq.set(channel.id, seq + 1);
  const tops = [...(w.bySeq.get(channel.id)?.values() ?? [])].filter((m) => !m.parentId);
  // Replies go to the newest two threads: threads with several replies, flagged and ours among them.
  // (`pick % 3` chose the channel: the other choices take other digits of it.)
  const parent = Math.floor(pick / 3) % 2 === 0 ? tops.at(-1 - (Math.floor(pick / 6) % 2)) : undefined;
  const user = pick % 7 === 0 ? me : Math.floor(pick / 27) % 2 ? bob : carol;
  const m = serverMessage({
    channelId: channel.id,
    user,
    seq,
    parentId: parent?.id,
    mentions: mention ? [me.id] : pick % 5 === 0 ? [bob.id] : [],
  });
  put(w, m);
  return m;
}

/** The server holds `m` (new, or changed). */
function put(w: World, m: Message): void {
  const map = w.bySeq.get(m.channelId) ?? new Map<number, Message>();
  w.bySeq.set(m.channelId, map);
  map.set(m.seq, m);
}

function store(w: World, m: Message): void {
  w.store.upsertServerMessage(m);
  w.held.add(m.id);
}

function heldMessages(w: World, channelId: string): Message[] {
  return [...(w.bySeq.get(channelId)?.values() ?? [])].filter((m) => w.held.has(m.id));
}

function apply(w: World, { kind, pick, b }: Op): void {
  const channel = channels[pick % 3] as Channel;
  switch (kind) {
    case 'arrive': {
      const m = newMessage(w, channel, pick, b);
      // One in four is missed here (sent while away): the server has it, a history page brings it.
      if (pick % 4 !== 3) store(w, m);
      return;
    }
    case 'duplicate': {
      const m = pickOf(heldMessages(w, channel.id), pick);
      if (m) store(w, m);
      return;
    }
    case 'page': {
      // A history page or a catch-up chunk: messages the server has and this store may not, in one
      // transaction, some new ones among them.
      const fresh = [newMessage(w, channel, pick, b), newMessage(w, channel, pick + 1, !b)];
      const page = [...(w.bySeq.get(channel.id)?.values() ?? [])].filter((m) => m.seq % 2 === pick % 2);
      w.store.transaction(() => {
        for (const m of [...page, ...fresh]) store(w, m);
        w.store.setCursor(channel.id, fresh[1]!.seq);
      });
      return;
    }
    case 'read': {
      const top = w.nextSeq.get(channel.id) ?? 1;
      w.store.markReadUpTo(channel.id, b ? top - 1 : pick % top);
      return;
    }
    case 'flag': {
      // Replies that arrived while their thread was not shown: one, or all of a thread.
      const replies = heldMessages(w, channel.id).filter((m) => m.parentId && m.userId !== me.id);
      const reply = pickOf(replies, pick);
      for (const r of replies)
        if (r === reply || (b && r.parentId === reply?.parentId)) w.store.markReplyUnread(r.id);
      return;
    }
    case 'thread': {
      const parent = pickOf(
        heldMessages(w, channel.id).filter((m) => m.parentId),
        pick,
      )?.parentId;
      if (parent) w.store.readThread(parent);
      return;
    }
    case 'queue': {
      // Our send, half the time a reply in a thread with replies (flagged ones, maybe).
      const threads = heldMessages(w, channel.id).flatMap((m) => (m.parentId ? [m.parentId] : []));
      const parent = b ? pickOf(threads, pick) : undefined;
      const cmid = randomUUID();
      w.store.queueOwnMessage({
        clientMessageId: cmid,
        channelId: channel.id,
        parentId: parent,
        content: 'mine',
        author: me,
        createdAt: new Date().toISOString(),
        queuedAt: Date.now(),
      });
      w.queued.push({ cmid, channelId: channel.id, parentId: parent });
      return;
    }
    case 'ack': {
      const at = w.queued.length === 0 ? -1 : pick % w.queued.length;
      const sent = w.queued[at];
      if (!sent) return;
      w.queued.splice(at, 1);
      const seq = w.nextSeq.get(sent.channelId) ?? 1;
      w.nextSeq.set(sent.channelId, seq + 1);
      const id = randomUUID();
      const createdAt = new Date().toISOString();
      if (pick % 3 === 0) {
        // Bob's reply to it comes before the ack does (the ack was held up), unread in its thread.
        const replySeq = seq + 1;
        w.nextSeq.set(sent.channelId, seq + 2);
        const reply = serverMessage({ channelId: sent.channelId, user: bob, seq: replySeq, parentId: id });
        put(w, reply);
        store(w, reply);
        w.store.markReplyUnread(reply.id);
        kept(w); // counted before the ack
      }
      w.store.applyAcks([
        {
          ok: true,
          messageId: id,
          channelId: sent.channelId,
          clientMessageId: sent.cmid,
          status: 'SENT' as never,
          seq,
          createdAt,
        },
      ]);
      const m = serverMessage({
        channelId: sent.channelId,
        user: me,
        seq,
        parentId: sent.parentId,
        at: createdAt,
      });
      const echo = { ...m, id, clientMessageId: sent.cmid, content: 'mine' };
      put(w, echo);
      w.held.add(id);
      // The message:new that follows the ack, now and then.
      if (b) store(w, echo);
      return;
    }
    case 'discard': {
      const at = w.queued.length === 0 ? -1 : pick % w.queued.length;
      const sent = w.queued[at];
      if (!sent) return;
      w.queued.splice(at, 1);
      w.store.markFailed(sent.cmid, 'FORBIDDEN', 'no');
      w.store.discard(sent.cmid);
      return;
    }
    case 'save': {
      // The server's list, with its read positions and counts (maybe behind ours), reads counted ahead.
      const listed = channels
        .filter((c) => c !== C || (w.store.channel(C.id) !== undefined) === b)
        .map((c) => {
          const lastSeq = (w.nextSeq.get(c.id) ?? 1) - 1;
          const lastReadSeq = lastSeq === 0 ? 0 : (pick + c.id.charCodeAt(0)) % (lastSeq + 1);
          return { ...c, lastSeq, lastReadSeq, unreadCount: (pick % 4) + lastSeq - lastReadSeq };
        });
      const ahead = new Map<string, ReadAhead>();
      if (pick % 2) for (const c of listed) ahead.set(c.id, w.store.readAhead(c.id, c.lastReadSeq));
      // Between the count ahead and the save, now and then a history page: what was missed here.
      if (pick % 4 === 1)
        for (const c of channels)
          for (const m of w.bySeq.get(c.id)?.values() ?? []) if (!w.held.has(m.id)) store(w, m);
      w.store.saveChannels(listed, ahead);
      return;
    }
    case 'channel':
      if (b) w.store.addChannel({ ...C, lastSeq: (w.nextSeq.get(C.id) ?? 1) - 1, unreadCount: pick % 3 });
      else w.store.removeChannel(C.id);
      return;
    case 'mute':
      if (pick % 2) w.store.setMuted(channel.id, b);
      else w.store.setPreferences(channel.id, { notify: 'all', muted: b });
      return;
    case 'change': {
      const m = pickOf(heldMessages(w, channel.id), pick);
      if (!m) return;
      w.changeSeq++;
      const how = Math.floor(pick / 3) % 3;
      if (how === 0) {
        w.store.changes.deleted(m.id, w.changeSeq);
        return;
      }
      const changed = {
        ...m,
        changeSeq: w.changeSeq,
        deleted: how === 1 ? !m.deleted : m.deleted,
        mentions: b ? [me.id] : [],
      };
      put(w, changed);
      if (pick % 2) w.store.applyChangePage([changed]);
      else w.store.upsertServerMessage(changed);
      return;
    }
    case 'rollback': {
      const m = newMessage(w, channel, pick, b);
      w.nextSeq.set(channel.id, m.seq); // the server never had it
      w.bySeq.get(channel.id)?.delete(m.seq);
      expect(() =>
        w.store.transaction(() => {
          w.store.upsertServerMessage(m);
          if (b) w.store.markReadUpTo(channel.id, m.seq);
          throw new Error('rolled back');
        }),
      ).toThrow('rolled back');
      return;
    }
    case 'reopen':
      w.store.close();
      w.store = LocalStore.open({ file: w.file, selfId: me.id });
      return;
  }
}

/** What the SQL counts now, on the read-only connection. */
function counted(w: World) {
  const unread = w.sql.prepare(`SELECT ${UNREAD_OF_C} AS n FROM channels c WHERE c.id = ?`).pluck();
  const mentions = w.sql.prepare(`SELECT ${MENTIONS_OF_C} AS n FROM channels c WHERE c.id = @id`).pluck();
  const total = w.sql
    .prepare(`SELECT coalesce(sum(${UNREAD_OF_C}), 0) FROM channels c WHERE c.muted = 0`)
    .pluck();
  return {
    unread: channels.map((c) => (unread.get(c.id) as number | undefined) ?? 0),
    mentions: channels.map((c) => (mentions.get({ id: c.id, self: me.id }) as number | undefined) ?? 0),
    total: total.get() as number,
  };
}

function kept(w: World) {
  return {
    unread: channels.map((c) => w.store.unreadCount(c.id)),
    mentions: channels.map((c) => w.store.unreadMentions(c.id)),
    total: w.store.totalUnread(),
  };
}

let run = 0;
it('keeps every count equal to the SQL recount, whatever the store writes', { timeout: 240_000 }, () => {
  let nonZero = 0;
  fc.assert(
    fc.property(fc.array(op, { minLength: 20, maxLength: 60, size: 'max' }), (ops) => {
      const file = join(dir, `db-${run++}.sqlite`);
      const w: World = {
        file,
        store: LocalStore.open({ file, selfId: me.id }),
        sql: undefined as never,
        bySeq: new Map(),
        nextSeq: new Map(),
        queued: [],
        changeSeq: 0,
        held: new Set(),
      };
      w.store.saveChannels([A, B]);
      w.sql = new Database(file, { readonly: true });
      try {
        for (const [i, o] of ops.entries()) {
          apply(w, o);
          const sql = counted(w);
          expect(kept(w), `after ${i + 1} of ${JSON.stringify(ops)}`).toEqual(sql);
          if (sql.total > 0 && sql.mentions.some((n) => n > 0)) nonZero++;
        }
      } finally {
        w.sql.close();
        w.store.close();
      }
    }),
    { numRuns: 60 },
  );
  // The runs reached counts worth keeping (a guard against a workload that counts nothing).
  expect(nonZero).toBeGreaterThan(100);
});

it('counts a flagged reply once a reply of ours joins its thread, and no longer once ours is discarded', () => {
  const file = join(dir, `db-${run++}.sqlite`);
  const store = LocalStore.open({ file, selfId: me.id });
  const sql = new Database(file, { readonly: true });
  try {
    store.saveChannels([A]);
    const recount = () =>
      sql.prepare(`SELECT ${UNREAD_OF_C} FROM channels c WHERE c.id = ?`).pluck().get(A.id);
    const top = serverMessage({ channelId: A.id, user: bob, seq: 1 });
    const reply = serverMessage({ channelId: A.id, user: carol, seq: 2, parentId: top.id });
    store.upsertServerMessage(top);
    store.upsertServerMessage(reply);
    store.markReplyUnread(reply.id);
    expect(store.unreadCount(A.id)).toBe(1); // bob's; carol's reply is in a thread we are not in
    const cmid = randomUUID();
    const at = new Date().toISOString();
    store.queueOwnMessage({
      clientMessageId: cmid,
      channelId: A.id,
      parentId: top.id,
      content: 'mine',
      author: me,
      createdAt: at,
      queuedAt: 1,
    });
    expect([store.unreadCount(A.id), recount()]).toEqual([2, 2]);
    store.markFailed(cmid, 'FORBIDDEN', 'no');
    store.discard(cmid);
    expect([store.unreadCount(A.id), recount()]).toEqual([1, 1]);
  } finally {
    sql.close();
    store.close();
  }
});
