/**
 * Migration 016 (bench figure 6, review26) on a file made by the real migrations 001–015 (not one rebuilt
 * from 016's own table): an outbox holding every kind of operation in every stored state comes across
 * with each row in its place, each send found through its message, and from then on every step (ack,
 * failure, retry, discard, upload, a new send) leaves the queue exactly as on a file that was at 016 from
 * the start. And what the old schema refused by a constraint (one op id, one operation), it still refuses.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { LocalStore } from './store';
import { databaseMadeBy, me, queueOwn, storeFolderEachTest, testChannel } from './testing/store-fixture';

const channel = testChannel();
const folder = storeFolderEachTest('relay-m016-', { channels: [channel] });

/** The messages' columns up to 015 (016 adds `send_ord`). */
const MESSAGE_COLUMNS_015 = `key, id, client_message_id, channel_id, parent_id, author_id, author_name, content,
  created_at, seq, own, status, failure_code, failure_message, reply_unread, files_json, edited_at, deleted,
  mentions_json, reactions_json, change_seq, content_seq, reactions_seq`;

const T0 = 1_700_000_000_000;

/** The server's ack, at a fixed time (the two stores must get the same one). */
const ack = (store: LocalStore, clientMessageId: string, seq: number, messageId: string) =>
  store.applyAck({
    ok: true,
    messageId,
    channelId: channel.id,
    clientMessageId,
    status: 'SENT' as never,
    seq,
    createdAt: new Date(T0 + seq).toISOString(),
  });
const file = (n: number) => ({
  key: randomUUID(),
  path: `/tmp/f${n}`,
  name: `f${n}.txt`,
  mime: 'text/plain',
  size: n,
});

type Eight = [string, string, string, string, string, string, string, string];

/** Fills a store with the outbox in every state a file can hold; the ids, to act on them alike in two stores. */
function fill(store: LocalStore) {
  const at = (n: number) => ({ channelId: channel.id, clientMessageId: ids.sends[n], queuedAt: T0 + n });
  const ids = {
    sends: Array.from({ length: 8 }, () => randomUUID()),
    files: [file(1), file(2), file(3), file(4), file(5)],
    changes: Array.from({ length: 5 }, () => randomUUID()),
  };
  const [due, backedOff, failed, withFiles, sent, failedUpload, withChanges, onlyFile] = ids.sends as Eight;
  queueOwn(store, { ...at(0), content: 'due' }, T0);
  queueOwn(store, { ...at(1), content: 'backed off' }, T0);
  store.scheduleRetry(backedOff as string, T0 + 60_000);
  queueOwn(store, { ...at(2), content: 'failed' }, T0);
  store.markFailed(failed as string, 'TIMEOUT', 'x');
  // Three files: one uploaded (the send carries it), two still to upload; the message only their names.
  const three = [0, 1, 3].map((i) => ids.files[i]) as ReturnType<typeof file>[];
  queueOwn(store, { ...at(3), content: 'f1.txt, f2.txt, f4.txt', files: three }, T0);
  store.uploaded(ids.files[0]?.key as string, { id: 'up-1', name: 'f1.txt', size: 1, mime: 'text/plain' });
  queueOwn(store, { ...at(4), content: 'sent' }, T0);
  ack(store, sent as string, 1, 'server-sent');
  queueOwn(store, { ...at(5), content: 'upload fails', files: ids.files.slice(2, 3) }, T0);
  store.markFailed(ids.files[2]?.key as string, 'TOO_LARGE', 'x');
  queueOwn(store, { ...at(6), content: 'changed before sent' }, T0);
  const change = (i: number, kind: 'edit' | 'delete' | 'react', messageKey: string) =>
    store.changes.queue({
      opId: ids.changes[i] as string,
      kind,
      messageKey,
      channelId: channel.id,
      content: kind === 'edit' ? `edit ${i}` : undefined,
      emoji: kind === 'react' ? '👍' : undefined,
      queuedAt: T0 + 10 + i,
    } as never);
  change(0, 'edit', 'server-sent');
  change(1, 'react', 'server-sent');
  change(2, 'edit', withChanges as string);
  change(3, 'delete', 'server-sent');
  store.markFailed(ids.changes[3] as string, 'FORBIDDEN', 'x');
  change(4, 'react', withChanges as string);
  store.scheduleRetry(ids.changes[4] as string, T0 + 60_000);
  // A message of one file still to upload: cancelling it drops the message (pending-uploads.ts).
  queueOwn(store, { ...at(7), content: 'f5.txt', files: ids.files.slice(4) }, T0);
  return { ids, due, backedOff, failed, withFiles, sent, failedUpload, withChanges, onlyFile };
}

/** The queue and the messages as a store holds them, for comparing two stores. */
function state(store: LocalStore, file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      outbox: store.outbox(),
      counts: store.outboxCounts(),
      messages: db.prepare(`SELECT ${MESSAGE_COLUMNS_015}, send_ord FROM messages ORDER BY key`).all(),
      sequences: db.prepare('SELECT * FROM device_sequences ORDER BY channel_id').all(),
    };
  } finally {
    db.close();
  }
}

it('a 015 file with every kind of operation in every state: same queue, each send found, then the same as at 016', () => {
  // The reference: the same outbox written at 016 from the start.
  const native = folder.open();
  const made = fill(native);
  native.close();

  // The same rows in a file made by 001–015, the real 015 schema (op_id UNIQUE, no send_ord).
  const old = join(folder.dir, 'made-by-015.sqlite');
  const db = databaseMadeBy(old, 15);
  db.exec(`ATTACH '${folder.file}' AS n`);
  db.exec(`
    INSERT INTO main.channels SELECT * FROM n.channels;
    INSERT INTO main.messages (${MESSAGE_COLUMNS_015}) SELECT ${MESSAGE_COLUMNS_015} FROM n.messages;
    INSERT INTO main.operations SELECT * FROM n.operations;
    DELETE FROM main.device_sequences;
    INSERT INTO main.device_sequences SELECT * FROM n.device_sequences;`);
  db.exec('DETACH n');
  expect(db.pragma('user_version', { simple: true })).toBe(15);
  db.close();

  const reference = LocalStore.open({ file: folder.file, selfId: me.id });
  const migrated = LocalStore.open({ file: old, selfId: me.id });
  try {
    expect(state(migrated, old)).toEqual(state(reference, folder.file));
    // Every operation found by its id, as it is (a send's through its message).
    for (const op of reference.outbox()) expect(migrated.outboxRow(op.op_id)).toEqual(op);
    expect(reference.outbox().length).toBe(16);

    // Each step on both: the queue and the messages stay alike.
    const steps: [string, (s: LocalStore) => unknown][] = [
      ['ack the due send', (s) => ack(s, made.due as string, 2, 'server-due')],
      ['the backed-off send due now', (s) => s.dueNow(made.backedOff as string, T0 + 60_000)],
      ['the backed-off send fails', (s) => s.markFailed(made.backedOff as string, 'TIMEOUT', 'x')],
      ['retry the failed send', (s) => s.retry(T0 + 100, made.failed)],
      ['its ack after the retry', (s) => ack(s, made.failed as string, 3, 'server-failed')],
      [
        'cancel one of three files (the names rewritten)',
        (s) => s.uploads.cancel(made.ids.files[3]?.key as string),
      ],
      [
        "cancel a message's only file (the message dropped)",
        (s) => s.uploads.cancel(made.ids.files[4]?.key as string),
      ],
      [
        'the second file uploaded',
        (s) =>
          s.uploaded(made.ids.files[1]?.key as string, {
            id: 'up-2',
            name: 'f2.txt',
            size: 2,
            mime: 'text/plain',
          }),
      ],
      ['the message with files acked', (s) => ack(s, made.withFiles as string, 4, 'server-files')],
      ['discard the failed upload', (s) => s.discard(made.ids.files[2]?.key)],
      ['discard the backed-off send', (s) => s.discard(made.backedOff)],
      [
        'a new send',
        (s) => queueOwn(s, { channelId: channel.id, clientMessageId: 'new-send', content: 'new' }, T0 + 200),
      ],
      ['retry everything', (s) => s.retry(T0 + 300)],
      ['the changed message acked', (s) => ack(s, made.withChanges as string, 5, 'server-changed')],
    ];
    for (const [name, step] of steps) {
      step(reference);
      step(migrated);
      expect(state(migrated, old), name).toEqual(state(reference, folder.file));
    }
    // Acknowledged sends left the queue (the one whose upload was dropped waits to be sent); the new send
    // took a number no earlier send had.
    const left = migrated.outbox();
    expect(migrated.messageByKey(made.onlyFile as string)).toBeUndefined();
    expect(migrated.uploads.of(made.withFiles as string)).toEqual([]);
    expect(left.filter((o) => o.kind === 'send').map((o) => o.op_id)).toEqual([
      made.failedUpload,
      'new-send',
    ]);
    const numbers = () =>
      state(migrated, old)
        .outbox.filter((o) => o.kind === 'send')
        .map((o) => o.device_seq);
    // 1–8 given before the upgrade, 9 to the retried send after it: the new send is 10, none reused.
    expect(numbers()).toEqual([6, 10]);
    // OUT_OF_ORDER: the server expects 20 next; the queue renumbered (by place now, not op id), then a send.
    for (const s of [reference, migrated]) {
      s.renumberPending(channel.id, 20);
      queueOwn(s, { channelId: channel.id, clientMessageId: 'after', content: 'after' }, T0 + 400);
    }
    expect(state(migrated, old)).toEqual(state(reference, folder.file));
    expect(numbers()).toEqual([20, 21, 22]);
  } finally {
    reference.close();
    migrated.close();
  }
});

it('refuses a second operation with a send’s op id, as the UNIQUE op_id of 015 did', () => {
  const store = folder.open();
  const cmid = queueOwn(store, { channelId: channel.id, content: 'unsent' });
  // Before 016 the queue held one operation an op id, of any kind: this insert failed, nothing was queued.
  expect(() =>
    store.changes.queue({
      opId: cmid,
      kind: 'edit',
      messageKey: cmid,
      channelId: channel.id,
      content: 'e',
      queuedAt: 1,
    } as never),
  ).toThrow(/UNIQUE/);
  expect(store.outbox().filter((o) => o.op_id === cmid)).toHaveLength(1);
});

it('a file from the outbox table’s time (004, before 007 made operations): each send found through its message', () => {
  const db = databaseMadeBy(folder.file, 4);
  const message = db.prepare(`
    INSERT INTO messages (key, client_message_id, channel_id, author_id, author_name, content, created_at, own,
                          status, failure_code)
    VALUES (@id, @id, @channel, @me, 'alice', @content, '2026-01-01T00:00:00.000Z', 1, @status, @code)`);
  const queued = db.prepare(`
    INSERT INTO outbox (client_message_id, channel_id, content, queued_at, state, failure_code, device_seq)
    VALUES (@id, @channel, @content, 1, @state, @code, @n)`);
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
  const rows = [
    { id: a, content: 'first', status: 'SENDING', state: 'pending', code: null, n: 1 },
    { id: b, content: 'second', status: 'FAILED', state: 'failed', code: 'TIMEOUT', n: 2 },
    { id: c, content: 'third', status: 'SENDING', state: 'pending', code: null, n: 3 },
  ];
  for (const r of rows) {
    message.run({ ...r, channel: channel.id, me: me.id });
    queued.run({ ...r, channel: channel.id });
  }
  db.prepare('INSERT INTO device_sequences (channel_id, last_seq) VALUES (?, 3)').run(channel.id);
  db.close();

  const store = folder.open();
  for (const r of rows)
    expect(store.outboxRow(r.id)).toMatchObject({ op_id: r.id, kind: 'send', state: r.state });
  // Acked: its send goes; failed: put back at the end with a new number; the third fails and is dropped.
  ack(store, a, 1, 'server-a');
  expect(store.outboxRow(a)).toBeUndefined();
  store.retry(T0, b);
  store.markFailed(c, 'TIMEOUT', 'x');
  expect(store.discard(c).removed.map((m) => m.key)).toEqual([c]);
  expect(store.outbox().map((o) => [o.op_id, o.state, o.device_seq])).toEqual([[b, 'pending', 4]]);
  ack(store, b, 2, 'server-b');
  expect(store.outbox()).toEqual([]);
  expect(store.outboxCounts()).toEqual({ sending: 0, failed: 0 });
});
