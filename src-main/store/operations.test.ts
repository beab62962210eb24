/**
 * The operation queue in the local store (issue 14), on real SQLite files: the migration from the
 * message-only outbox, queue order of sends and changes, renumbering, failing and retrying a send with
 * the changes queued on it, and the server's states ordered by changeSeq.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src-shared/protocol';
import * as messages from '../../src-shared/testing/messages';
import { migrations } from './migrations';
import { type LocalStore, PENDING_AFTER_SQL, type QueuedFile } from './store';
import { bob, me, queueOwn, storeFolderEachTest, testChannel } from './testing/store-fixture';

const channel = testChannel();
const folder = storeFolderEachTest('relay-ops-', { channels: [channel] });
let store: LocalStore;

function open(): LocalStore {
  store = folder.open();
  return store;
}

function send(content: string, files?: QueuedFile[]): string {
  return queueOwn(store, { channelId: channel.id, content, files });
}

function change(
  kind: 'edit' | 'delete' | 'react' | 'unreact',
  key: string,
  what: { content?: string; emoji?: string } = {},
) {
  return store.transaction(() =>
    store.changes.queue({
      opId: randomUUID(),
      kind,
      channelId: channel.id,
      messageKey: key,
      queuedAt: Date.now(),
      ...what,
    }),
  );
}

const order = () => store.pendingIn(channel.id, 100).map((r) => [r.kind, r.content ?? r.emoji, r.device_seq]);

describe('the migration from the outbox', () => {
  it('keeps every queued message, its state, number and order, as send operations', () => {
    const db = new Database(folder.file);
    for (const sql of migrations.slice(0, 4)) db.exec(sql);
    db.pragma('user_version = 4');
    const insert = db.prepare(`
      INSERT INTO outbox (client_message_id, channel_id, content, queued_at, state, failure_code, device_seq)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const [a, b] = [randomUUID(), randomUUID()];
    insert.run(a, channel.id, 'first', 1, 'pending', null, 1);
    insert.run(b, channel.id, 'second', 2, 'failed', 'TIMEOUT', 2);
    db.close();
    open();
    expect(
      store.outbox().map((r) => [r.op_id, r.kind, r.message_key, r.content, r.state, r.device_seq]),
    ).toEqual([
      [a, 'send', a, 'first', 'pending', 1],
      [b, 'send', b, 'second', 'failed', 2],
    ]);
  });
});

describe('migration 012: the queue without AUTOINCREMENT (bench figure 6)', () => {
  it('keeps every queued operation, its state and its order, and what is queued next goes after them', () => {
    const db = new Database(folder.file);
    for (const [i, sql] of migrations.slice(0, 11).entries()) {
      db.exec(sql);
      db.pragma(`user_version = ${i + 1}`);
    }
    const insert = db.prepare(`
      INSERT INTO operations (ord, op_id, kind, channel_id, message_key, content, emoji, queued_at, state,
                              device_seq, file_name, files_json)
      VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    // Places with gaps (acks took rows out): 011 gave them by AUTOINCREMENT, sqlite_sequence at 40.
    const rows = [
      [3, a, 'send', channel.id, a, 'a', null, 'pending', 1, null, '[{"id":"f1"}]'],
      [9, randomUUID(), 'edit', channel.id, a, 'a2', null, 'pending', 1, null, '[]'],
      [12, randomUUID(), 'upload', channel.id, b, null, null, 'pending', 1, 'b.txt', '[]'],
      [20, b, 'send', channel.id, b, 'b', null, 'pending', 2, null, '[]'],
      [25, c, 'send', channel.id, c, 'c', null, 'failed', 3, null, '[]'],
      [31, randomUUID(), 'react', channel.id, b, null, '👍', 'pending', 2, null, '[]'],
    ] as const;
    for (const row of rows) insert.run(...row);
    db.prepare("UPDATE sqlite_sequence SET seq = 40 WHERE name = 'operations'").run();
    db.prepare('INSERT INTO device_sequences (channel_id, last_seq) VALUES (?, 3)').run(channel.id);
    db.close();

    open();
    const ops = () =>
      store.outbox().map((r) => [r.ord, r.op_id, r.kind, r.content ?? r.emoji ?? r.file_name, r.state]);
    expect(ops()).toEqual(rows.map((r) => [r[0], r[1], r[2], r[5] ?? r[6] ?? r[9], r[7]]));
    // (Read from the queue itself: these rows have no messages, through which 016 finds a send.)
    expect(store.outbox().find((r) => r.op_id === a)?.files_json).toBe('[{"id":"f1"}]');
    expect(order()).toEqual([
      ['send', 'a', 1],
      ['edit', 'a2', 1],
      ['upload', null, 1],
      ['send', 'b', 2],
      ['react', '👍', 2],
    ]);
    const schema = new Database(folder.file, { readonly: true });
    expect(
      schema.prepare("SELECT sql FROM sqlite_schema WHERE name = 'operations'").pluck().get(),
    ).not.toMatch(/AUTOINCREMENT/);
    expect(schema.prepare('SELECT count(*) FROM sqlite_sequence').pluck().get()).toBe(0);
    schema.close();
    // Queued after the upgrade: behind everything, in this channel's order too.
    send('d');
    change('edit', b, { content: 'b2' });
    expect(order().slice(-2)).toEqual([
      ['send', 'd', 4],
      ['edit', 'b2', 4],
    ]);
    expect(store.outbox().at(-1)?.ord).toBeGreaterThan(31);
  });

  it('a send writes no device_sequences row, and no number is given twice: acked, failed, discarded, reopened', () => {
    open();
    const rowOf = () => {
      const db = new Database(folder.file, { readonly: true });
      try {
        return db
          .prepare('SELECT last_seq FROM device_sequences WHERE channel_id = ?')
          .pluck()
          .get(channel.id);
      } finally {
        db.close();
      }
    };
    const numberOf = (key: string) => store.outboxRow(key)!.device_seq;
    const ack = (key: string, seq: number) =>
      store.applyAcks([
        {
          ok: true,
          status: 'SENT' as never,
          messageId: randomUUID(),
          channelId: channel.id,
          clientMessageId: key,
          seq,
          createdAt: new Date().toISOString(),
        },
      ]);
    const [a, b] = [send('a'), send('b')];
    expect([numberOf(a), numberOf(b)]).toEqual([1, 2]);
    expect(rowOf()).toBeUndefined();
    ack(a, 1);
    ack(b, 2);
    // The queue is empty: the row holds the last number, raised by the acks' own transactions.
    expect(rowOf()).toBe(2);
    const c = send('c');
    expect(numberOf(c)).toBe(3);
    store.markFailed(c, 'TIMEOUT', 'x');
    expect(rowOf()).toBe(3);
    const d = send('d');
    expect(numberOf(d)).toBe(4);
    store.discard(c);
    const e = send('e');
    expect(numberOf(e)).toBe(5);
    store.close();
    open();
    expect(numberOf(send('f'))).toBe(6);
    // A renumbering still sets the channel's count, as before.
    store.renumberPending(channel.id, 2);
    expect(order().map((r) => [r[1], r[2]])).toEqual([
      ['d', 2],
      ['e', 3],
      ['f', 4],
    ]);
    expect(numberOf(send('g'))).toBe(5);
  });

  it('never gives a freed place again in one process, so a change queued after an ack sorts after it', () => {
    open();
    const a = send('a');
    const b = send('b');
    const bPlace = store.outboxRow(b)!.ord;
    // b is acknowledged (another connection's message:sent) while the outbox's cursor may still name it.
    store.applyAcks([
      {
        ok: true,
        status: 'SENT' as never,
        messageId: randomUUID(),
        channelId: channel.id,
        clientMessageId: b,
        seq: 2,
        createdAt: new Date().toISOString(),
      },
    ]);
    const edit = change('edit', a, { content: 'a2' });
    // Same number as b (a change takes the channel's current one): only the place tells them apart.
    expect(edit.device_seq).toBe(2);
    expect(edit.ord).toBeGreaterThan(bPlace);
    expect(store.pendingAfter(channel.id, { device_seq: 2, ord: bPlace }, 10).map((r) => r.op_id)).toEqual([
      edit.op_id,
    ]);
    // Retried operations take places the same way.
    store.markFailed(a, 'TIMEOUT', 'x');
    store.retry(Date.now(), a);
    expect(store.outbox().map((r) => r.content)).toEqual(['a', 'a2']);
    expect(store.outboxRow(a)!.ord).toBeGreaterThan(edit.ord);
  });
});

describe("the pump's read of the queue (bench figure 6)", () => {
  it('seeks to the place after the last one taken, instead of walking the sends in flight', () => {
    open();
    const db = new Database(folder.file, { readonly: true });
    try {
      const plan = (
        db.prepare(`EXPLAIN QUERY PLAN ${PENDING_AFTER_SQL}`).all(channel.id, 1, 1, 1) as {
          detail: string;
        }[]
      ).map((p) => p.detail);
      // Before: only (state, channel_id) bounded the search, so every read walked the channel's head,
      // the whole window in flight (up to 256 sends), before the first row it returned.
      expect(plan).toEqual([
        'SEARCH operations USING INDEX operations_in_order (state=? AND channel_id=? AND device_seq>?)',
      ]);
    } finally {
      db.close();
    }
  });

  it("returns what follows a place in queue order, a change sharing its send's number included", () => {
    open();
    const [a, b] = [send('a'), send('b')];
    // A change takes the channel's current number (b's) and a later place; c takes the next number.
    const edit = change('edit', b, { content: 'b2' });
    const c = send('c');
    expect(edit.device_seq).toBe(store.outboxRow(b)!.device_seq);
    const place = (key: string) => {
      const row = store.outboxRow(key)!;
      return { device_seq: row.device_seq, ord: row.ord };
    };
    const keys = (rows: { op_id: string }[]) => rows.map((r) => r.op_id);
    expect(keys(store.pendingAfter(channel.id, place(a), 10))).toEqual([b, edit.op_id, c]);
    expect(keys(store.pendingIn(channel.id, 10))).toEqual([a, b, edit.op_id, c]);
    expect(keys(store.pendingAfter(channel.id, place(b), 10))).toEqual([edit.op_id, c]);
    expect(keys(store.pendingAfter(channel.id, place(b), 1))).toEqual([edit.op_id]);
    expect(keys(store.pendingAfter(channel.id, { device_seq: edit.device_seq, ord: edit.ord }, 10))).toEqual([
      c,
    ]);
    expect(store.pendingAfter(channel.id, place(c), 10)).toEqual([]);
    // Rows as SELECT * reads them, field for field.
    const db = new Database(folder.file, { readonly: true });
    try {
      const star = db.prepare('SELECT * FROM operations WHERE op_id = ?');
      for (const row of store.pendingIn(channel.id, 10)) expect(row).toStrictEqual(star.get(row.op_id));
    } finally {
      db.close();
    }
  });
});

describe('sends and changes in one queue', () => {
  beforeEach(() => {
    open();
  });

  it('keeps a change behind the send it was queued after, through a renumbering and a reopen', () => {
    const a = send('a');
    change('edit', a, { content: 'a2' });
    send('b');
    change('react', a, { emoji: '👍' });
    expect(order()).toEqual([
      ['send', 'a', 1],
      ['edit', 'a2', 1],
      ['send', 'b', 2],
      ['react', '👍', 2],
    ]);
    // A change takes no number: the server's count of this device's sends stays contiguous.
    store.renumberPending(channel.id, 7);
    expect(order().map((r) => r[2])).toEqual([7, 7, 8, 8]);
    store.close();
    open();
    send('c');
    expect(order().at(-1)).toEqual(['send', 'c', 9]);
  });

  it('fails the changes of a failed send with it, and retries them behind it, at the end of the queue', () => {
    const a = send('a');
    const edit = change('edit', a, { content: 'a2' });
    send('b');
    store.markFailed(a, 'TIMEOUT', 'x');
    expect(store.outboxRow(edit.op_id)?.state).toBe('failed');
    expect(order().map((r) => r[1])).toEqual(['b']);
    store.retry(Date.now(), a);
    expect(order().map((r) => [r[0], r[1]])).toEqual([
      ['send', 'b'],
      ['send', 'a'],
      ['edit', 'a2'],
    ]);
    store.markFailed(a, 'TIMEOUT', 'x');
    const { removed } = store.discard(a);
    expect(removed.map((r) => r.key)).toEqual([a]);
    expect(store.outbox().map((r) => r.content)).toEqual(['b']);
  });

  it('discarding a failed change shows the message as the server had it', () => {
    const a = send('a');
    const edit = change('edit', a, { content: 'a2' });
    store.markFailed(edit.op_id, 'TIMEOUT', 'x');
    expect(store.outboxRow(a)?.state).toBe('pending');
    expect(store.discard(edit.op_id)).toEqual({
      removed: [],
      changed: [expect.objectContaining({ key: a })],
    });
    expect(store.changes.of(a)).toEqual([]);
  });
});

describe('uploads in the queue (issue 17)', () => {
  const file = (name: string): QueuedFile => ({
    key: randomUUID(),
    path: `/tmp/${name}`,
    name,
    mime: 'text/plain',
    size: 3,
  });
  const order = () => store.pendingIn(channel.id, -1).map((op) => op.file_name ?? op.content);

  it('go between the previous send and their own, through a renumbering, a failure and a retry', () => {
    open();
    send('before');
    const [a, b] = [file('a.txt'), file('b.txt')];
    const key = send('with files', [a, b]);
    send('after');
    expect(order()).toEqual(['before', 'a.txt', 'b.txt', 'with files', 'after']);
    store.renumberPending(channel.id, 7);
    expect(order()).toEqual(['before', 'a.txt', 'b.txt', 'with files', 'after']);
    expect(store.outboxCounts().sending).toBe(5);

    store.uploaded(a.key, { id: randomUUID(), name: 'a.txt', size: 3, mime: 'text/plain' });
    store.markFailed(b.key, 'FILE_TOO_LARGE', 'b.txt: too large');
    store.markFailed(key, 'FILE_TOO_LARGE', 'b.txt: too large');
    expect(order()).toEqual(['before', 'after']);
    store.retry(Date.now(), key);
    // Retried at the end of the queue, its upload still before it, the one already uploaded kept on it.
    expect(order()).toEqual(['before', 'after', 'b.txt', 'with files']);
    const sendOp = store.outboxRow(key)!;
    expect(JSON.parse(sendOp.files_json).map((f: { name: string }) => f.name)).toEqual(['a.txt']);
    expect(store.uploadKeys()).toEqual(new Set([b.key]));
  });

  it('an ack gives the message the files its send carried, and the row it returns is the row stored', () => {
    open();
    const a = file('a.txt');
    const key = send('with a file', [a]);
    const uploadedFile = { id: randomUUID(), name: 'a.txt', size: 3, mime: 'text/plain' };
    store.uploaded(a.key, uploadedFile);
    const [result] = store.applyAcks([
      {
        ok: true,
        status: 'SENT' as never,
        messageId: randomUUID(),
        channelId: channel.id,
        clientMessageId: key,
        seq: 1,
        createdAt: new Date().toISOString(),
      },
    ]);
    // The ack's row is built from the row read before it and what the ack wrote (no read back).
    expect(result?.row).toEqual(store.messageByKey(key));
    expect(JSON.parse(result?.row.files_json ?? 'null')).toEqual([uploadedFile]);
    expect(result?.row).toMatchObject({ status: 'SENT', seq: 1, failure_code: null });
    expect(result?.confirmedSend).toBe(true);
    expect(store.outbox()).toEqual([]);
  });

  it('a cancel removes one file; text of names only follows the files left, and goes with the last one', () => {
    open();
    const [a, b, c] = [file('a.txt'), file('b.txt'), file('c.txt')];
    const named = send('a.txt, b.txt, c.txt', [a, b, c]);
    const worded = send('my words', [file('d.txt')]);
    store.uploaded(a.key, { id: randomUUID(), name: 'a.txt', size: 3, mime: 'text/plain' });

    const first = store.uploads.cancel(b.key);
    expect(first).toMatchObject({ filePath: '/tmp/b.txt', messageKey: named });
    expect(first?.message?.content).toBe('a.txt, c.txt');
    expect(store.outboxRow(named)?.content).toBe('a.txt, c.txt');
    expect(store.uploads.of(named).map((u) => u.file_name)).toEqual(['c.txt']);
    expect(store.uploads.cancel(b.key)).toBeUndefined();
    // The uploaded one stays, so the message does too.
    expect(store.uploads.cancel(c.key)?.message?.content).toBe('a.txt');

    // Words of its own: the message stays, without files.
    const d = store.uploads.of(worded)[0]!;
    expect(store.uploads.cancel(d.op_id)?.message?.content).toBe('my words');
    expect(store.outboxRow(worded)?.state).toBe('pending');
    expect(store.outboxCounts().sending).toBe(2);

    // Names only, none uploaded: the last cancel discards the message and its send.
    const e = file('e.txt');
    const alone = send('e.txt', [e]);
    expect(store.uploads.cancel(e.key)?.message).toBeNull();
    expect(store.messageByKey(alone)).toBeUndefined();
    expect(store.outboxRow(alone)).toBeUndefined();
    expect(store.outboxCounts().sending).toBe(2);
  });
});

describe("the server's states", () => {
  beforeEach(() => {
    open();
  });

  function serverMessage(over: Partial<Message> = {}): Message {
    return messages.serverMessage({ channelId: channel.id, user: bob, seq: 1, content: 'hello', ...over });
  }

  it('never go back to an older changeSeq, and an acknowledged change of ours becomes the state', () => {
    const m = serverMessage({ changeSeq: 1 });
    store.upsertServerMessage(m);
    store.upsertServerMessage({ ...m, content: 'edited', editedAt: m.createdAt, changeSeq: 3 });
    // A page fetched before the edit arrives late: ignored.
    expect(store.upsertServerMessage({ ...m, changeSeq: 2 }).changed).toBe(false);
    expect(store.messageById(m.id)).toMatchObject({ content: 'edited', change_seq: 3 });
    expect(store.changes.reactions(m.id, [{ emoji: '🎉', userIds: [bob.id] }], 2)).toBeUndefined();
    const react = change('react', m.id, { emoji: '🎉' });
    store.changes.completed(react, 4, new Date().toISOString());
    expect(JSON.parse(store.messageById(m.id)?.reactions_json ?? '')).toEqual([
      { emoji: '🎉', userIds: [me.id] },
    ]);
    expect(store.changes.deleted(m.id, 5)).toMatchObject({ deleted: 1, content: '' });
  });

  /** A message's text, edit time and reactions as held. */
  const held = (id: string) => {
    const row = store.messageById(id)!;
    return {
      content: row.content,
      edited: row.edited_at !== null,
      reactions: JSON.parse(row.reactions_json),
    };
  };
  const thumbs = [{ emoji: '👍', userIds: [bob.id] }];
  const page = (...ms: Message[]) => store.transaction(() => store.applyChangePage(ms));

  // Issue 16: a reaction (live, or the ack of ours) raised the row's one changeSeq without its text, so an
  // edit made while away, coming from a page answered before it, was skipped as older.
  it("a reaction's changeSeq never makes an older edit or deletion look stale", () => {
    const edit = (m: Message, changeSeq: number): Message => ({
      ...m,
      content: 'edited',
      editedAt: m.createdAt,
      changeSeq,
    });
    // A live reaction at 5, then the feed's page (answered before it) with the edit at 4.
    const viaPage = serverMessage({ changeSeq: 1 });
    store.upsertServerMessage(viaPage);
    expect(store.changes.reactions(viaPage.id, thumbs, 5)).toBeDefined();
    expect(page(edit(viaPage, 4)).map((r) => r.id)).toEqual([viaPage.id]);
    expect(held(viaPage.id)).toEqual({ content: 'edited', edited: true, reactions: thumbs });
    // The same through the one-message path (a history page, `message:updated`).
    const viaUpsert = serverMessage({ seq: 2, changeSeq: 1 });
    store.upsertServerMessage(viaUpsert);
    store.changes.reactions(viaUpsert.id, thumbs, 5);
    expect(store.upsertServerMessage(edit(viaUpsert, 4)).changed).toBe(true);
    expect(held(viaUpsert.id)).toEqual({ content: 'edited', edited: true, reactions: thumbs });
    // The ack of our own reaction at 6, then the page's edit at 4.
    const acked = serverMessage({ seq: 3, changeSeq: 1 });
    store.upsertServerMessage(acked);
    store.changes.completed(change('react', acked.id, { emoji: '🎉' }), 6, new Date().toISOString());
    page(edit(acked, 4));
    expect(held(acked.id)).toEqual({
      content: 'edited',
      edited: true,
      reactions: [{ emoji: '🎉', userIds: [me.id] }],
    });
    // A deletion at 4 heard after a reaction at 5 still deletes.
    const gone = serverMessage({ seq: 4, changeSeq: 1 });
    store.upsertServerMessage(gone);
    store.changes.reactions(gone.id, thumbs, 5);
    expect(store.changes.deleted(gone.id, 4)).toMatchObject({ deleted: 1, content: '' });
    // Our acknowledged reaction is not the server's state at 6 (the feed brings 6 itself: advanceCursor),
    // so the row's change_seq is the newest server state heard, the edit's 4; the reactions keep their 6.
    expect(store.messageById(acked.id)).toMatchObject({ change_seq: 4, content_seq: 4, reactions_seq: 6 });
    expect(store.maxChangeSeq(channel.id)).toBe(5);
  });

  it("an edit's changeSeq never makes an older reaction state look stale, and older states change nothing", () => {
    const m = serverMessage({ changeSeq: 1 });
    store.upsertServerMessage(m);
    const both = [...thumbs, { emoji: '❤️', userIds: [bob.id] }];
    // The edit at 6 says the reactions as of 6.
    store.upsertServerMessage({
      ...m,
      content: 'edited',
      editedAt: m.createdAt,
      reactions: both,
      changeSeq: 6,
    });
    // A reaction state older than the edit's: not written back over it.
    expect(store.changes.reactions(m.id, thumbs, 5)).toBeUndefined();
    expect(page({ ...m, content: 'older', reactions: thumbs, changeSeq: 5 })).toEqual([]);
    expect(
      store.upsertServerMessage({ ...m, content: 'older', reactions: thumbs, changeSeq: 5 }).changed,
    ).toBe(false);
    expect(held(m.id)).toEqual({ content: 'edited', edited: true, reactions: both });
    // A newer reaction state is, and leaves the text as it is.
    expect(store.changes.reactions(m.id, thumbs, 7)).toMatchObject({ content: 'edited' });
    // A page answered between the edit and that reaction: its reactions are older, its text is not.
    page({ ...m, content: 'edited', editedAt: m.createdAt, reactions: both, changeSeq: 6 });
    expect(held(m.id)).toEqual({ content: 'edited', edited: true, reactions: thumbs });
    expect(store.messageById(m.id)?.change_seq).toBe(7);
  });

  // catch21: the changes feed no longer brings again a change whose number a message's change_seq carries
  // (message-changes.ts, advanceCursor), so a row's change_seq must be a state the server said.
  it("the ack of our edit after its broadcast at the same changeSeq keeps the server's edit time", () => {
    const m = serverMessage({ changeSeq: 1 });
    store.upsertServerMessage(m);
    const edit = change('edit', m.id, { content: 'fixed' });
    // The server's broadcast reaches our own socket before the ack.
    const serverAt = '2026-12-02T01:02:03.000Z';
    store.upsertServerMessage({ ...m, content: 'fixed', editedAt: serverAt, changeSeq: 2 });
    store.changes.completed(edit, 2, '2030-01-01T00:00:00.000Z');
    expect(store.messageById(m.id)).toMatchObject({ content: 'fixed', edited_at: serverAt, change_seq: 2 });
    expect(store.changes.of(m.id)).toEqual([]);
    // Not heard first: the ack's reckoning is shown, its text at 3, but the row is not the server's
    // state at 3 (our clock's edit time, mentions it works out), so the feed still brings 3.
    const other = serverMessage({ seq: 2, changeSeq: 1 });
    store.upsertServerMessage(other);
    store.changes.completed(change('edit', other.id, { content: 'mine' }), 3, serverAt);
    expect(store.messageById(other.id)).toMatchObject({
      content: 'mine',
      edited_at: serverAt,
      change_seq: 1,
      content_seq: 3,
    });
  });

  // Found by the chaos run: the server clears a deleted message's reactions; a tombstone kept them here.
  it('a tombstone keeps no reactions and no mentions, from the event and from our own acknowledged deletion', () => {
    const m = serverMessage({
      changeSeq: 1,
      reactions: [{ emoji: '🎉', userIds: [bob.id] }],
      mentions: [bob.id],
    });
    store.upsertServerMessage(m);
    // As the server's tombstone: the state held at 2 is the server's (advanceCursor does not fetch it again).
    expect(store.changes.deleted(m.id, 2)).toMatchObject({
      deleted: 1,
      reactions_json: '[]',
      mentions_json: '[]',
    });
    const other = serverMessage({ seq: 2, changeSeq: 1, reactions: [{ emoji: '🎉', userIds: [bob.id] }] });
    store.upsertServerMessage(other);
    store.changes.completed(change('delete', other.id), 2, new Date().toISOString());
    expect(store.messageById(other.id)).toMatchObject({ deleted: 1, reactions_json: '[]' });
  });
});
