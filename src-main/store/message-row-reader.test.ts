/**
 * A message read raw and built by `messageRowOf` is the row `SELECT *` gives, field for field and with
 * no field more or less: a column added to messages without it here fails this test.
 */
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { serverMessage } from '../../src-shared/testing/messages';
import {
  MESSAGE_COLUMNS_AND_ROWID,
  messageRowOf,
  OPERATION_COLUMNS,
  operationRowOf,
  ROWID,
} from './message-row-reader';
import { bob, me, queueOwn, storeFolderEachTest, testChannel } from './testing/store-fixture';

const channel = testChannel([me, bob]);
const folder = storeFolderEachTest('relay-row-reader-', { channels: [channel] });

it('builds from a raw row exactly the row SELECT * reads, with its rowid beside it', () => {
  const store = folder.open();
  // Every kind of value a column holds: others' and own messages, a queued send (no id, no seq), a
  // reply, files, an edit, a tombstone, reactions and mentions.
  const parent = serverMessage({ channelId: channel.id, user: bob, seq: 1 });
  store.upsertServerMessage(parent);
  store.upsertServerMessage({
    ...serverMessage({ channelId: channel.id, user: bob, seq: 2, parentId: parent.id }),
    editedAt: new Date().toISOString(),
    mentions: [me.id],
    reactions: [{ emoji: '👍', userIds: [me.id, bob.id] }],
    files: [{ id: crypto.randomUUID(), name: 'a.txt', size: 1, mime: 'text/plain' }],
    changeSeq: 7,
  });
  store.upsertServerMessage({ ...serverMessage({ channelId: channel.id, user: me, seq: 3 }), deleted: true });
  queueOwn(store, { channelId: channel.id, content: 'not sent yet' });

  const db = new Database(folder.file, { readonly: true });
  try {
    const stars = db.prepare('SELECT rowid AS r, * FROM messages ORDER BY rowid').all() as Record<
      string,
      unknown
    >[];
    const raws = db
      .prepare(`SELECT ${MESSAGE_COLUMNS_AND_ROWID} FROM messages ORDER BY rowid`)
      .raw(true)
      .all() as unknown[][];
    expect(raws).toHaveLength(4);
    raws.forEach((raw, i) => {
      const { r, ...star } = stars[i]!;
      expect(messageRowOf(raw)).toStrictEqual(star);
      expect(raw[ROWID]).toBe(r);
      expect(raw).toHaveLength(ROWID + 1);
    });
  } finally {
    db.close();
  }
});

it('builds from a raw row exactly the operation SELECT * reads: sends, uploads, changes, failed', () => {
  const store = folder.open();
  const a = queueOwn(store, {
    channelId: channel.id,
    content: 'with a file',
    files: [{ key: crypto.randomUUID(), path: '/tmp/x', name: 'x.txt', mime: 'text/plain', size: 3 }],
  });
  const b = queueOwn(store, { channelId: channel.id, content: 'plain', parentId: a });
  store.transaction(() =>
    store.changes.queue({
      opId: crypto.randomUUID(),
      kind: 'react',
      channelId: channel.id,
      messageKey: a,
      queuedAt: Date.now(),
      emoji: '👍',
    }),
  );
  store.markFailed(b, 'TIMEOUT', 'not sent');

  const db = new Database(folder.file, { readonly: true });
  try {
    const stars = db.prepare('SELECT * FROM operations ORDER BY ord').all();
    const raws = db
      .prepare(`SELECT ${OPERATION_COLUMNS} FROM operations ORDER BY ord`)
      .raw(true)
      .all() as unknown[][];
    expect(raws).toHaveLength(4);
    expect(new Set(raws.map((r) => r[2]))).toEqual(new Set(['upload', 'send', 'react']));
    raws.forEach((raw, i) => {
      expect(operationRowOf(raw)).toStrictEqual(stars[i]);
    });
  } finally {
    db.close();
  }
});
