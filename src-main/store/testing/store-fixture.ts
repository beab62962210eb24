/**
 * The local store's tests start from the same place: users, a channel they are both in, and a real
 * SQLite file in a fresh folder per test, closed and removed after it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect } from 'vitest';
import type { Channel } from '../../../src-shared/protocol';
import { migrations } from '../migrations';
import { LocalStore, type NewOwnMessage } from '../store';

import { me } from './test-channel';

// Without vitest, for the bench's processes too: test-channel.ts.
export { bob, me, type TestUser, testChannel } from './test-channel';

/**
 * Queues `me`'s message as sendMessage does (the message and its outbox row in one transaction), at
 * `now` unless `createdAt`/`queuedAt` say otherwise; returns its clientMessageId.
 */
export function queueOwn(
  store: LocalStore,
  m: Pick<NewOwnMessage, 'channelId' | 'content'> & Partial<NewOwnMessage>,
  now = Date.now(),
): string {
  const clientMessageId = m.clientMessageId ?? randomUUID();
  store.queueOwnMessage({
    clientMessageId,
    author: me,
    createdAt: new Date(now).toISOString(),
    queuedAt: now,
    ...m,
  });
  return clientMessageId;
}

/** The server's ack of `me`'s send `clientMessageId`, as `seq` (a fresh server id unless given). */
export function ackOwn(
  store: LocalStore,
  channelId: string,
  clientMessageId: string,
  seq: number,
  messageId: string = randomUUID(),
) {
  return store.applyAck({
    ok: true,
    messageId,
    channelId,
    clientMessageId,
    status: 'SENT' as never,
    seq,
    createdAt: new Date().toISOString(),
  });
}

/** FTS5's own check of the search index against the messages' text: throws on any difference. */
export function expectIndexMatchesMessages(file: string): void {
  const db = new Database(file);
  try {
    expect(() =>
      db.prepare("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)").run(),
    ).not.toThrow();
  } finally {
    db.close();
  }
}

export type StoreFolder = {
  /** This test's folder and the database file in it. */
  readonly dir: string;
  readonly file: string;
  /** Opens (or reopens) the store on `file` as `me`, with the fixture's channels saved. */
  open(): LocalStore;
};

/** A fresh folder per test; every store opened in it is closed after the test and the folder removed. */
export function storeFolderEachTest(
  prefix: string,
  { channels, now }: { channels: Channel[]; now?: () => number },
): StoreFolder {
  let opened: LocalStore[] = [];
  const folder = {
    dir: '',
    file: '',
    open() {
      const store = LocalStore.open({ file: folder.file, selfId: me.id, now });
      opened.push(store);
      store.saveChannels(channels);
      return store;
    },
  };
  beforeEach(() => {
    folder.dir = mkdtempSync(join(tmpdir(), prefix));
    folder.file = join(folder.dir, 'db.sqlite');
  });
  afterEach(() => {
    for (const store of opened) store.close();
    opened = [];
    rmSync(folder.dir, { recursive: true, force: true });
  });
  return folder;
}

/** A database file as the app left it after its first `version` migrations (WAL), open to fill. */
export function databaseMadeBy(file: string, version: number): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const [i, sql] of migrations.slice(0, version).entries()) {
    db.exec(sql);
    db.pragma(`user_version = ${i + 1}`);
  }
  return db;
}
