/**
 * A page of the changes feed applied in one pass (change-feed.ts) leaves the store exactly as the
 * one-message path (upsertServerMessage for each message held) does, and says the same rows changed:
 * random held states (others' messages, our own acked, echoed, with receipts, queued changes over them)
 * against random pages (older, equal and newer changeSeqs, same or new text, tombstones, reactions,
 * renamed authors, files, receipts, unknown ids, repeats). Real SQLite files.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import type { Message } from '../../src-shared/protocol';
import { serverMessage } from '../../src-shared/testing/messages';
import { LocalStore } from './store';
import { bob, me, queueOwn, testChannel } from './testing/store-fixture';

const dir = mkdtempSync(join(tmpdir(), 'relay-feed-'));
// One pair of stores for every run (opening a database costs more than a run); each run has its own
// channel, and the two are compared on it.
const files = { batch: join(dir, 'batch.sqlite'), one: join(dir, 'one.sqlite') };
const stores = {
  batch: LocalStore.open({ file: files.batch, selfId: me.id }),
  one: LocalStore.open({ file: files.one, selfId: me.id }),
};
afterAll(() => {
  stores.batch.close();
  stores.one.close();
  rmSync(dir, { recursive: true, force: true });
});

type Held = 'others' | 'ownAcked' | 'ownEchoed' | 'ownRead' | 'ownEdited' | 'unsent';
interface Change {
  at: number;
  dSeq: -1 | 0 | 1;
  newText: boolean;
  deleted: boolean;
  reacted: boolean;
  renamed: boolean;
  files: boolean;
  receipt: boolean;
}

const heldArb = fc.constantFrom<Held>('others', 'ownAcked', 'ownEchoed', 'ownRead', 'ownEdited', 'unsent');
const changeArb = fc.record({
  at: fc.nat(),
  dSeq: fc.constantFrom<Change['dSeq']>(-1, 0, 1),
  newText: fc.boolean(),
  deleted: fc.boolean(),
  reacted: fc.boolean(),
  renamed: fc.boolean(),
  files: fc.boolean(),
  receipt: fc.boolean(),
});

/** The message as the server first stored it: seq i+1, changeSeq 10*(i+1). */
function original(channelId: string, i: number, id: string, own: boolean, cmid: string | undefined): Message {
  const at = new Date(1_700_000_000_000 + i * 1000).toISOString();
  const author = own ? me : bob;
  return serverMessage({
    id,
    channelId,
    user: author,
    seq: i + 1,
    at,
    ...(cmid ? { clientMessageId: cmid } : {}),
    changeSeq: 10 * (i + 1),
  });
}

interface Run {
  channelId: string;
  held: Held[];
  ids: string[];
  cmids: string[];
}

/** Builds a run's held state in a store: every id is given, so the two stores match row for row. */
function seed(store: LocalStore, { channelId, held, ids, cmids }: Run): void {
  store.saveChannels([{ ...testChannel([me, bob]), id: channelId }]);
  held.forEach((kind, i) => {
    const own = kind !== 'others';
    const m = original(channelId, i, ids[i]!, own, own ? cmids[i] : undefined);
    if (kind === 'others' || kind === 'ownEchoed') {
      store.upsertServerMessage(m);
      return;
    }
    queueOwn(
      store,
      { clientMessageId: cmids[i]!, channelId, content: m.content, createdAt: m.createdAt },
      1_700_000_000_000,
    );
    if (kind === 'unsent') return;
    store.applyAck({
      ok: true,
      messageId: m.id,
      channelId,
      clientMessageId: cmids[i]!,
      status: 'SENT' as never,
      seq: m.seq,
      createdAt: m.createdAt,
    });
    if (kind === 'ownRead')
      store.applyReceipt({
        messageId: m.id,
        channelId,
        userId: bob.id,
        status: 'READ' as never,
        at: m.createdAt,
      });
    if (kind === 'ownEdited')
      store.transaction(() =>
        store.changes.queue({
          opId: `edit-${cmids[i]}`,
          kind: 'edit',
          channelId,
          messageKey: cmids[i]!,
          content: 'mine, pending',
          queuedAt: 1_700_000_000_000,
        }),
      );
  });
}

/** The server's state of message `i` after a change. */
function changed({ channelId, held, ids, cmids }: Run, c: Change): Message {
  const i = c.at % held.length;
  const own = held[i] !== 'others';
  const m = original(channelId, i, ids[i]!, own, own ? cmids[i] : undefined);
  const at = new Date(1_700_100_000_000).toISOString();
  return {
    ...m,
    content: c.deleted ? '' : c.newText ? `${m.content} (fixed)` : m.content,
    editedAt: c.newText ? at : null,
    deleted: c.deleted,
    reactions: c.reacted && !c.deleted ? [{ emoji: '👍', userIds: [bob.id] }] : [],
    mentions: c.newText ? [me.id] : [],
    changeSeq: m.changeSeq + c.dSeq,
    user: c.renamed ? { ...m.user, name: `${m.user.name} (renamed)` } : m.user,
    ...(c.files ? { files: [{ id: randomUUID(), name: 'a.txt', size: 1, mime: 'text/plain' }] } : {}),
    ...(c.receipt ? { receipts: [{ userId: bob.id, status: 'DELIVERED' as never, at }] } : {}),
  };
}

/** Everything the store holds about one channel (committed: read on a connection of its own). */
function dump(file: string, channelId: string) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      messages: db.prepare('SELECT * FROM messages WHERE channel_id = ? ORDER BY key').all(channelId),
      channels: db.prepare('SELECT * FROM channels WHERE id = ?').all(channelId),
      operations: db.prepare('SELECT * FROM operations WHERE channel_id = ? ORDER BY ord').all(channelId),
      receipts: db
        .prepare(`
          SELECT * FROM receipts WHERE message_id IN (SELECT id FROM messages WHERE channel_id = ?)
          ORDER BY message_id, user_id`)
        .all(channelId),
      // The local search index follows the text: the edited messages, by key.
      found: db
        .prepare(`
          SELECT m.key FROM messages_fts f JOIN messages m ON m.rowid = f.rowid
          WHERE messages_fts MATCH 'fixed' AND m.channel_id = ? ORDER BY m.key`)
        .all(channelId),
    };
  } finally {
    db.close();
  }
}

it('a page applied in one pass ends as the one-message path, with the same rows changed', () => {
  fc.assert(
    fc.property(
      fc.array(heldArb, { minLength: 1, maxLength: 6 }),
      fc.array(changeArb, { minLength: 1, maxLength: 10 }),
      fc.boolean(),
      (held, changes, unknown) => {
        const run: Run = {
          channelId: randomUUID(),
          held,
          ids: held.map(() => randomUUID()),
          cmids: held.map(() => randomUUID()),
        };
        // Files get fresh ids per message built: the page is built once, the same objects go to both.
        const page = changes.map((c) => changed(run, c));
        if (unknown)
          page.push({
            ...original(run.channelId, held.length, randomUUID(), false, undefined),
            changeSeq: 999,
          });
        seed(stores.batch, run);
        seed(stores.one, run);
        const { batch, one } = stores;
        const fromBatch = batch.transaction(() => batch.applyChangePage(page));
        const fromOne = one.transaction(() =>
          page.flatMap((m) => {
            if (!one.messageById(m.id)) return [];
            const result = one.upsertServerMessage(m);
            return result.changed ? [result.row] : [];
          }),
        );
        expect(fromBatch).toEqual(fromOne);
        // The search index catches up off the write path (migration 010): as a search would first.
        while (batch.indexForSearch() > 0 || one.indexForSearch() > 0);
        expect(dump(files.batch, run.channelId)).toEqual(dump(files.one, run.channelId));
      },
    ),
    { numRuns: 100 },
  );
});
